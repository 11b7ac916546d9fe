// BenchmarkMarkdownTests: the summary gathers every target from the sections, and the growth table keeps
// one row per fleet size across runs.

import BenchmarkSupport
import Testing

struct BenchmarkMarkdownTests {
    static let sections = """
        # Benchmarks

        Intro.

        <!-- bench-a:start -->
        ### A service

        Measured 2026-11-29T03:40:06Z on 2 cores, 24 GiB.

        | measured | figure | reference (same run) | ratio | target | met |
        |---|---|---|---|---|---|
        | Rate | 10 req/s | ref: 20 | 0.50× | ≥ 15 req/s | **no** |
        | Recorded only | 5 ms | ref: 1 | 5.00× | (recorded) | – |
        <!-- bench-a:end -->

        <!-- bench-b:start -->
        ### B service

        Measured 2026-11-28T10:00:00Z on 2 cores, 24 GiB.

        | measured | figure | reference (same run) | ratio | target | met |
        |---|---|---|---|---|---|
        | Latency p99 | 3 ms | ref: 1 | 3.00× | < 10 ms | yes |
        <!-- bench-b:end -->
        """

    @Test func theSummaryListsEveryTargetMetOrNotBeforeTheFirstSection() {
        let summarized = BenchmarkSummary.summarizing(Self.sections, machine: "2 cores, 24 GiB", date: "D")
        let summary = MarkdownSection.body(of: BenchmarkSummary.section, in: summarized) ?? ""
        #expect(summary.contains("1 of 2 targets met"))
        #expect(
            summary.contains("| A service | Rate | 10 req/s | ref: 20 | 0.50× | ≥ 15 req/s | **no** | 2026-11-29 |"))
        #expect(summary.contains("| B service | Latency p99 | 3 ms | ref: 1 | 3.00× | < 10 ms | yes | 2026-11-28 |"))
        #expect(!summary.contains("Recorded only"))
        #expect(MarkdownSection.names(in: summarized) == [BenchmarkSummary.section, "bench-a", "bench-b"])
        // Summarizing again replaces the section instead of adding a second one.
        let again = BenchmarkSummary.summarizing(summarized, machine: "2 cores, 24 GiB", date: "E")
        #expect(MarkdownSection.names(in: again) == [BenchmarkSummary.section, "bench-a", "bench-b"])
        #expect(again.contains("Gathered E"))
        #expect(!again.contains("Gathered D"))
    }

    @Test func theGrowthTableKeepsOneRowPerSizeInNumericOrder() {
        func row(_ macs: Int, _ seconds: Double) -> GrowthRow {
            GrowthRow(
                benchmark: "scheduler", measured: "first evaluation", macs: macs, figure: seconds, unit: "s",
                reference: 1, referenceName: "copy", when: "now")
        }
        var text = GrowthTable.recording([row(100_000, 60)], in: "# Benchmarks\n")
        text = GrowthTable.recording([row(20_000, 12), row(100_000, 50)], in: text)
        let body = MarkdownSection.body(of: GrowthTable.section, in: text) ?? ""
        let rows = body.split(separator: "\n").filter { $0.hasPrefix("| scheduler") }
        #expect(rows.count == 2)
        #expect(rows.first?.contains("| 20000 | 12.00 s | 0.60 s |") == true)
        #expect(rows.last?.contains("| 100000 | 50.00 s | 0.50 s |") == true)
    }
}
