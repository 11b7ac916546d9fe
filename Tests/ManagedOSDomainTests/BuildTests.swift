// BuildTests: parsing, BSI recognition and ordering of macOS build numbers.

import ManagedOSDomain
import Testing

@Suite struct BuildTests {
    @Test(arguments: [("25B78", false), ("25D2128", false), ("25A8364", false), ("25D771280a", true), ("20F75c", true)])
    func recognisesBackgroundSecurityImprovementBuildByTrailingLowerCaseLetter(text: String, isBSI: Bool) throws {
        let build = try OSBuild(parsing: text)
        #expect(build.rawValue == text)
        #expect(build.isBackgroundSecurityImprovement == isBSI)
    }

    @Test(arguments: ["", "25", "B78", "25b78", "25BB78", "25B", "25B78 ", "25B78A", "25B-78", "25B78a1"])
    func invalidBuildThrowsErrorNamingIt(text: String) {
        #expect(throws: VersionParseError.invalidBuild(text)) { try OSBuild(parsing: text) }
    }

    @Test(arguments: [("25B78", "25D125"), ("25D125", "25D2128"), ("9A100", "25A1"), ("25D2128", "25D771280a"), ("24G90", "24G830")])
    func ordersByNumericParts(lower: String, higher: String) throws {
        #expect(try OSBuild(parsing: lower) < OSBuild(parsing: higher))
        #expect(!(try OSBuild(parsing: higher) < OSBuild(parsing: lower)))
    }
}
