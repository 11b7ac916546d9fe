// SnapshotCatalogTests: the bundled 2026-08-22 snapshots parse, and the default catalog says what the feeds say.
//
// Expected values were read from the JSON files themselves (jq/python), not from this code's output.

import AppleFeedSnapshots
import Foundation
import ManagedOSDomain
import Testing

private func noon(_ text: String) -> Date {
    Date(timeIntervalSince1970: Double(CivilDate(iso: text)!.daysSinceEpoch) * 86_400 + 43_200)
}
private let snapshotNow = noon("2026-08-22")

@Suite struct SnapshotParsingTests {
    @Test func gdmfSnapshotsParseWithoutIssues() throws {
        let august = try GDMFFeed(parsing: AppleFeedSnapshots.gdmfCached())
        let april = try GDMFFeed(parsing: AppleFeedSnapshots.gdmfApril2026())
        #expect(august.issues.isEmpty && april.issues.isEmpty)
        // macOS: 6 public + 15 managed + 2 BSI entries in August; April lists 26.3.1/25D2128 twice.
        #expect(august.entries(in: .publicAssetSets).count == 6)
        #expect(august.entries(in: .assetSets).count == 15)
        #expect(august.entries(in: .backgroundSecurityImprovements).count == 2)
        #expect(august.etag?.hasPrefix("dd37e323") == true)
        #expect(april.etag == nil)
        #expect(april.entries(in: .assetSets).filter { $0.build.rawValue == "25D2128" }.count == 2)
        #expect(august.observationDate == CivilDate(year: 2026, month: 8, day: 17))
    }

    @Test func historyParsesMacOSLinesOnly() throws {
        let history = try GDMFHistory(parsing: AppleFeedSnapshots.gdmfHistory())
        #expect(history.issues.isEmpty)
        #expect(history.entries.count == 46)  // `grep -c '"platform":"macOS"'`
    }

    @Test func sofaFeedsParseWithoutIssues() throws {
        let v1 = try SOFAFeed(parsing: AppleFeedSnapshots.sofaV1())
        let v2 = try SOFAFeed(parsing: AppleFeedSnapshots.sofaV2())
        #expect(v1.format == .v1 && v2.format == .v2)
        #expect(v1.issues.isEmpty && v2.issues.isEmpty)
        #expect(v1.releases.count == 126 && v2.releases.count == 126)
        #expect(v2.backgroundSecurityImprovements.count == 2)
        #expect(v2.modelIdentifierByBoardID["J504AP"] == "Mac15,3")
        #expect(v2.modelIdentifierByBoardID["J700AP"] == "Mac17,5")
        #expect(v2.schemaVersion == "2026.04.11.2")
    }

    @Test func malformedTimestampFileParses() throws {
        let stamp = try SOFATimestamp(parsing: AppleFeedSnapshots.sofaV1Timestamp())
        #expect(stamp.macOS?.lastCheckText == "2026-08-22T18:45:02+00:00Z")
        #expect(stamp.macOS?.lastCheck == Date(timeIntervalSince1970: 1_787_424_302))
        #expect(stamp.macOS?.updateHash == "f586daaf4ab1c4b295d8d8b81ae33a84845dd3142e66b279de6ce8fa30a155c0")
    }
}

@Suite struct SnapshotCatalogTests {
    /// Built once for the suite (Swift Testing makes a suite instance per test).
    private static let shared = Result { try AppleFeedSnapshots.defaultCatalog(approvalPolicy: .init()) }
    let catalog: ReleaseCatalog

    init() throws { catalog = try Self.shared.get() }

