// SOFAFeedTests: SOFA v1 and v2 macOS feeds and v1/timestamp.json, with inline fixtures.

import Foundation
import ManagedOSDomain
import Testing

@Suite struct SOFAFeedTests {
    private static let v1 = """
        {"UpdateHash": "0e64", "OSVersions": [{"OSVersion": "Sequoia 15",
          "Latest": {"ProductVersion": "15.7.9", "Build": "24G830", "ReleaseDate": "2026-08-06T00:00:00Z",
                     "ExpirationDate": "2026-11-20T00:00:00Z", "SupportedDevices": ["J504AP", "Mac-63001698E7A34814"],
                     "CVEs": {"CVE-2026-65400": true}, "ActivelyExploitedCVEs": ["CVE-2026-65400"], "UniqueCVEsCount": 1},
          "SecurityReleases": [
            {"UpdateName": "macOS Sequoia 15.7.9", "ProductVersion": "15.7.9", "ReleaseDate": "2026-08-06T00:00:00Z",
             "SupportedDevices": ["J504AP", "Mac-63001698E7A34814"], "CVEs": {"CVE-2026-65400": true},
             "ActivelyExploitedCVEs": [], "UniqueCVEsCount": 1},
            {"UpdateName": "macOS Sequoia 15.7.8", "ProductVersion": "15.7.8", "ReleaseDate": "2026-07-27T00:00:00Z",
             "SupportedDevices": ["J504AP"], "CVEs": {"CVE-2026-1": false, "CVE-2026-2": false},
             "ActivelyExploitedCVEs": [], "UniqueCVEsCount": 2}],
          "SupportedModels": [{"Model": "MacBook Pro", "Identifiers": {"Mac15,3": "MacBook Pro (14-inch, M3, Nov 2023)"}}]}],
         "Models": {"Mac15,3": {"MarketingName": "MacBook Pro (14-inch, M3, Nov 2023)", "OSVersions": [15]}}}
        """

    private static let v2 = """
        {"SchemaVersion": "2026.04.11.2", "Version": "2.0", "LastCheck": "2026-08-22T18:45:03.057991718+00:00",
         "OSVersions": [{"OSVersion": "Tahoe 26",
           "Latest": {"ProductVersion": "26.6.2", "Build": "25G83", "AllBuilds": ["25G83"], "ReleaseDate": "2026-08-17T00:00:00Z",
                      "ExpirationDate": "2026-11-20", "SupportedDevices": ["J504AP", "J700AP"], "CVEs": {},
                      "ActivelyExploitedCVEs": [], "UniqueCVEsCount": 0, "DeviceScope": "universal"},
           "SecurityReleases": [
             {"ProductVersion": "26.6.2", "Build": "25G83", "AllBuilds": ["25G83"], "ReleaseDate": "2026-08-17T00:00:00Z",
              "ExpirationDate": "2026-11-20", "CVEs": {}, "ActivelyExploitedCVEs": [], "UniqueCVEsCount": 28,
              "DeviceScope": "universal", "UpdateSummary": {"Priority": "high"}},
             {"ProductVersion": "26.3", "Build": "", "AllBuilds": [], "ReleaseDate": "2026-02-11T00:00:00Z",
              "SupportedDevices": ["J504AP"],
              "CVEs": {"CVE-2026-20700": {"ActivelyExploited": true, "InKEV": true, "Severity": "Critical"}, "CVE-2026-3": {}},
              "ActivelyExploitedCVEs": [], "UniqueCVEsCount": 67, "DeviceScope": "device-specific"}]}],
         "Devices": {"J504AP": {"DeviceID": "Mac15,3", "MarketingName": "MacBook Pro"},
                     "VMM-x86_64": {"MarketingName": "Virtual Machine (x86_64)"}},
         "BackgroundSecurityImprovements": {"26": [{"Version": "26.3.1", "VersionExtra": "(a)", "Build": "25D771280a",
            "PostingDate": "2026-03-17", "DocumentationID": null, "PrerequisiteBuild": "25D2128",
            "SupportedDevices": ["J504AP"], "CVEs": ["CVE-2026-20643"], "DeviceScope": "universal"}]}}
        """

    @Test func readsV1WithBooleanCVEsAndNoBuilds() throws {
        let feed = try SOFAFeed(parsing: Data(Self.v1.utf8))
        #expect(feed.format == .v1)
        #expect(feed.issues.isEmpty)
        #expect(feed.releases.map(\.version.description) == ["15.7.9", "15.7.8"])
        let latest = feed.releases[0]
        #expect(latest.builds == [OSBuild(unchecked: "24G830")])  // carried from Latest
        #expect(latest.expirationDate == CivilDate(year: 2026, month: 11, day: 20))
        #expect(latest.activelyExploitedCVEs == ["CVE-2026-65400"])  // from the CVE map's `true`
        #expect(feed.releases[1].builds.isEmpty)
        #expect(feed.releases[1].activelyExploitedCVEs.isEmpty)
        #expect(feed.releases[1].cveCount == 2)
        #expect(feed.releases[1].releaseDate == CivilDate(year: 2026, month: 7, day: 27))
        #expect(feed.supportedModelIdentifiersByMajor[15] == ["Mac15,3"])
        #expect(feed.marketingNameByModelIdentifier["Mac15,3"] == "MacBook Pro (14-inch, M3, Nov 2023)")
        #expect(feed.modelIdentifierByBoardID.isEmpty)
    }

