// EvaluationTests: the rules of DOMAIN.md §5 on the hand-written TestCatalog (expected values computed by hand).

import Foundation
import ManagedOSDomain
import Testing

@Suite struct EvaluationTests {
    typealias T = TestCatalog
    static let january20 = T.utc(2026, 1, 20, 12)
    static let november10 = T.utc(2025, 11, 10, 12)

    func plan(
        _ mac: MacState, _ items: [ManagedOSItem], now: Date, catalog: ReleaseCatalog = TestCatalog.standard
    ) -> MacPlan {
        MacEvaluator.evaluate(mac: mac, items: items, catalog: catalog, now: now)
    }

    @Test func overdueMacIsDeclaredWithDeadlineNow() throws {
        // 15.7.2 released 2025-11-03 is due 2025-11-17 09:00 UTC: on 2026-01-20 the 15.6 Mac is overdue.
        let result = plan(
            T.mac("15.6", hardware: T.intel, lastReportAt: Self.january20), [T.item(major: 15)], now: Self.january20)
        let declared = try #require(result.osEnforcement)
        #expect(declared.targetVersion == T.version("15.7.2"))
        #expect(declared.targetBuild?.rawValue == "24G325")
        #expect(declared.targetLocalDateTime == "2026-01-20T12:00:00")
        #expect(declared.deadlineInstant == Self.january20)
        #expect(declared.channel == .declarative)
        #expect(declared.obligation.isOverdue)
        #expect(declared.obligation.floor == T.version("15.7.2"))
        #expect(declared.obligation.deadline == T.local(2025, 11, 17, 9, 0))
        #expect(result.daysRemaining == 0)
        #expect(result.compliance == .overdue(deadline: T.utc(2025, 11, 17, 9)))
    }

    @Test func twoWeeksWithNothingReleasedWithinMakesEveryOutOfDateMacDueImmediately() {
        let item = T.item(major: 15, enforcement: .automatic(timeframe: .twoWeeks))
        for version in ["15.6", "15.7", "15.7.1"] {
            let result = plan(T.mac(version, hardware: T.intel), [item], now: Self.january20)
            #expect(result.osEnforcement?.deadlineInstant == Self.january20, "\(version)")
            #expect(result.osEnforcement?.obligation.isOverdue == true, "\(version)")
        }
        #expect(plan(T.mac("15.7.2", hardware: T.intel), [item], now: Self.january20).osEnforcement == nil)
    }

    @Test func macAboveManualMinimumGetsNothing() {
        let item = T.item(major: 15, enforcement: .manualMinimum(version: "15.7", deadlineDate: T.day(2026, 2, 1)))
        for version in ["15.7", "15.7.0", "15.7.1"] {
            let result = plan(
                T.mac(version, hardware: T.intel, lastReportAt: Self.january20), [item], now: Self.january20)
            #expect(result.obligations.isEmpty, "\(version)")
            #expect(result.osEnforcement == nil, "\(version)")
            #expect(result.compliance == .compliant, "\(version)")
        }
    }

    @Test func macBelowManualMinimumIsDueAtTheDeadlineAndTargetsTheLatest() throws {
        let item = T.item(
            major: 15, enforcement: .manualMinimum(version: "15.7", deadlineDate: T.day(2026, 2, 1)), time: "17:30")
        let result = plan(T.mac("15.6", hardware: T.intel), [item], now: Self.january20)
        let declared = try #require(result.osEnforcement)
        #expect(declared.targetVersion == T.version("15.7.2"))
        #expect(declared.targetLocalDateTime == "2026-02-01T17:30:00")
        #expect(!declared.obligation.isOverdue)
        #expect(declared.obligation.floor == T.version("15.7"))
        // 12 days 5.5 hours → 13.
        #expect(result.daysRemaining == 13)
        // Once the deadline passed, the Mac is overdue and declared with a deadline of now.
        let later = plan(T.mac("15.6", hardware: T.intel), [item], now: T.utc(2026, 2, 2))
        #expect(later.osEnforcement?.deadlineInstant == T.utc(2026, 2, 2))
        #expect(later.osEnforcement?.obligation.isOverdue == true)
    }