    @Test func latestMacOS15ForModelIdentifierResolvedThroughDeviceMap() throws {
        // v2 Devices: J504AP → Mac15,3. GDMF August: newest macOS 15 listing J504AP is 15.7.9 / 24G830.
        #expect(catalog.boardIDs(forModelIdentifier: "Mac15,3") == ["J504AP"])
        #expect(catalog.modelIdentifier(forBoardID: "J504AP") == "Mac15,3")
        let latest = try #require(catalog.latestApproved(major: 15, for: MacHardware(modelIdentifier: "Mac15,3"), at: snapshotNow))
        #expect(latest.version.description == "15.7.9")
        #expect(latest.build?.rawValue == "24G830")
        #expect(latest.expirationDate == CivilDate(year: 2026, month: 11, day: 20))
        #expect(catalog.latestApproved(major: 26, for: MacHardware(modelIdentifier: "Mac15,3"), at: snapshotNow)?.id == "26.6.2/25G83")
    }

    @Test func latestMacOS15ForIntelBoardID() throws {
        // Mac-63001698E7A34814 (iMac19,1) is in every August macOS 15 listing; newest is 15.7.9 / 24G830.
        let intel = MacHardware(boardID: "Mac-63001698E7A34814")
        #expect(catalog.latestApproved(major: 15, for: intel, at: snapshotNow)?.id == "15.7.9/24G830")
        // No macOS 26 list (GDMF or SOFA) names this board: Tahoe is not offered to it.
        #expect(catalog.latestApproved(major: 26, for: intel, at: snapshotNow) == nil)
        #expect(catalog.supportedMajors(for: intel).isSuperset(of: [13, 14, 15]))
        #expect(!catalog.supportedMajors(for: intel).contains(26))
    }

    @Test func bsi2631aIsLinkedToItsPrerequisiteBuild() throws {
        let base = OSBuild(unchecked: "25D2128")
        let bsi = try #require(catalog.backgroundSecurityImprovements(forBaseBuild: base).first)
        #expect(bsi.kind == .backgroundSecurityImprovement(extraVersion: "(a)", prerequisiteBuild: base))
        #expect(bsi.build?.rawValue == "25D771280a")
        #expect(bsi.version.description == "26.3.1")
        #expect(bsi.releaseDate == CivilDate(year: 2026, month: 3, day: 17))
        #expect(bsi.supportedBoardIDs.count == 62)
        let mac = MacHardware(modelIdentifier: "Mac15,3")
        #expect(catalog.backgroundSecurityImprovement(forBaseBuild: base, for: mac, at: snapshotNow)?.id == "26.3.1 (a)/25D771280a")
        #expect(catalog.updates(major: 26).allSatisfy { !$0.isBackgroundSecurityImprovement })
    }

    @Test func deviceSpecific2632IsOfferedOnlyToMacBookNeo() throws {
        // April GDMF: 26.3.2 / 25D2140 lists only J700AP (Mac17,5); SOFA v2 wrongly inherits 63 boards.
        let release = try #require(catalog.release(id: "26.3.2/25D2140"))
        #expect(release.supportedBoardIDs == ["J700AP"])
        #expect(release.isDeviceSpecific)
        #expect(catalog.supports(release, hardware: MacHardware(modelIdentifier: "Mac17,5")))
        #expect(!catalog.supports(release, hardware: MacHardware(modelIdentifier: "Mac15,3")))
        let march = noon("2026-03-12")
        #expect(catalog.latestApproved(major: 26, for: MacHardware(boardID: "J700AP"), at: march)?.id == "26.3.2/25D2140")
        #expect(catalog.latestApproved(major: 26, for: MacHardware(boardID: "J504AP"), at: march)?.id == "26.3.1/25D2128")
        #expect(!catalog.updates(major: 26, for: MacHardware(boardID: "J504AP")).contains { $0.build?.rawValue == "25D2140" })
    }

    @Test(arguments: [
        ("13.7.8", "2025-08-20"),  // GDMF PostingDate 2026-08-17 (public) / 2026-05-18 (managed)
        ("12.7.6", "2024-07-29"),  // GDMF PostingDate 2026-08-17
        ("15.7.9", "2026-08-06"),  // GDMF PostingDate 2026-08-17
        ("26.6.2", "2026-08-17"),
    ])
    func restampedPostingDateDoesNotBecomeReleaseDate(versionText: String, expected: String) throws {
        let version = try OSVersion(parsing: versionText)
        let release = try #require(catalog.updates(major: version.major).first { $0.version == version })
        #expect(release.releaseDate == CivilDate(iso: expected))
    }

