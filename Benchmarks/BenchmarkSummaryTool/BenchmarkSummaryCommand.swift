// BenchmarkSummaryCommand: `managed-os-bench-summary` rewrites the summary table at the top of BENCHMARKS.md.

import ArgumentParser
import BenchmarkSupport
import Foundation

/// Gathers every target from the benchmark sections of a markdown file into its summary section.
@main
struct BenchmarkSummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "managed-os-bench-summary", abstract: "Writes the summary of every benchmark target.")

    @Option(help: "The markdown file the benchmarks wrote.") var markdown = "BENCHMARKS.md"

    func run() throws {
        let text = try String(contentsOfFile: markdown, encoding: .utf8)
        let date = ISO8601DateFormatter().string(from: Date())
        let summarized = BenchmarkSummary.summarizing(text, machine: BenchmarkSummary.machine, date: date)
        try summarized.write(toFile: markdown, atomically: true, encoding: .utf8)
        let rows = BenchmarkSummary.targetRows(in: text)
        print("\(rows.filter(\.met).count) of \(rows.count) targets met; summary written to \(markdown)")
    }
}
