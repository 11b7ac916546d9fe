// TimeDSTTests: local wall-clock times to instants and back across DST gaps and overlaps in four zones.

import Foundation
import ManagedOSDomain
import Testing

@Suite struct TimeDSTTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let zone: String
        let local: LocalDateTime
        let expectedUTC: Date
        let note: String
        var testDescription: String { "\(zone) \(local) (\(note))" }
    }

    static let cases: [Case] = [
        // New York: EST −5, EDT −4; 2026 spring forward 8 March 02:00, fall back 1 November 02:00.
        .init(
            zone: "America/New_York", local: TestCatalog.local(2026, 1, 15, 9, 0),
            expectedUTC: TestCatalog.utc(2026, 1, 15, 14), note: "winter"),
        .init(
            zone: "America/New_York", local: TestCatalog.local(2026, 7, 15, 9, 0),
            expectedUTC: TestCatalog.utc(2026, 7, 15, 13), note: "summer"),
        .init(
            zone: "America/New_York", local: TestCatalog.local(2026, 3, 8, 2, 30),
            expectedUTC: TestCatalog.utc(2026, 3, 8, 7), note: "gap → 03:00 EDT"),
        .init(
            zone: "America/New_York", local: TestCatalog.local(2026, 3, 8, 3, 0),
            expectedUTC: TestCatalog.utc(2026, 3, 8, 7), note: "first valid"),
        .init(
            zone: "America/New_York", local: TestCatalog.local(2026, 11, 1, 1, 30),
            expectedUTC: TestCatalog.utc(2026, 11, 1, 5, 30), note: "overlap → earlier (EDT)"),
        // Berlin: CET +1, CEST +2; 2026 spring forward 29 March 02:00, fall back 25 October 03:00.
        .init(
            zone: "Europe/Berlin", local: TestCatalog.local(2026, 3, 29, 2, 30),
            expectedUTC: TestCatalog.utc(2026, 3, 29, 1), note: "gap → 03:00 CEST"),
        .init(
            zone: "Europe/Berlin", local: TestCatalog.local(2026, 10, 25, 2, 30),
            expectedUTC: TestCatalog.utc(2026, 10, 25, 0, 30), note: "overlap → earlier (CEST)"),
        .init(
            zone: "Europe/Berlin", local: TestCatalog.local(2026, 10, 25, 9, 0),
            expectedUTC: TestCatalog.utc(2026, 10, 25, 8), note: "after fall back"),
        // Sydney: AEST +10, AEDT +11; DST ends 5 April 2026 03:00, starts 4 October 2026 02:00.
        .init(
            zone: "Australia/Sydney", local: TestCatalog.local(2026, 10, 4, 2, 30),
            expectedUTC: TestCatalog.utc(2026, 10, 3, 16), note: "gap (October) → 03:00 AEDT"),
        .init(
            zone: "Australia/Sydney", local: TestCatalog.local(2026, 4, 5, 2, 30),
            expectedUTC: TestCatalog.utc(2026, 4, 4, 15, 30), note: "overlap (April) → earlier (AEDT)"),
        .init(
            zone: "Australia/Sydney", local: TestCatalog.local(2026, 1, 15, 9, 0),
            expectedUTC: TestCatalog.utc(2026, 1, 14, 22), note: "southern summer"),
        .init(
            zone: "Australia/Sydney", local: TestCatalog.local(2026, 7, 15, 9, 0),
            expectedUTC: TestCatalog.utc(2026, 7, 14, 23), note: "southern winter"),
        // Kolkata: +05:30, no DST.
        .init(
            zone: "Asia/Kolkata", local: TestCatalog.local(2026, 3, 8, 9, 0),
            expectedUTC: TestCatalog.utc(2026, 3, 8, 3, 30), note: "+05:30"),
        .init(
            zone: "Asia/Kolkata", local: TestCatalog.local(2028, 2, 29, 0, 15),
            expectedUTC: TestCatalog.utc(2028, 2, 28, 18, 45), note: "leap day, previous UTC day"),
    ]

    @Test(arguments: cases)
    func localTimeConvertsToInstantFollowingDSTRules(_ testCase: Case) {
        let zone = TimeZone(identifier: testCase.zone)!
        #expect(testCase.local.instant(in: zone) == testCase.expectedUTC)
    }

    @Test(arguments: cases.filter { !$0.note.hasPrefix("gap") })
    func existingLocalTimeRoundTripsThroughItsInstant(_ testCase: Case) {
        let zone = TimeZone(identifier: testCase.zone)!
        #expect(LocalDateTime(instant: testCase.local.instant(in: zone), in: zone) == testCase.local)
    }

    @Test func nonExistentLocalTimeReadsBackAsTheFirstValidTime() {
        let zone = TimeZone(identifier: "America/New_York")!
        let instant = TestCatalog.local(2026, 3, 8, 2, 30).instant(in: zone)
        #expect(LocalDateTime(instant: instant, in: zone) == TestCatalog.local(2026, 3, 8, 3, 0))
    }

    @Test func targetLocalDateTimeHasNoZoneAndNoFraction() {
        let value = TestCatalog.local(2026, 3, 8, 3, 5, 7)
        #expect(value.targetLocalDateTime == "2026-03-08T03:05:07")
        #expect(LocalDateTime(targetLocalDateTime: "2026-03-08T03:05:07") == value)
        #expect(LocalDateTime(targetLocalDateTime: "2026-03-08T03:05:07Z") == nil)
        #expect(LocalDateTime(targetLocalDateTime: "2026-03-08T03:05:07.000") == nil)
        #expect(LocalDateTime(targetLocalDateTime: "2026-03-08T24:00:00") == nil)
    }

    @Test func localDateTimeEncodesAsTargetLocalDateTimeText() throws {
        let data = try JSONEncoder().encode([TestCatalog.local(2028, 2, 29, 23, 59, 0)])
        #expect(String(decoding: data, as: UTF8.self) == "[\"2028-02-29T23:59:00\"]")
        #expect(
            try JSONDecoder().decode([LocalDateTime].self, from: data) == [TestCatalog.local(2028, 2, 29, 23, 59, 0)])
    }
}