    @Test func macInstallsTheLatestApprovedVersionNotTheFloor() throws {
        // On 2025-11-10: 26.0.1 (due 10-13) is the floor; 26.1 (released 11-03, due 11-17) is the latest.
        let result = plan(T.mac("26.0"), [T.item(major: 26)], now: Self.november10)
        let declared = try #require(result.osEnforcement)
        #expect(declared.obligation.floor == T.version("26.0.1"))
        #expect(declared.targetVersion == T.version("26.1"))
        #expect(declared.obligation.isOverdue)
    }

    @Test func macAtTheFloorHasItsNextDeadlineAtTheEarliestNewerDueDate() throws {
        let result = plan(T.mac("26.0.1", lastReportAt: Self.november10), [T.item(major: 26)], now: Self.november10)
        let declared = try #require(result.osEnforcement)
        #expect(declared.targetVersion == T.version("26.1"))
        #expect(declared.targetLocalDateTime == "2025-11-17T09:00:00")
        #expect(declared.deadlineInstant == T.utc(2025, 11, 17, 9))
        #expect(!declared.obligation.isOverdue)
        #expect(result.daysRemaining == 7)  // 6 days 21 hours
        #expect(result.compliance == .pending(deadline: T.utc(2025, 11, 17, 9)))
        // The count of days remaining changes at 2025-11-11 09:00, before anything else.
        #expect(result.nextEvaluationAt == T.utc(2025, 11, 11, 9))
    }

    @Test func sevenPointSixDaysShowAsEight() {
        let deadline = T.utc(2025, 11, 17, 9)
        let now = deadline.addingTimeInterval(-7.6 * 86_400)
        #expect(plan(T.mac("26.0.1"), [T.item(major: 26)], now: now).daysRemaining == 8)
    }

    @Test func nothingIsDeclaredToAMacAtOrAboveItsTarget() {
        #expect(plan(T.mac("15.7.2", hardware: T.intel), [T.item(major: 15)], now: Self.january20).obligations.isEmpty)
        // A manual minimum Apple has not released yet: the Mac is on the latest approved, nothing to declare.
        let ahead = T.item(major: 26, enforcement: .manualMinimum(version: "26.3", deadlineDate: T.day(2026, 1, 25)))
        #expect(plan(T.mac("26.2"), [ahead], now: Self.january20).osEnforcement == nil)
    }

    @Test func heldReleaseIsNotTheTargetAndRevokedReleaseIsNoFloor() throws {
        let catalog = T.catalog(overrides: ["26.2/25C56": .held])
        let result = plan(T.mac("26.0.1"), [T.item(major: 26)], now: Self.january20, catalog: catalog)
        #expect(try #require(result.osEnforcement).targetVersion == T.version("26.1"))
    }

    @Test func expiredReleaseIsNeverTheTarget() throws {
        let expired = T.catalog(extra: [
            T.update("15.7.3", "24G400", T.day(2025, 12, 1), boards: T.modernBoards, expires: T.day(2026, 1, 10))
        ])
        let result = plan(T.mac("15.6", hardware: T.intel), [T.item(major: 15)], now: Self.january20, catalog: expired)
        let declared = try #require(result.osEnforcement)
        #expect(declared.targetVersion == T.version("15.7.2"))
        // The expired 15.7.3 still sets the floor.
        #expect(declared.obligation.floor == T.version("15.7.3"))
    }

    @Test func floorIsTheNewestVersionDueEvenWhenReleaseDatesAreOutOfOrder() throws {
        // SOFA dates can be wrong: 15.7.3 is dated 2025-10-01, before 15.7.2 (2025-11-03). Two weeks later
        // (2025-10-15) it is due, so on 2025-11-10 it is the floor although 15.7.2 is not due yet.
        let catalog = T.catalog(extra: [T.update("15.7.3", "24G400", T.day(2025, 10, 1), boards: T.modernBoards)])
        let result = plan(
            T.mac("15.7.2", hardware: T.intel), [T.item(major: 15)], now: Self.november10, catalog: catalog)
        let declared = try #require(result.osEnforcement)
        #expect(declared.obligation.floor == T.version("15.7.3"))
        #expect(declared.obligation.isOverdue)
        #expect(declared.targetVersion == T.version("15.7.3"))
    }

