// BeyondIruTests: grace periods for new and returning Macs, a shorter timeframe for releases fixing actively
// exploited CVEs, their validation, and overdue Macs keeping their first declared "now".

import AppleFeedSnapshots
import Foundation
import ManagedOSDomain
import Testing

@Suite("Beyond Iru: grace periods and exploited-CVE timeframes")
struct BeyondIruTests {
    static let catalog = Result { try AppleFeedSnapshots.defaultCatalog() }
    /// 2026-08-10 12:00 UTC: 15.7.8 (2026-07-27) is past its one-week due date, 15.7.9 (2026-08-06, fixing an
    /// actively exploited CVE) is not.
    static let now = try! Date("2026-08-10T12:00:00Z", strategy: .iso8601)

    static func item(
        _ timeframe: EnforcementTimeframe, grace: Int? = nil, exploited: EnforcementTimeframe? = nil
    ) -> ManagedOSItem {
        ManagedOSItem(
            id: UUID(uuidString: "00000000-0000-0000-0000-0000000000AA")!, label: "macOS 15", major: 15,
            installationMethod: .continuous, versionEnforcement: .automatic(timeframe: timeframe),
            enforcementTime: EnforcementTime(hour: 17, minute: 0)!, enforcementTimeZone: "Europe/Berlin",
            gracePeriodDays: grace, exploitedCVETimeframe: exploited)
    }

    static func mac(_ version: String, graceStart: String? = nil) -> MacState {
        MacState(
            id: UUID(), hardware: MacHardware(modelIdentifier: "Mac14,2"), osVersion: try! OSVersion(parsing: version),
            timeZoneIdentifier: "Europe/Berlin", lastReportAt: now,
            graceStart: graceStart.map { try! Date($0, strategy: .iso8601) })
    }

    static func berlin(_ text: String) -> Date {
        LocalDateTime(targetLocalDateTime: text)!.instant(in: TimeZone(identifier: "Europe/Berlin")!)
    }

    @Test("a Mac enrolled yesterday below the floor is pending until its grace period ends, not overdue")
    func newMacGetsGrace() throws {
        let catalog = try Self.catalog.get()
        let withoutGrace = MacEvaluator.evaluate(
            mac: Self.mac("15.7.7", graceStart: "2026-08-09T10:00:00Z"), items: [Self.item(.oneWeek)],
            catalog: catalog, now: Self.now)
        #expect(withoutGrace.compliance.status == .overdue)

        let plan = MacEvaluator.evaluate(
            mac: Self.mac("15.7.7", graceStart: "2026-08-09T10:00:00Z"), items: [Self.item(.oneWeek, grace: 5)],
            catalog: catalog, now: Self.now)
        // Enrolled on 9 August (Berlin), 5 days of grace: due on 14 August at the item's 17:00.
        let end = Self.berlin("2026-08-14T17:00:00")
        #expect(plan.compliance == .pending(deadline: end))
        #expect(plan.osEnforcement?.targetLocalDateTime == "2026-08-14T17:00:00")
        #expect(plan.osEnforcement?.obligation.isOverdue == false)
        #expect(plan.nextEvaluationAt.map { $0 <= end } == true)
    }

    @Test("grace never makes a deadline earlier, and ends: a Mac back from offline weeks ago is overdue again")
    func graceOnlyExtends() throws {
        let catalog = try Self.catalog.get()
        // On 15.7.8 the next deadline is 15.7.9's, 13 August 17:00; grace from 10 August + 1 day would be earlier.
        let pending = MacEvaluator.evaluate(
            mac: Self.mac("15.7.8", graceStart: "2026-08-10T08:00:00Z"), items: [Self.item(.oneWeek, grace: 1)],
            catalog: catalog, now: Self.now)
        #expect(pending.osEnforcement?.targetLocalDateTime == "2026-08-13T17:00:00")
        let returnedLongAgo = MacEvaluator.evaluate(
            mac: Self.mac("15.7.7", graceStart: "2026-07-01T08:00:00Z"), items: [Self.item(.oneWeek, grace: 7)],
            catalog: catalog, now: Self.now)
        #expect(returnedLongAgo.compliance.status == .overdue)
    }

