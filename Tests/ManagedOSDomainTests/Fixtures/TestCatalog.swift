// TestCatalog: a small hand-written release catalog and builders for items and Macs, for domain tests.
//
// Every date below is chosen by hand so that expected deadlines are computed in the tests, not by the code.

import Foundation
import ManagedOSDomain

/// A hand-written catalog of macOS 13, 14, 15 and 26 releases and three kinds of hardware.
enum TestCatalog {
    /// Apple silicon: supports 13, 14, 15 and 26.
    static let appleSilicon = MacHardware(boardID: "J314sAP", modelIdentifier: "MacBookPro18,3")
    /// An Intel Mac: supports 13, 14 and 15 (not 26).
    static let intel = MacHardware(boardID: "Mac-OLDINTEL", modelIdentifier: "MacBookPro16,1")
    /// An old Intel Mac: supports 13 only.
    static let ancient = MacHardware(boardID: "Mac-ANCIENT", modelIdentifier: "MacBookPro14,1")

    static let allBoards: Set<String> = ["J314sAP", "Mac-OLDINTEL", "Mac-ANCIENT"]
    static let modernBoards: Set<String> = ["J314sAP", "Mac-OLDINTEL"]
    static let siliconOnly: Set<String> = ["J314sAP"]

    static func day(_ year: Int, _ month: Int, _ day: Int) -> CivilDate {
        CivilDate(year: year, month: month, day: day)!
    }

    static func update(
        _ version: String, _ build: String, _ date: CivilDate, boards: Set<String>, expires: CivilDate? = nil
    )
        -> Release
    {
        Release(
            version: try! OSVersion(parsing: version), build: OSBuild(unchecked: build), releaseDate: date,
            expirationDate: expires, supportedBoardIDs: boards)
    }

    /// The releases:
    /// - 13.7.8 (2025-09-15), all boards.
    /// - 14.8 (2025-09-15), 14.8.1 (2025-09-29), 14.8.2 (2025-11-03), modern boards.
    /// - 15.6 (2025-07-29), 15.7 (2025-09-15), 15.7.1 (2025-09-29), 15.7.2 (2025-11-03), modern boards.
    /// - 26.0 (2025-09-15), 26.0.1 (2025-09-29), 26.1 (2025-11-03), 26.2 (2025-12-12), Apple silicon only.
    /// - BSI 26.2 (a), build 25C56a on 25C56, released 2026-01-10.
    static let releases: [Release] = [
        update("13.7.8", "22H730", day(2025, 9, 15), boards: allBoards),
        update("14.8", "23J21", day(2025, 9, 15), boards: modernBoards),
        update("14.8.1", "23J30", day(2025, 9, 29), boards: modernBoards),
        update("14.8.2", "23J126", day(2025, 11, 3), boards: modernBoards),
        update("15.6", "24G84", day(2025, 7, 29), boards: modernBoards),
        update("15.7", "24G222", day(2025, 9, 15), boards: modernBoards),
        update("15.7.1", "24G231", day(2025, 9, 29), boards: modernBoards),
        update("15.7.2", "24G325", day(2025, 11, 3), boards: modernBoards),
        update("26.0", "25A354", day(2025, 9, 15), boards: siliconOnly),
        update("26.0.1", "25A362", day(2025, 9, 29), boards: siliconOnly),
        update("26.1", "25B78", day(2025, 11, 3), boards: siliconOnly),
        update("26.2", "25C56", day(2025, 12, 12), boards: siliconOnly),
        Release(
            version: OSVersion(major: 26, minor: 2), build: OSBuild(unchecked: "25C56a"), releaseDate: day(2026, 1, 10),
            supportedBoardIDs: siliconOnly,
            kind: .backgroundSecurityImprovement(extraVersion: "(a)", prerequisiteBuild: OSBuild(unchecked: "25C56"))),
    ]

    static func catalog(
        holdDays: Int = 0, overrides: [String: ReleaseApprovalOverride] = [:], extra: [Release] = []
    )
        -> ReleaseCatalog
    {
        ReleaseCatalog(
            releases: releases + extra,
            modelIdentifierByBoardID: [
                "J314sAP": "MacBookPro18,3", "Mac-OLDINTEL": "MacBookPro16,1", "Mac-ANCIENT": "MacBookPro14,1",
            ],
            approvalPolicy: ReleaseApprovalPolicy(holdDays: holdDays, overrides: overrides))
    }

    static let standard = catalog()

    /// An instant in UTC.
    static func utc(
        _ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0
    ) -> Date {
        let days = CivilDate(year: year, month: month, day: day)!.daysSinceEpoch
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3600 + minute * 60 + second))
    }

    static func local(
        _ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int = 0
    ) -> LocalDateTime {
        LocalDateTime(date: CivilDate(year: year, month: month, day: day)!, hour: hour, minute: minute, second: second)!
    }

    static func id(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))! }

    static func item(
        _ n: Int = 1, major: Int, method: InstallationMethod = .continuous,
        enforcement: VersionEnforcement = .automatic(timeframe: .twoWeeks), time: String = "09:00",
        zone: String = "UTC", bsi: BSIEnforcement = .none, detailsURL: String? = nil, label: String = "Item"
    ) -> ManagedOSItem {
        ManagedOSItem(
            id: id(n), label: label, major: major, installationMethod: method, versionEnforcement: enforcement,
            enforcementTime: EnforcementTime(parsing: time)!, enforcementTimeZone: zone, bsiEnforcement: bsi,
            detailsURL: detailsURL)
    }

    static func mac(
        _ version: String, build: String? = nil, hardware: MacHardware = appleSilicon, zone: String? = nil,
        installState: SoftwareUpdateInstallState? = nil, failures: Int = 0, lastReportAt: Date? = nil,
        supplementalBuild: String? = nil, extra: String? = nil, selfService: Int? = nil, n: Int = 1000
    ) -> MacState {
        MacState(
            id: id(n), hardware: hardware, osVersion: try! OSVersion(parsing: version),
            build: build.map(OSBuild.init(unchecked:)),
            supplementalBuild: supplementalBuild.map(OSBuild.init(unchecked:)), supplementalExtraVersion: extra,
            timeZoneIdentifier: zone, installState: installState, failureCount: failures,
            failureReason: failures > 0 ? "Not enough space" : nil, lastReportAt: lastReportAt,
            selfServiceRequestMajor: selfService)
    }

    static func version(_ text: String) -> OSVersion { try! OSVersion(parsing: text) }
}
