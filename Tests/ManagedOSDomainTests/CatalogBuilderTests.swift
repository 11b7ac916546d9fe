// CatalogBuilderTests: the merge rules of CatalogBuilder, on small hand-made feeds.

import Foundation
import ManagedOSDomain
import Testing

private func day(_ text: String) -> CivilDate { CivilDate(iso: text)! }
private func noon(_ text: String) -> Date {
    Date(timeIntervalSince1970: Double(day(text).daysSinceEpoch) * 86_400 + 43_200)
}
private func version(_ text: String) -> OSVersion { try! OSVersion(parsing: text) }
private func build(_ text: String) -> OSBuild { OSBuild(unchecked: text) }
private func gdmf(
    _ v: String, _ b: String, posted: String, expires: String? = nil, devices: [String],
    list: GDMFFeed.AssetList = .assetSets, extra: String? = nil, prerequisite: String? = nil
) -> GDMFFeed.Entry {
    GDMFFeed.Entry(
        list: list, version: version(v), build: build(b), postingDate: day(posted), expirationDate: expires.map(day),
        supportedDevices: devices, extraVersion: extra.map { try! ExtraVersion(parsing: $0) },
        prerequisiteBuild: prerequisite.map(build))
}
private func sofa(
    _ v: String, builds: [String] = [], released: String, expires: String? = nil, devices: [String] = ["J504AP"],
    cves: Int = 0, exploited: [String] = []
) -> SOFAFeed.Release {
    SOFAFeed.Release(
        version: version(v), builds: builds.map(build), releaseDate: day(released), expirationDate: expires.map(day),
        supportedDevices: devices, cveCount: cves, activelyExploitedCVEs: exploited)
}
private func seen(_ v: String, _ b: String, at timestamp: String, posted: String? = nil) -> GDMFHistory.Entry {
    GDMFHistory.Entry(version: version(v), build: build(b), firstSeen: FeedTimestamp.parse(timestamp)!, postingDate: posted.map(day))
}
private let boards63 = (1...63).map { "J\($0)AP" }

@Suite struct CatalogBuilderTests {
    @Test func restampedPostingDateDoesNotBecomeReleaseDate() throws {
        let builder = CatalogBuilder(
            gdmf: [GDMFFeed(entries: [gdmf("13.7.8", "22H730", posted: "2026-08-17", devices: ["J504AP"], list: .publicAssetSets)])],
            sofa: [SOFAFeed(format: .v2, releases: [sofa("13.7.8", builds: ["22H730"], released: "2025-08-20")])])
        let release = try #require(builder.releases().first)
        #expect(release.releaseDate == day("2025-08-20"))
    }

    @Test func postingDateIsUsedOnlyWhenNothingElseDatesTheRelease() throws {
        let builder = CatalogBuilder(gdmf: [
            GDMFFeed(entries: [gdmf("11.7.11", "20G1443", posted: "2026-05-18", devices: ["J504AP"])]),
            GDMFFeed(entries: [gdmf("11.7.11", "20G1443", posted: "2026-02-02", devices: ["J504AP"])]),
        ])
        #expect(builder.releases().map(\.releaseDate) == [day("2026-02-02")])
    }

    @Test func firstSightingEarlierThanWrongSOFADateWins() throws {
        let builder = CatalogBuilder(
            history: GDMFHistory(entries: [seen("13.3.1", "22E261", at: "2023-04-07T18:00:00Z")]),
            sofa: [SOFAFeed(format: .v2, releases: [sofa("13.3.1", released: "2023-10-31")])])
        #expect(builder.releases().map(\.releaseDate) == [day("2023-04-07")])
    }

    @Test func missingSOFABuildIsRecoveredFromHistoryOrStaysUnknown() throws {
        let builder = CatalogBuilder(
            history: GDMFHistory(entries: [seen("13.7.7", "22H722", at: "2025-09-07T19:25:15Z", posted: "2025-07-29")]),
            sofa: [SOFAFeed(format: .v2, releases: [
                sofa("13.7.7", released: "2025-07-29", cves: 43), sofa("13.7.5", released: "2025-03-31", cves: 108),
            ])])
        let releases = builder.releases()
        let recovered = try #require(releases.first { $0.version == version("13.7.7") })
        #expect(recovered.build == build("22H722"))
        #expect(recovered.cveCount == 43)
        #expect(recovered.id == "13.7.7/22H722")
        let unknown = try #require(releases.first { $0.version == version("13.7.5") })
        #expect(unknown.build == nil)
        #expect(releases.count == 2)
    }