    @Test func readsV2EmptyBuildInheritedDevicesAndCVEDetails() throws {
        let feed = try SOFAFeed(parsing: Data(Self.v2.utf8))
        #expect(feed.format == .v2)
        #expect(feed.schemaVersion == "2026.04.11.2")
        #expect(feed.issues.isEmpty)
        let latest = try #require(feed.releases.first)
        #expect(latest.builds == [OSBuild(unchecked: "25G83")])
        #expect(latest.inheritsSupportedDevices)
        #expect(latest.supportedDevices == ["J504AP", "J700AP"])
        #expect(latest.expirationDate == CivilDate(year: 2026, month: 11, day: 20))
        #expect(latest.cveCount == 28)
        let older = feed.releases[1]
        #expect(older.builds.isEmpty)
        #expect(!older.inheritsSupportedDevices)
        #expect(older.supportedDevices == ["J504AP"])
        #expect(older.activelyExploitedCVEs == ["CVE-2026-20700"])
        #expect(older.isDeviceSpecific)
        #expect(older.expirationDate == nil)
    }

    @Test func readsV2DeviceMapAndBackgroundSecurityImprovements() throws {
        let feed = try SOFAFeed(parsing: Data(Self.v2.utf8))
        #expect(feed.modelIdentifierByBoardID == ["J504AP": "Mac15,3"])
        let bsi = try #require(feed.backgroundSecurityImprovements.first)
        #expect(bsi.version == OSVersion(major: 26, minor: 3, patch: 1))
        #expect(bsi.extraVersion.letters == "a")
        #expect(bsi.build == OSBuild(unchecked: "25D771280a"))
        #expect(bsi.prerequisiteBuild == OSBuild(unchecked: "25D2128"))
        #expect(bsi.cves == ["CVE-2026-20643"])
        #expect(feed.lastCheck.map { abs($0.timeIntervalSince1970 - 1_787_424_303.057991718) < 0.001 } == true)
    }

    @Test func skipsReleaseWithUnreadableDateAndNamesIt() throws {
        let json = """
            {"OSVersions": [{"OSVersion": "Sequoia 15", "SecurityReleases": [
              {"ProductVersion": "15.7.8", "ReleaseDate": "July 27"},
              {"ProductVersion": "15.7.7", "ReleaseDate": "2026-05-11T00:00:00Z"}]}]}
            """
        let feed = try SOFAFeed(parsing: Data(json.utf8))
        #expect(feed.releases.map(\.version.description) == ["15.7.7"])
        #expect(feed.issues == [.invalidField(feed: .sofa, path: "$.OSVersions[0].SecurityReleases[0].ReleaseDate", value: "July 27")])
    }

    @Test func rejectsFeedWithoutOSVersions() {
        #expect(throws: CatalogParseError.missingField(feed: .sofa, path: "$.OSVersions")) {
            try SOFAFeed(parsing: Data(#"{"UpdateHash": "x"}"#.utf8))
        }
        #expect(throws: CatalogParseError.notJSON(feed: .sofa)) { try SOFAFeed(parsing: Data("{".utf8)) }
    }
}

@Suite struct SOFATimestampTests {
    @Test func readsMalformedLastCheckLeniently() throws {
        let json = #"{"macOS": {"LastCheck": "2026-08-22T18:45:02+00:00Z", "UpdateHash": "f586"}, "iOS": {"LastCheck": "garbage"}}"#
        let stamp = try SOFATimestamp(parsing: Data(json.utf8))
        #expect(stamp.macOS?.lastCheck == Date(timeIntervalSince1970: 1_787_424_302))
        #expect(stamp.macOS?.updateHash == "f586")
        #expect(stamp.entries["iOS"]?.lastCheck == nil)
        #expect(stamp.entries["iOS"]?.lastCheckText == "garbage")
    }

    @Test(arguments: [
        ("2026-08-22T18:45:02Z", 1_787_424_302.0), ("2026-08-22T18:45:02+00:00Z", 1_787_424_302.0),
        ("2026-08-22T20:45:02+02:00", 1_787_424_302.0), ("2026-08-22T18:45:02.5Z", 1_787_424_302.5),
        ("2026-08-22 18:45:02", 1_787_424_302.0), ("2026-08-22", 1_787_356_800.0),
    ])
    func parsesTimestampForms(text: String, seconds: Double) {
        #expect(FeedTimestamp.parse(text) == Date(timeIntervalSince1970: seconds))
    }

    @Test(arguments: ["", "2026-08-22T", "2026-08-22T25:00:00Z", "2026-13-01", "yesterday", "2026-08-22T18:45:02ZZ"])
    func rejectsNonTimestamps(text: String) {
        #expect(FeedTimestamp.parse(text) == nil)
    }
}