    @Test("a release fixing an actively exploited CVE is due after the shorter timeframe")
    func exploitedTimeframe() throws {
        let catalog = try Self.catalog.get()
        let release = try #require(catalog.updates(version: try OSVersion(parsing: "15.7.9")).first)
        #expect(release.fixesActivelyExploitedCVEs)
        let normal = MacEvaluator.evaluate(
            mac: Self.mac("15.7.8"), items: [Self.item(.twoWeeks)], catalog: catalog, now: Self.now)
        #expect(normal.compliance == .pending(deadline: Self.berlin("2026-08-20T17:00:00")))
        let shorter = MacEvaluator.evaluate(
            mac: Self.mac("15.7.8"), items: [Self.item(.twoWeeks, exploited: .twoDays)], catalog: catalog, now: Self.now)
        // Released 6 August, 2 days: due 8 August 17:00 — already past, so overdue now.
        #expect(shorter.compliance == .overdue(deadline: Self.berlin("2026-08-08T17:00:00")))
        // 15.7.8 fixes no exploited CVE, so a Mac on 15.7.7 still gets 15.7.8's normal due date as its floor date.
        let older = MacEvaluator.evaluate(
            mac: Self.mac("15.7.7"), items: [Self.item(.twoWeeks, exploited: .twoDays)], catalog: catalog, now: Self.now)
        #expect(older.compliance == .overdue(deadline: Self.berlin("2026-08-08T17:00:00")))
    }

    @Test("grace period and exploited-CVE timeframe are validated field by field")
    func validation() {
        func codes(_ item: ManagedOSItem) -> [String: String] {
            Dictionary(uniqueKeysWithValues: ItemValidator.validate(item).map { ($0.field, $0.code) })
        }
        #expect(codes(Self.item(.oneWeek, grace: 0))["gracePeriodDays"] == "outOfRange")
        #expect(codes(Self.item(.oneWeek, grace: 31))["gracePeriodDays"] == "outOfRange")
        #expect(codes(Self.item(.oneWeek, grace: 30)).isEmpty)
        #expect(codes(Self.item(.oneWeek, exploited: .oneWeek))["exploitedCVETimeframe"] == "notShorter")
        #expect(codes(Self.item(.oneWeek, exploited: .twoDays)).isEmpty)
        var manual = Self.item(.oneWeek, exploited: .oneDay)
        manual.versionEnforcement = .manualMinimum(version: "15.7.9", deadlineDate: CivilDate(year: 2026, month: 9, day: 1)!)
        #expect(codes(manual)["exploitedCVETimeframe"] == "requiresAutomatic")
    }

    @Test("an overdue Mac keeps the 'now' it was first declared with while it stays overdue")
    func overdueKeepsFirstDeclaration() throws {
        let catalog = try Self.catalog.get()
        let mac = Self.mac("15.7.7")
        let first = MacEvaluator.evaluate(mac: mac, items: [Self.item(.oneWeek)], catalog: catalog, now: Self.now)
        let later = Self.now.addingTimeInterval(3600)
        let again = MacEvaluator.evaluate(mac: mac, items: [Self.item(.oneWeek)], catalog: catalog, now: later)
        #expect(again.osEnforcement?.deadlineInstant == later)
        let kept = again.keepingDeclaredDeadlines(of: first)
        #expect(kept.osEnforcement?.deadlineInstant == Self.now)
        #expect(kept.osEnforcement == first.osEnforcement)
        // A pending plan is never changed by it.
        let pending = MacEvaluator.evaluate(mac: Self.mac("15.7.8"), items: [Self.item(.oneWeek)], catalog: catalog, now: Self.now)
        #expect(pending.keepingDeclaredDeadlines(of: first) == pending)
    }
}
