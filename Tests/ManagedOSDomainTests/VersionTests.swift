// VersionTests: parsing and ordering of macOS marketing versions.

import ManagedOSDomain
import Testing

@Suite struct VersionTests {
    @Test(arguments: [
        ("15.10", "15.9"), ("15.7.2", "15.7.1"), ("26", "15.7.9"), ("26.0.1", "26"), ("15.7.10", "15.7.9"),
        ("14.8", "14.7.8"), ("26.1", "26.0.1"), ("13.7.8", "13.7"),
    ])
    func newerVersionComparesGreater(newer: String, older: String) throws {
        let high = try OSVersion(parsing: newer)
        let low = try OSVersion(parsing: older)
        #expect(high > low)
        #expect(low < high)
        #expect(high != low)
    }

    @Test(arguments: [("15.7", "15.7.0"), ("26", "26.0"), ("26", "26.0.0"), ("14.8.0", "14.8")])
    func trailingZerosAreEqualAndHashAlike(left: String, right: String) throws {
        let a = try OSVersion(parsing: left)
        let b = try OSVersion(parsing: right)
        #expect(a == b)
        #expect(!(a < b) && !(b < a))
        #expect(Set([a, b]).count == 1)
    }

    @Test(arguments: ["", "15.", ".7", "15..7", "15.7.a", "v15", "15 .7", "-15", "0", "15.7.2.1.0", "15.7 ", "1234567.1"])
    func invalidTextThrowsErrorNamingIt(text: String) {
        #expect(throws: VersionParseError.invalidVersion(text)) { try OSVersion(parsing: text) }
    }

    @Test func descriptionKeepsPublishedText() throws {
        #expect(try OSVersion(parsing: "26.0").description == "26.0")
        #expect(try OSVersion(parsing: "15.7.2").description == "15.7.2")
    }

    @Test func partsAreReadNumerically() throws {
        let version = try OSVersion(parsing: "15.10.3")
        #expect(version.major == 15)
        #expect(version.minor == 10)
        #expect(version.patch == 3)
        #expect(OSVersion(major: 26).minor == 0)
    }

    @Test func sortingOrdersByNumberNotText() throws {
        let sorted = try ["15.10", "15.9", "15.7.9", "15.7.10", "15"].map { try OSVersion(parsing: $0) }.sorted()
        #expect(sorted.map(\.description) == ["15", "15.7.9", "15.7.10", "15.9", "15.10"])
    }
}