    @Test(arguments: [
        ("11.7.11", "2026-11-20"),  // GDMF only (SOFA has no macOS 11): SOFA's check must not expire it
        ("12.7.6", "2026-11-20"),  // April GDMF said 2026-07-11; August moved it later
        ("26.6.1", "2026-11-15"), ("26.5", "2026-08-30"),
        ("26.3.1", "2026-06-22"),  // April GDMF: 2026-06-22 (62 boards) and 2026-06-08 (J700AP)
    ])
    func expirationComesFromGDMF(versionText: String, expected: String) throws {
        let version = try OSVersion(parsing: versionText)
        let release = try #require(catalog.updates(version: version).first)
        #expect(release.expirationDate == CivilDate(iso: expected))
    }

    @Test func missingSOFABuildIsRecoveredFromHistory() throws {
        // v2: 13.7.7 has Build "" ; gdmf_history.ndjson: 13.7.7 → 22H722.
        let release = try #require(catalog.updates(major: 13).first { $0.version.description == "13.7.7" })
        #expect(release.build?.rawValue == "22H722")
        #expect(release.cveCount == 43)
        // 14.7.5: no build in any snapshot.
        let unknown = try #require(catalog.updates(major: 14).first { $0.version.description == "14.7.5" })
        #expect(unknown.build == nil)
        #expect(unknown.activelyExploitedCVEs == ["CVE-2025-24085"])
        // iPadOS 26.4.1 builds in the log are not macOS builds.
        #expect(catalog.updates(version: OSVersion(components: [26, 4, 1])).compactMap(\.build?.rawValue) == ["25E253"])
    }

    @Test func versionWithTwoBuildsHasADeviceSpecificVariant() throws {
        // History: 26.0.1 = 25A362 (2025-09-29) and 25A8364 (2025-10-16).
        let builds = catalog.updates(version: OSVersion(components: [26, 0, 1]))
        #expect(Set(builds.compactMap(\.build?.rawValue)) == ["25A362", "25A8364"])
        #expect(builds.first { $0.build?.rawValue == "25A8364" }?.isDeviceSpecific == true)
        #expect(builds.first { $0.build?.rawValue == "25A362" }?.isDeviceSpecific == false)
    }

    @Test func cveFactsComeFromSOFA() throws {
        let release = try #require(catalog.release(id: "15.7.9/24G830"))
        #expect(release.cveCount == 1)
        #expect(release.activelyExploitedCVEs == ["CVE-2026-65400"])
        #expect(catalog.release(id: "26.6/25G72")?.cveCount == 153)
        #expect(release.isInManagedAssetSets)
        #expect(catalog.updates(major: 15).first { $0.version.description == "15.6" }?.isInManagedAssetSets == false)
    }

    @Test func versionsAreOrderedByNumberInEveryMajor() {
        for major in catalog.majors {
            let versions = catalog.updates(major: major).map(\.version)
            #expect(versions == versions.sorted())
        }
        #expect(catalog.majors.contains(26) && catalog.majors.contains(13))
    }

    @Test func nothingIsATargetAfterEverySnapshotReleaseExpired() {
        // Latest ExpirationDate anywhere in the snapshots is 2026-11-20.
        let later = noon("2026-11-29")
        let hardware = [MacHardware(modelIdentifier: "Mac15,3"), MacHardware(boardID: "Mac-63001698E7A34814"),
                        MacHardware(boardID: "J700AP"), MacHardware(boardID: "VMA2MACOSAP")]
        for mac in hardware {
            for major in catalog.majors {
                #expect(catalog.latestApproved(major: major, for: mac, at: later) == nil)
            }
        }
        #expect(catalog.releases.allSatisfy { !catalog.isInstallable($0, at: later) })
        #expect(catalog.backgroundSecurityImprovement(forBaseBuild: OSBuild(unchecked: "25D2128"), for: hardware[0], at: later) == nil)
    }
}