    @Test func sameVersionAndBuildListedForDifferentDevicesIsOneReleaseOnAllOfThem() throws {
        let builder = CatalogBuilder(gdmf: [GDMFFeed(entries: [
            gdmf("26.3.1", "25D2128", posted: "2026-03-04", expires: "2026-06-22", devices: boards63),
            gdmf("26.3.1", "25D2128", posted: "2026-03-04", expires: "2026-06-08", devices: ["J700AP"]),
        ])])
        let releases = builder.releases()
        #expect(releases.count == 1)
        #expect(releases[0].supportedBoardIDs == Set(boards63 + ["J700AP"]))
        #expect(releases[0].expirationDate == day("2026-06-22"))
        #expect(!releases[0].isDeviceSpecific)
    }

    @Test func deviceSpecificBuildIsOfferedOnlyToItsHardware() throws {
        let catalog = CatalogBuilder(gdmf: [GDMFFeed(entries: [
            gdmf("26.3.1", "25D2128", posted: "2026-03-04", devices: boards63 + ["J700AP"]),
            gdmf("26.3.2", "25D2140", posted: "2026-03-10", devices: ["J700AP"]),
        ])]).build()
        let now = noon("2026-03-20")
        let neo = MacHardware(boardID: "J700AP")
        let other = MacHardware(boardID: "J5AP")
        #expect(catalog.latestApproved(major: 26, for: neo, at: now)?.id == "26.3.2/25D2140")
        #expect(catalog.latestApproved(major: 26, for: other, at: now)?.id == "26.3.1/25D2128")
        #expect(catalog.release(id: "26.3.2/25D2140")?.isDeviceSpecific == true)
    }

    @Test func laterSeenBuildOfSameVersionIsTheDeviceSpecificVariant() throws {
        let builder = CatalogBuilder(
            history: GDMFHistory(entries: [
                seen("26.0.1", "25A362", at: "2025-09-29T18:12:13Z"), seen("26.0.1", "25A8364", at: "2025-10-16T00:50:11Z"),
            ]),
            sofa: [SOFAFeed(format: .v2, releases: [sofa("26.0.1", released: "2025-09-29", devices: boards63)])])
        let releases = builder.releases()
        #expect(releases.count == 2)
        #expect(releases.first { $0.build == build("25A8364") }?.isDeviceSpecific == true)
        #expect(releases.first { $0.build == build("25A362") }?.isDeviceSpecific == false)
        // The universal build is what a Mac on the shared device list is offered.
        let catalog = builder.build()
        #expect(catalog.latestApproved(major: 26, for: MacHardware(boardID: "J1AP"), at: noon("2025-11-01"))?.build == build("25A362"))
    }

    @Test func ordersByVersionEvenWhenSOFADateIsWrong() throws {
        let catalog = CatalogBuilder(sofa: [SOFAFeed(format: .v1, releases: [
            sofa("13.4", released: "2023-05-18"), sofa("13.3.1", released: "2023-10-31"), sofa("13.3", released: "2023-03-27"),
        ])]).build()
        let mac = MacHardware(boardID: "J504AP")
        #expect(catalog.updates(major: 13).map(\.version.description) == ["13.3", "13.3.1", "13.4"])
        #expect(catalog.latestApproved(major: 13, for: mac, at: noon("2023-12-01"))?.version == version("13.4"))
    }

    @Test func expiredReleaseIsInstallableThroughItsLastDayOnly() throws {
        let catalog = CatalogBuilder(gdmf: [GDMFFeed(entries: [
            gdmf("15.7.9", "24G830", posted: "2026-08-06", expires: "2026-11-20", devices: ["J504AP"]),
        ])]).build()
        let mac = MacHardware(boardID: "J504AP")
        let release = try #require(catalog.releases.first)
        #expect(catalog.latestApproved(major: 15, for: mac, at: noon("2026-11-20"))?.id == "15.7.9/24G830")
        #expect(catalog.latestApproved(major: 15, for: mac, at: noon("2026-11-21")) == nil)
        #expect(!catalog.isInstallable(release, at: noon("2026-11-21")))
        // Still an approved update (it can set a floor), just never a target.
        #expect(catalog.approvedUpdates(major: 15, for: mac, at: noon("2026-11-21")).map(\.id) == ["15.7.9/24G830"])
    }

