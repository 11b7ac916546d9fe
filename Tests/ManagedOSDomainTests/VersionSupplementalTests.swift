// VersionSupplementalTests: Background Security Improvement versions (`26.3.1 (a)`) and extra versions.

import ManagedOSDomain
import Testing

@Suite struct SupplementalVersionTests {
    @Test(arguments: ["26.3.1 (a)", "26.3.1 a", "26.3.1(a)", " 26.3.1 (a) ", "26.3.1  a"])
    func everyDeviceFormParsesToTheSameVersion(text: String) throws {
        let version = try SupplementalVersion(parsing: text)
        #expect(version.base == OSVersion(major: 26, minor: 3, patch: 1))
        #expect(version.extra.letters == "a")
        #expect(version.description == "26.3.1 (a)")
    }

    @Test(arguments: ["(a)", "a", " a ", "( a )"])
    func extraVersionAcceptsBothReportedForms(text: String) throws {
        let extra = try ExtraVersion(parsing: text)
        #expect(extra == (try ExtraVersion(parsing: "(a)")))
        #expect(extra.parenthesized == "(a)")
    }

    @Test(arguments: ["", "()", "(A)", "A", "1", "(a", "a)", "(ab1)", "abcd", "(a)(b)"])
    func invalidExtraVersionThrowsErrorNamingIt(text: String) {
        #expect(throws: VersionParseError.invalidExtraVersion(text)) { try ExtraVersion(parsing: text) }
    }

    @Test(arguments: ["26.3.1", "26.3.1 ()", "26.3.1 (A)", "(a)", "26..3 (a)", "26.3.1 (a) b", ""])
    func invalidSupplementalVersionThrowsErrorNamingIt(text: String) {
        #expect(throws: VersionParseError.invalidExtraVersion(text)) { try SupplementalVersion(parsing: text) }
    }

    @Test func ordersByBaseThenLetter() throws {
        let a = try SupplementalVersion(parsing: "26.3.1 (a)")
        let b = try SupplementalVersion(parsing: "26.3.1 (b)")
        let next = try SupplementalVersion(parsing: "26.3.2 (a)")
        #expect(a < b)
        #expect(b < next)
        #expect(a.isNewer(thanBase: OSVersion(major: 26, minor: 3, patch: 1)))
        #expect(!a.isNewer(thanBase: OSVersion(major: 26, minor: 4)))
    }
}
