// DeadlineTests: timeframe arithmetic (days and clamped months, leap years) and days remaining.

import Foundation
import ManagedOSDomain
import Testing

@Suite struct DeadlineTests {
    typealias Row = (timeframe: EnforcementTimeframe, release: CivilDate, due: CivilDate)

    static let timeframeRows: [Row] = [
        (.oneDay, TestCatalog.day(2026, 1, 31), TestCatalog.day(2026, 2, 1)),
        (.twoDays, TestCatalog.day(2026, 12, 31), TestCatalog.day(2027, 1, 2)),
        (.oneWeek, TestCatalog.day(2028, 2, 26), TestCatalog.day(2028, 3, 4)),
        (.twoWeeks, TestCatalog.day(2025, 11, 3), TestCatalog.day(2025, 11, 17)),
        (.threeWeeks, TestCatalog.day(2027, 2, 20), TestCatalog.day(2027, 3, 13)),
        (.oneMonth, TestCatalog.day(2026, 1, 31), TestCatalog.day(2026, 2, 28)),
        (.oneMonth, TestCatalog.day(2028, 1, 31), TestCatalog.day(2028, 2, 29)),
        (.oneMonth, TestCatalog.day(2028, 2, 29), TestCatalog.day(2028, 3, 29)),
        (.twoMonths, TestCatalog.day(2025, 12, 31), TestCatalog.day(2026, 2, 28)),
        (.threeMonths, TestCatalog.day(2025, 11, 30), TestCatalog.day(2026, 2, 28)),
        (.threeMonths, TestCatalog.day(2026, 11, 15), TestCatalog.day(2027, 2, 15)),
        (.oneDay, TestCatalog.day(2028, 2, 28), TestCatalog.day(2028, 2, 29)),
        (.oneDay, TestCatalog.day(2027, 2, 28), TestCatalog.day(2027, 3, 1)),
    ]

    @Test(arguments: timeframeRows)
    func releaseIsDueAfterItsTimeframeInCalendarDaysOrClampedMonths(_ row: Row) {
        #expect(row.timeframe.dueDate(after: row.release) == row.due)
    }

    @Test func monthArithmeticClampsAndCrossesYears() {
        #expect(TestCatalog.day(2026, 3, 31).adding(months: -1) == TestCatalog.day(2026, 2, 28))
        #expect(TestCatalog.day(2026, 1, 15).adding(months: -2) == TestCatalog.day(2025, 11, 15))
        #expect(TestCatalog.day(2026, 10, 31).adding(months: 4) == TestCatalog.day(2027, 2, 28))
        #expect(TestCatalog.day(2023, 8, 31).adding(months: 6) == TestCatalog.day(2024, 2, 29))
    }

    typealias DaysRow = (seconds: Double, expected: Int)
    static let daysRows: [DaysRow] = [
        (7.6 * 86_400, 8), (8 * 86_400, 8), (8 * 86_400 + 1, 9), (1, 1), (0.4 * 86_400, 1), (0, 0), (-5, 0),
        (-3 * 86_400, 0),
    ]

    @Test(arguments: daysRows)
    func daysRemainingIsCeilingOfDaysAndZeroWhenDue(_ row: DaysRow) {
        let now = TestCatalog.utc(2026, 1, 1)
        #expect(DaysRemaining.count(until: now.addingTimeInterval(row.seconds), from: now) == row.expected)
    }

    @Test func daysRemainingTicksWhenTheCountChanges() {
        let now = TestCatalog.utc(2026, 1, 1)
        let deadline = now.addingTimeInterval(7.6 * 86_400)
        let tick = DaysRemaining.nextChange(until: deadline, from: now)!
        #expect(abs(tick.timeIntervalSince(now) - 0.6 * 86_400) < 0.001)
        #expect(DaysRemaining.count(until: deadline, from: tick) == 7)
        #expect(DaysRemaining.count(until: deadline, from: tick.addingTimeInterval(-1)) == 8)
        #expect(DaysRemaining.nextChange(until: now, from: now) == nil)
    }
}