    @Test func releaseMissingFromANewerSnapshotHasExpiredByThatSnapshot() throws {
        let april = GDMFFeed(entries: [
            gdmf("15.7.5", "24G624", posted: "2026-03-24", expires: "2026-07-11", devices: ["J504AP"]),
            gdmf("15.7.4", "24G517", posted: "2026-02-11", expires: "2026-12-31", devices: ["J504AP"]),
        ])
        let august = GDMFFeed(entries: [
            gdmf("15.7.9", "24G830", posted: "2026-08-17", expires: "2026-11-20", devices: ["J504AP"]),
        ])
        let builder = CatalogBuilder(
            gdmf: [august, april],
            sofa: [SOFAFeed(format: .v2, releases: [sofa("15.6", builds: ["24G84"], released: "2025-07-29")])])
        let expiration = Dictionary(uniqueKeysWithValues: builder.releases().map { ($0.version.description, $0.expirationDate) })
        #expect(expiration["15.7.9"] == day("2026-11-20"))
        #expect(expiration["15.7.5"] == day("2026-07-11"))
        #expect(expiration["15.7.4"] == day("2026-08-17"))  // gone from the August snapshot
        #expect(expiration["15.6"] == day("2026-03-24"))  // never listed: unsigned by the April snapshot
    }

    @Test func backgroundSecurityImprovementIsLinkedThroughPrerequisiteBuild() throws {
        let catalog = CatalogBuilder(gdmf: [GDMFFeed(entries: [
            gdmf("26.3.1", "25D2128", posted: "2026-03-04", devices: ["J504AP"]),
            gdmf("26.3.1", "25D771280a", posted: "2026-03-17", devices: ["J504AP"], list: .backgroundSecurityImprovements,
                extra: "(a)", prerequisite: "25D2128"),
        ])]).build()
        let mac = MacHardware(boardID: "J504AP")
        let bsi = try #require(catalog.backgroundSecurityImprovement(forBaseBuild: build("25D2128"), for: mac, at: noon("2026-03-20")))
        #expect(bsi.kind == .backgroundSecurityImprovement(extraVersion: "(a)", prerequisiteBuild: build("25D2128")))
        #expect(bsi.id == "26.3.1 (a)/25D771280a")
        #expect(catalog.backgroundSecurityImprovement(forBaseBuild: build("25D2128"), for: mac, at: noon("2026-03-16")) == nil)
        #expect(catalog.backgroundSecurityImprovement(forBaseBuild: build("25D2140"), for: mac, at: noon("2026-03-20")) == nil)
        #expect(catalog.latestApproved(major: 26, for: mac, at: noon("2026-03-20"))?.id == "26.3.1/25D2128")
    }

    @Test func cveFactsComeFromSOFAAndManagedFlagFromAssetSets() throws {
        let builder = CatalogBuilder(
            gdmf: [GDMFFeed(entries: [
                gdmf("14.8.9", "23J631", posted: "2026-08-17", devices: ["J504AP"], list: .publicAssetSets),
                gdmf("14.8.8", "23J620", posted: "2026-07-27", devices: ["J504AP"], list: .assetSets),
            ])],
            sofa: [
                SOFAFeed(format: .v1, releases: [sofa("14.8.9", released: "2026-08-06", cves: 1, exploited: ["CVE-2026-65400"])]),
                SOFAFeed(format: .v2, releases: [sofa("14.8.9", builds: ["23J631"], released: "2026-08-06", cves: 1)]),
            ])
        let releases = builder.releases()
        let latest = try #require(releases.first { $0.version == version("14.8.9") })
        #expect(latest.activelyExploitedCVEs == ["CVE-2026-65400"])
        #expect(latest.fixesActivelyExploitedCVEs)
        #expect(latest.cveCount == 1)
        #expect(!latest.isInManagedAssetSets)
        #expect(releases.first { $0.version == version("14.8.8") }?.isInManagedAssetSets == true)
    }
}
