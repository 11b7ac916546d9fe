// GDMFFeedTests: parsing Apple's GDMF `pmv` response (raw and SOFA-wrapped), with inline fixtures.

import Foundation
import ManagedOSDomain
import Testing

@Suite struct GDMFFeedTests {
    private static let rawWithUnknownKeys = """
        {
          "FutureTopLevelKey": {"x": 1},
          "PublicAssetSets": {
            "iOS": [{"ProductVersion": "18.2.1", "Build": "22C161", "PostingDate": "2025-01-06", "SupportedDevices": ["iPhone17,1"]}],
            "macOS": [{"ProductVersion": "15.7.9", "Build": "24G830", "PostingDate": "2026-08-17",
                       "ExpirationDate": "2026-11-20", "SupportedDevices": ["J504AP", "Mac-63001698E7A34814"],
                       "SomeNewField": true}]
          },
          "AssetSets": {
            "macOS": [{"ProductVersion": "15.7.8", "Build": "24G824", "PostingDate": "2026-07-27",
                       "SupportedDevices": ["J504AP"]}],
            "visionOS": []
          },
          "PublicBackgroundSecurityImprovements": {
            "macOS": [{"ProductVersion": "26.3.1", "ProductVersionExtra": "(a)", "Build": "25D771280a",
                       "PrerequisiteBuild": "25D2128", "PostingDate": "2026-03-17", "ExpirationDate": "2026-11-20",
                       "SupportedDevices": ["J504AP"]}]
          }
        }
        """

    @Test func readsMacOSEntriesAndIgnoresUnknownKeysAndOtherPlatforms() throws {
        let feed = try GDMFFeed(parsing: Data(Self.rawWithUnknownKeys.utf8))
        #expect(feed.issues.isEmpty)
        #expect(feed.entries.count == 3)
        let latest = try #require(feed.entries(in: .publicAssetSets).first)
        #expect(latest.version == OSVersion(major: 15, minor: 7, patch: 9))
        #expect(latest.build == OSBuild(unchecked: "24G830"))
        #expect(latest.postingDate == CivilDate(year: 2026, month: 8, day: 17))
        #expect(latest.expirationDate == CivilDate(year: 2026, month: 11, day: 20))
        #expect(latest.supportedDevices == ["J504AP", "Mac-63001698E7A34814"])
        #expect(feed.entries(in: .assetSets).first?.expirationDate == nil)
        #expect(feed.etag == nil)
    }

    @Test func readsBackgroundSecurityImprovementFields() throws {
        let feed = try GDMFFeed(parsing: Data(Self.rawWithUnknownKeys.utf8))
        let bsi = try #require(feed.entries(in: .backgroundSecurityImprovements).first)
        #expect(bsi.build.isBackgroundSecurityImprovement)
        #expect(bsi.extraVersion == (try ExtraVersion(parsing: "(a)")))
        #expect(bsi.prerequisiteBuild == OSBuild(unchecked: "25D2128"))
    }

    @Test func acceptsOlderRapidSecurityResponsesName() throws {
        let json = """
            {"PublicAssetSets": {"macOS": []}, "AssetSets": {"macOS": []},
             "PublicRapidSecurityResponses": {"macOS": [{"ProductVersion": "13.4.1", "ProductVersionExtra": "(c)",
               "Build": "22F770820d", "PrerequisiteBuild": "22F82", "PostingDate": "2023-07-12",
               "SupportedDevices": ["J413AP"]}]}}
            """
        let feed = try GDMFFeed(parsing: Data(json.utf8))
        let bsi = try #require(feed.entries(in: .backgroundSecurityImprovements).first)
        #expect(bsi.version == OSVersion(major: 13, minor: 4, patch: 1))
        #expect(bsi.extraVersion?.letters == "c")
        #expect(bsi.prerequisiteBuild == OSBuild(unchecked: "22F82"))
    }

    @Test func acceptsEmptyOlderRapidSecurityResponsesObject() throws {
        let json = """
            {"PublicAssetSets": {"macOS": [{"ProductVersion": "14.6.1", "Build": "23G93", "PostingDate": "2024-08-07",
              "SupportedDevices": ["J413AP"]}]}, "PublicRapidSecurityResponses": {}}
            """
        let feed = try GDMFFeed(parsing: Data(json.utf8))
        #expect(feed.entries.map(\.build.rawValue) == ["23G93"])
        #expect(feed.entries(in: .backgroundSecurityImprovements).isEmpty)
    }

    @Test func unwrapsSOFACachedForm() throws {
        let json = """
            {"etag": "dd37e323", "data": {"AssetSets": {"macOS": [{"ProductVersion": "26.6.2", "Build": "25G83",
              "PostingDate": "2026-08-17", "SupportedDevices": ["J504AP"]}]}}}
            """
        let feed = try GDMFFeed(parsing: Data(json.utf8))
        #expect(feed.etag == "dd37e323")
        #expect(feed.entries.map(\.version.description) == ["26.6.2"])
    }

    @Test func keepsSameVersionAndBuildWithDifferentDeviceListsDistinct() throws {
        let json = """
            {"AssetSets": {"macOS": [
              {"ProductVersion": "26.3.1", "Build": "25D2128", "PostingDate": "2026-03-04", "ExpirationDate": "2026-06-22", "SupportedDevices": ["J504AP", "J413AP"]},
              {"ProductVersion": "26.3.1", "Build": "25D2128", "PostingDate": "2026-03-04", "ExpirationDate": "2026-06-08", "SupportedDevices": ["J700AP"]},
              {"ProductVersion": "26.3.1", "Build": "25D2128", "PostingDate": "2026-03-04", "ExpirationDate": "2026-06-08", "SupportedDevices": ["J700AP"]}
            ]}}
            """
        let feed = try GDMFFeed(parsing: Data(json.utf8))
        #expect(feed.entries.count == 2)
        #expect(Set(feed.entries.map(\.supportedDevices)) == [["J413AP", "J504AP"], ["J700AP"]])
    }

    @Test func skipsUnreadableEntryAndNamesIt() throws {
        let json = """
            {"AssetSets": {"macOS": [
              {"ProductVersion": "26.x", "Build": "25G83", "PostingDate": "2026-08-17", "SupportedDevices": []},
              {"ProductVersion": "26.6.2", "Build": "25G83", "PostingDate": "2026-08-17", "SupportedDevices": []}
            ]}}
            """
        let feed = try GDMFFeed(parsing: Data(json.utf8))
        #expect(feed.entries.count == 1)
        #expect(feed.issues == [.invalidField(feed: .gdmf, path: "$.AssetSets.macOS[0].ProductVersion", value: "26.x")])
    }

    @Test func rejectsTextThatIsNotAFeed() {
        #expect(throws: CatalogParseError.notJSON(feed: .gdmf)) { try GDMFFeed(parsing: Data("<html>".utf8)) }
        #expect(throws: CatalogParseError.unexpectedShape(feed: .gdmf, path: "$")) { try GDMFFeed(parsing: Data("[1]".utf8)) }
        #expect(throws: CatalogParseError.missingField(feed: .gdmf, path: "$.AssetSets")) {
            try GDMFFeed(parsing: Data(#"{"etag": "x"}"#.utf8))
        }
    }
}