    @Test func continuousItemAboveTheMajorUpgradesOnItsSchedule() throws {
        let items = [T.item(1, major: 15), T.item(2, major: 26)]
        let result = plan(T.mac("15.7.2"), items, now: Self.january20)
        let declared = try #require(result.osEnforcement)
        #expect(declared.obligation.reason == .upgrade)
        #expect(declared.targetVersion == T.version("26.2"))
        #expect(declared.obligation.isOverdue)
        #expect(result.role(of: T.id(1)) == .update)
        #expect(result.role(of: T.id(2)) == .upgrade)
    }

    @Test func upgradePendingUsesTheEarliestDueDateOfThatMajor() throws {
        // On 2025-09-20 only 26.0 (2025-09-15) exists: due 2025-09-29 09:00 with two weeks.
        let result = plan(T.mac("15.6"), [T.item(2, major: 26)], now: T.utc(2025, 9, 20))
        let declared = try #require(result.osEnforcement)
        #expect(declared.targetVersion == T.version("26.0"))
        #expect(declared.targetLocalDateTime == "2025-09-29T09:00:00")
    }

    @Test func hardwareWithoutTheMajorIsUnsupportedAndNeverDeclared() {
        let items = [T.item(1, major: 15), T.item(2, major: 26)]
        let result = plan(T.mac("15.7.2", hardware: T.intel), items, now: Self.january20)
        #expect(result.unsupportedItemIDs == [T.id(2)])
        #expect(result.role(of: T.id(2)) == .unsupported)
        #expect(result.osEnforcement == nil)
    }

    @Test func conflictingItemsOfOneMajorTakeTheEarlierDeadline() throws {
        // Two weeks: 15.7.2 due 2025-11-17; three months: due 2026-02-03.
        let items = [T.item(7, major: 15, enforcement: .automatic(timeframe: .threeMonths)), T.item(3, major: 15)]
        let result = plan(T.mac("15.7.1", hardware: T.intel), items, now: Self.november10)
        #expect(result.conflicts == [ItemConflict(major: 15, winningItemID: T.id(3), losingItemID: T.id(7))])
        #expect(try #require(result.osEnforcement).obligation.sourceItemID == T.id(3))
        #expect(result.role(of: T.id(7)) == .conflictLoser)
    }

    @Test func oneEnforcementAtATimeTiesGoToTheHigherTarget() throws {
        // Both the 15 update and the 26 upgrade are overdue (deadline now): the higher target wins.
        let items = [T.item(1, major: 15), T.item(2, major: 26)]
        let result = plan(T.mac("15.7.1"), items, now: Self.january20)
        #expect(result.obligations.count == 2)
        #expect(try #require(result.osEnforcement).targetVersion == T.version("26.2"))
    }

    @Test func oneEnforcementAtATimeEarliestDeadlineWins() throws {
        // 15 manual due 2026-01-25; 26 manual due 2026-03-01: the 15 update is declared first.
        let items = [
            T.item(1, major: 15, enforcement: .manualMinimum(version: "15.7.2", deadlineDate: T.day(2026, 1, 25))),
            T.item(2, major: 26, enforcement: .manualMinimum(version: "26.2", deadlineDate: T.day(2026, 3, 1))),
        ]
        let result = plan(T.mac("15.7.1"), items, now: Self.january20)
        #expect(try #require(result.osEnforcement).targetVersion == T.version("15.7.2"))
    }

    typealias BSIRow = (version: String, build: String, supplemental: String?, extra: String?, expected: Bool)
    static let bsiRows: [BSIRow] = [
        ("26.2", "25C56", nil, nil, true),  // on the base version and build
        ("26.2", "25C56", "25C56a", "(a)", false),  // already has it
        ("26.2", "25C56", nil, "a", false),  // already has it, reported as `a`
        ("26.2", "25C99", nil, nil, false),  // other build
        ("26.1", "25B78", nil, nil, false),  // not on the base version
    ]

