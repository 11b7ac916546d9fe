// ItemValidationTests: item validation errors (every problem, each naming its field) and save warnings.

import Foundation
import ManagedOSDomain
import Testing

@Suite struct ItemValidationTests {
    @Test func doNotManageWithContinuousIsRefusedNamingTheValidChoices() {
        let item = TestCatalog.item(major: 15, method: .continuous, enforcement: .doNotManage)
        let issues = ItemValidator.validate(item)
        #expect(issues.map(\.code) == ["doNotManageWithContinuous"])
        #expect(issues[0].field == "versionEnforcement")
        #expect(issues[0].message.contains("continuous"))
        #expect(issues[0].message.contains("automatic") && issues[0].message.contains("manual minimum"))
    }

    @Test func doNotManageWithSelfServiceIsValid() {
        #expect(
            ItemValidator.validate(TestCatalog.item(major: 15, method: .selfService, enforcement: .doNotManage)).isEmpty
        )
    }

    typealias Row = (item: ManagedOSItem, field: String, code: String)
    static let rows: [Row] = [
        (TestCatalog.item(major: 15, label: "  "), "label", "required"),
        (TestCatalog.item(major: 16_000), "major", "outOfRange"),
        (
            TestCatalog.item(
                major: 15, enforcement: .manualMinimum(version: "15.x", deadlineDate: TestCatalog.day(2026, 2, 1))),
            "versionEnforcement.version", "invalidVersion"
        ),
        (
            TestCatalog.item(
                major: 15, enforcement: .manualMinimum(version: "14.8", deadlineDate: TestCatalog.day(2026, 2, 1))),
            "versionEnforcement.version", "wrongMajor"
        ),
        (TestCatalog.item(major: 15, zone: "Mars/Olympus_Mons"), "enforcementTimeZone", "invalidTimeZone"),
        (TestCatalog.item(major: 15, zone: ""), "enforcementTimeZone", "invalidTimeZone"),
        (TestCatalog.item(major: 15, detailsURL: "http://example.com/update"), "detailsURL", "notHTTPS"),
        (TestCatalog.item(major: 15, detailsURL: "not a url"), "detailsURL", "invalidURL"),
    ]

    @Test(arguments: rows)
    func eachInvalidFieldIsNamedWithItsRule(_ row: Row) {
        let issues = ItemValidator.validate(row.item)
        #expect(issues.count == 1)
        #expect(issues.first?.field == row.field)
        #expect(issues.first?.code == row.code)
    }

    @Test func validationReportsEveryProblemAtOnce() {
        let item = TestCatalog.item(
            major: 15, method: .continuous,
            enforcement: .doNotManage, zone: "Nowhere/City", detailsURL: "ftp://example.com", label: "")
        let fields = Set(ItemValidator.validate(item).map(\.field))
        #expect(fields == ["label", "versionEnforcement", "enforcementTimeZone", "detailsURL"])
    }

    @Test func validHTTPSItemHasNoIssues() {
        let item = TestCatalog.item(
            major: 26, enforcement: .manualMinimum(version: "26.1", deadlineDate: TestCatalog.day(2026, 2, 1)),
            zone: "Europe/Berlin", bsi: .automatic(timeframe: .oneWeek, time: EnforcementTime(hour: 9, minute: 0)!),
            detailsURL: "https://example.com/updates")
        #expect(ItemValidator.validate(item).isEmpty)
    }

    static let fleet: [FleetMac] = [
        .init(version: TestCatalog.version("15.6"), hardware: TestCatalog.intel),
        .init(version: TestCatalog.version("15.7.1"), hardware: TestCatalog.appleSilicon),
        .init(version: TestCatalog.version("15.7.2"), hardware: TestCatalog.appleSilicon),
        .init(version: TestCatalog.version("14.8.2"), hardware: TestCatalog.intel),
        .init(version: TestCatalog.version("13.7.8"), hardware: TestCatalog.ancient),
        .init(version: TestCatalog.version("26.1"), hardware: TestCatalog.appleSilicon),
    ]

    @Test func twoWeeksWithNothingReleasedWithinWarnsWithTheCountOfMacsDueNow() {
        // 15.7.2 (the newest 15) was released 2025-11-03, due 2025-11-17; on 2026-01-20 nothing is newer.
        let item = TestCatalog.item(major: 15, enforcement: .automatic(timeframe: .twoWeeks))
        let warnings = ItemValidator.warnings(
            for: item, previous: nil, fleet: Self.fleet, catalog: TestCatalog.standard,
            now: TestCatalog.utc(2026, 1, 20, 12))
        #expect(warnings.map(\.code) == [.automaticDueImmediately])
        // 15.6 and 15.7.1 on 15, plus the 14.8.2 Intel Mac upgraded by a continuous item (13 on Mac-ANCIENT cannot run 15).
        #expect(warnings.first?.affectedMacCount == 3)
    }

    @Test func threeMonthsWithARecentReleaseDoesNotWarn() {
        // With 3 months, 15.7.2 is due 2026-02-03: not yet on 2026-01-20.
        let item = TestCatalog.item(major: 15, enforcement: .automatic(timeframe: .threeMonths))
        let warnings = ItemValidator.warnings(
            for: item, previous: nil, fleet: Self.fleet, catalog: TestCatalog.standard,
            now: TestCatalog.utc(2026, 1, 20, 12))
        #expect(warnings.isEmpty)
    }

    @Test func manualDeadlineInThePastOnFirstEnforcementWarnsWithCount() {
        let item = TestCatalog.item(
            major: 15, enforcement: .manualMinimum(version: "15.7.1", deadlineDate: TestCatalog.day(2026, 1, 10)))
        let warnings = ItemValidator.warnings(
            for: item, previous: nil, fleet: Self.fleet, catalog: TestCatalog.standard,
            now: TestCatalog.utc(2026, 1, 20, 12))
        #expect(warnings.map(\.code) == [.manualDeadlineTooSoon])
        // Below 15.7.1: the 15.6 Mac and the 14.8.2 Intel Mac (continuous upgrade).
        #expect(warnings.first?.affectedMacCount == 2)
        #expect(warnings.first?.field == "versionEnforcement.deadlineDate")
    }

    @Test(arguments: [
        (TestCatalog.day(2026, 1, 10), true), (TestCatalog.day(2026, 1, 24), true),
        (TestCatalog.day(2026, 1, 25), false), (TestCatalog.day(2026, 2, 10), false),
    ])
    func manualDeadlineFewerThanFiveDaysAwayWarnsOnFirstEnforcement(_ deadline: CivilDate, _ warns: Bool) {
        // now 2026-01-20 09:00 UTC; deadline at 09:00 UTC: the 25th is exactly 5 days away.
        let item = TestCatalog.item(major: 15, enforcement: .manualMinimum(version: "15.7.1", deadlineDate: deadline))
        let warnings = ItemValidator.warnings(
            for: item, previous: nil, fleet: Self.fleet, catalog: TestCatalog.standard,
            now: TestCatalog.utc(2026, 1, 20, 9))
        #expect(warnings.isEmpty == !warns)
    }

    @Test(arguments: [
        (VersionEnforcement.doNotManage, true), (.automatic(timeframe: .oneWeek), false),
        (.manualMinimum(version: "15.7", deadlineDate: TestCatalog.day(2025, 12, 1)), false),
    ])
    func soonDeadlineWarnsOnlyWhenTheItemEnforcedNothingBefore(_ previous: VersionEnforcement, _ warns: Bool) {
        let item = TestCatalog.item(
            major: 15, enforcement: .manualMinimum(version: "15.7.1", deadlineDate: TestCatalog.day(2026, 1, 22)))
        var before = item
        before.versionEnforcement = previous
        let warnings = ItemValidator.warnings(
            for: item, previous: before, fleet: Self.fleet, catalog: TestCatalog.standard,
            now: TestCatalog.utc(2026, 1, 20, 9))
        #expect(warnings.isEmpty == !warns)
    }

    @Test func itemRoundTripsThroughJSON() throws {
        let item = TestCatalog.item(
            major: 26, enforcement: .manualMinimum(version: "26.1", deadlineDate: TestCatalog.day(2026, 2, 1)),
            bsi: .automatic(timeframe: .twoDays, time: EnforcementTime(hour: 18, minute: 30)!))
        let data = try JSONEncoder().encode(item)
        #expect(try JSONDecoder().decode(ManagedOSItem.self, from: data) == item)
        #expect(String(decoding: data, as: UTF8.self).contains("\"18:30\""))
    }
}
