// GDMFHistoryTests: SOFA's GDMF first-seen log (NDJSON).

import Foundation
import ManagedOSDomain
import Testing

@Suite struct GDMFHistoryTests {
    private static let log = """
        {"timestamp":"2025-09-29T18:12:13Z","platform":"macOS","version":"26.0.1","build":"25A362","posting_date":"2025-09-29","entry_type":"pmv_asset"}
        {"timestamp":"2026-04-09T00:53:50Z","platform":"iPadOS","version":"26.4.1","build":"23E254","posting_date":"2026-04-08"}

        {"timestamp":"2025-10-16T00:50:11Z","platform":"macOS","version":"26.0.1","build":"25A8364","posting_date":"2025-10-16","future":1}
        not json at all
        {"timestamp":"2025-09-07T19:25:15Z","platform":"macOS","version":"13.7.7","build":"22H722","posting_date":"2025-07-29"}
        {"timestamp":"2025-09-30T00:00:00Z","platform":"macOS","version":"26.0.1","build":"25A362","posting_date":"2025-09-30"}
        """

    @Test func keepsMacOSLinesAndEarliestSighting() throws {
        let history = try GDMFHistory(parsing: Data(Self.log.utf8))
        #expect(history.entries.map(\.build.rawValue) == ["25A362", "25A8364", "22H722"])
        let first = try #require(history.entries.first)
        #expect(first.firstSeen == Date(timeIntervalSince1970: 1_759_169_533))  // 2025-09-29T18:12:13Z
        #expect(history.builds(for: OSVersion(components: [26, 0, 1])).map(\.rawValue) == ["25A362", "25A8364"])
    }

    @Test func earliestDayPrefersPostingDateRecordedAtFirstSighting() throws {
        let history = try GDMFHistory(parsing: Data(Self.log.utf8))
        let entry = try #require(history.entries.first { $0.build.rawValue == "22H722" })
        #expect(entry.earliestDay == CivilDate(year: 2025, month: 7, day: 29))
    }

    @Test func reportsUnreadableLineByNumber() throws {
        let history = try GDMFHistory(parsing: Data(Self.log.utf8))
        #expect(history.issues == [.unexpectedShape(feed: .gdmfHistory, path: "line 5")])
    }

    @Test func rejectsFileWithNoJSONLines() {
        #expect(throws: CatalogParseError.notJSON(feed: .gdmfHistory)) {
            try GDMFHistory(parsing: Data("nope\nstill nope\n".utf8))
        }
    }
}