    @Test(arguments: bsiRows)
    func bsiEnforcementReachesOnlyMacsOnTheBaseVersionAndBuild(_ row: BSIRow) {
        let item = T.item(major: 26, bsi: .automatic(timeframe: .oneWeek, time: EnforcementTime(hour: 9, minute: 0)!))
        let mac = T.mac(row.version, build: row.build, supplementalBuild: row.supplemental, extra: row.extra)
        let result = plan(mac, [item], now: Self.january20)
        #expect((result.bsiEnforcement != nil) == row.expected)
        if row.expected {
            // Released 2026-01-10, due 2026-01-17 09:00: overdue, declared now with the supplemental build.
            #expect(result.bsiEnforcement?.targetBuild?.rawValue == "25C56a")
            #expect(result.bsiEnforcement?.targetVersion == T.version("26.2"))
            #expect(result.bsiEnforcement?.deadlineInstant == Self.january20)
            #expect(result.osEnforcement == nil)
        }
    }

    @Test func bsiIsPendingBeforeItsDueDate() throws {
        let item = T.item(major: 26, bsi: .automatic(timeframe: .oneMonth, time: EnforcementTime(hour: 8, minute: 15)!))
        let result = plan(T.mac("26.2", build: "25C56"), [item], now: Self.january20)
        let bsi = try #require(result.bsiEnforcement)
        #expect(bsi.targetLocalDateTime == "2026-02-10T08:15:00")
        #expect(bsi.obligation.reason == .backgroundSecurityImprovement)
    }

    @Test func macTimeZoneIsUsedUnderDDMAndThePlanSaysSo() throws {
        let item = T.item(major: 26, zone: "Europe/Berlin")
        let result = plan(T.mac("26.0.1", zone: "America/New_York"), [item], now: Self.november10)
        let declared = try #require(result.osEnforcement)
        #expect(declared.targetLocalDateTime == "2025-11-17T09:00:00")
        #expect(declared.deadlineInstant == T.utc(2025, 11, 17, 14))
        #expect(result.timeZone == PlanTimeZone(identifier: "America/New_York", source: .mac))
    }

    @Test func unknownMacZoneFallsBackToTheItemZone() throws {
        let item = T.item(major: 26, zone: "Asia/Kolkata")
        let result = plan(T.mac("26.0.1"), [item], now: Self.november10)
        #expect(try #require(result.osEnforcement).deadlineInstant == T.utc(2025, 11, 17, 3, 30))
        #expect(result.timeZone == PlanTimeZone(identifier: "Asia/Kolkata", source: .item))
    }

    @Test func legacyMacDeadlineIsTheInstantInTheItemZoneAcrossADSTGap() throws {
        // A macOS 13 Mac (legacy) upgraded to 14 by a manual minimum due 2026-03-29 at 02:30 Berlin time,
        // which does not exist (clocks jump 02:00 → 03:00): the instant is 03:00 CEST = 01:00 UTC.
        let item = T.item(
            major: 14, enforcement: .manualMinimum(version: "14.8.2", deadlineDate: T.day(2026, 3, 29)), time: "02:30",
            zone: "Europe/Berlin")
        let result = plan(T.mac("13.7.8", hardware: T.intel, zone: "Asia/Kolkata"), [item], now: Self.january20)
        let declared = try #require(result.osEnforcement)
        #expect(result.isLegacy)
        #expect(declared.channel == .legacyCommands)
        #expect(declared.deadlineInstant == T.utc(2026, 3, 29, 1))
        #expect(result.timeZone == PlanTimeZone(identifier: "Europe/Berlin", source: .item))
    }

    @Test func automaticDeadlineAcrossSpringForwardInNewYork() throws {
        // 26.3 released 2026-03-01, one week → due 2026-03-08 09:00 EDT (after the 02:00 jump) = 13:00 UTC.
        let catalog = T.catalog(extra: [T.update("26.3", "25D100", T.day(2026, 3, 1), boards: T.siliconOnly)])
        let item = T.item(major: 26, enforcement: .automatic(timeframe: .oneWeek), zone: "America/New_York")
        let result = plan(T.mac("26.2"), [item], now: T.utc(2026, 3, 2), catalog: catalog)
        #expect(try #require(result.osEnforcement).deadlineInstant == T.utc(2026, 3, 8, 13))
    }

    @Test func automaticDeadlineInSydneyWhenDSTStartsInOctober() throws {
        // 26.3 released 2026-09-27, one week → due 2026-10-04 02:30 Sydney, which does not exist → 03:00 AEDT.
        let catalog = T.catalog(extra: [T.update("26.3", "25D100", T.day(2026, 9, 27), boards: T.siliconOnly)])
        let item = T.item(
            major: 26, enforcement: .automatic(timeframe: .oneWeek), time: "02:30", zone: "Australia/Sydney")
        let result = plan(T.mac("26.2"), [item], now: T.utc(2026, 9, 28), catalog: catalog)
        let declared = try #require(result.osEnforcement)
        #expect(declared.targetLocalDateTime == "2026-10-04T02:30:00")
        #expect(declared.deadlineInstant == T.utc(2026, 10, 3, 16))
    }

    typealias NotifyRow = (state: SoftwareUpdateInstallState?, now: Date, expected: Bool)
    static let notifyRows: [NotifyRow] = [
        (.prepared, november10, true), (.downloading, november10, false), (nil, november10, false),
        (.other("waiting"), november10, false), (.prepared, T.utc(2025, 11, 18), false),
    ]

    @Test(arguments: notifyRows)
    func notificationsStartOnceTheUpdateIsCachedAndStopAtTheDeadline(_ row: NotifyRow) {
        let result = plan(T.mac("26.0.1", installState: row.state), [T.item(major: 26)], now: row.now)
        #expect(result.shouldNotify == row.expected)
    }

    @Test func legacyMacNotifiesOnceDownloaded() {
        let item = T.item(major: 14, enforcement: .manualMinimum(version: "14.8.2", deadlineDate: T.day(2026, 3, 1)))
        var mac = T.mac("13.7.8", hardware: T.intel)
        #expect(!plan(mac, [item], now: Self.january20).shouldNotify)
        mac.legacyUpdateDownloaded = true
        #expect(plan(mac, [item], now: Self.january20).shouldNotify)
    }

    @Test func requestedSelfServiceUpgradeIsDeclaredAtOnceWithDeadlineNow() throws {
        let items = [T.item(1, major: 15), T.item(2, major: 26, method: .selfService, enforcement: .doNotManage)]
        let result = plan(T.mac("15.7.2", selfService: 26), items, now: Self.january20)
        let declared = try #require(result.osEnforcement)
        #expect(declared.obligation.reason == .selfService)
        #expect(declared.targetVersion == T.version("26.2"))
        #expect(declared.deadlineInstant == Self.january20)
        // Without a request nothing is declared: Self Service items never force an upgrade.
        #expect(plan(T.mac("15.7.2"), items, now: Self.january20).osEnforcement == nil)
        #expect(plan(T.mac("15.7.2"), items, now: Self.january20).role(of: T.id(2)) == .selfServiceOffer)
    }

    @Test func nextEvaluationIsTheNextDueDateWhenNothingIsPending() {
        // Mac on 15.7.2 (latest) before 15.7.2 is due: the floor moves at 2025-11-17 09:00.
        let result = plan(T.mac("15.7.2", hardware: T.intel), [T.item(major: 15)], now: Self.november10)
        #expect(result.osEnforcement == nil)
        #expect(result.nextEvaluationAt == T.utc(2025, 11, 17, 9))
        #expect(
            plan(T.mac("15.7.2", hardware: T.intel), [T.item(major: 15)], now: Self.january20).nextEvaluationAt == nil)
    }

    @Test func planRoundTripsThroughJSON() throws {
        let item = T.item(major: 26, bsi: .automatic(timeframe: .oneWeek, time: EnforcementTime(hour: 9, minute: 0)!))
        let result = plan(
            T.mac("26.0.1", zone: "Europe/Berlin", lastReportAt: Self.november10), [item], now: Self.november10)
        let data = try JSONEncoder().encode(result)
        #expect(try JSONDecoder().decode(MacPlan.self, from: data) == result)
        #expect(String(decoding: data, as: UTF8.self).contains("\"2025-11-17T09:00:00\""))
    }
}
