// BenchmarkSummary: one table of every target in BENCHMARKS.md, met or not, gathered from the sections the
// benchmarks wrote, with the machine and the date — the first thing a reader of the file sees.

import Foundation

/// Gathers every row with a target from the benchmark sections of BENCHMARKS.md into the `bench-summary` section.
public enum BenchmarkSummary {
    public static let section = "bench-summary"

    /// A row of a benchmark section whose target says met or not.
    public struct TargetRow: Equatable, Sendable {
        public var benchmark: String
        public var measuredOn: String
        public var cells: [String]
        public var met: Bool
    }

    /// Every row with a yes/no in its "met" column, per section in file order.
    public static func targetRows(in markdown: String) -> [TargetRow] {
        MarkdownSection.names(in: markdown).filter { $0 != section && $0 != GrowthTable.section }.flatMap {
            name -> [TargetRow] in
            guard let body = MarkdownSection.body(of: name, in: markdown) else { return [] }
            let lines = body.split(separator: "\n").map(String.init)
            let title = lines.first { $0.hasPrefix("### ") }.map { String($0.dropFirst(4)) } ?? name
            let measuredOn =
                lines.first { $0.hasPrefix("Measured ") }.flatMap { line -> String? in
                    line.dropFirst(9).split(separator: " ").first.map { String($0.prefix(10)) }
                } ?? "–"
            return lines.compactMap { line in
                let cells = MarkdownSection.cells(of: line)
                guard cells.count == 6 else { return nil }
                switch cells[5] {
                case "yes": return TargetRow(benchmark: title, measuredOn: measuredOn, cells: cells, met: true)
                case "**no**": return TargetRow(benchmark: title, measuredOn: measuredOn, cells: cells, met: false)
                default: return nil
                }
            }
        }
    }

    /// `markdown` with its summary section rewritten (placed before the first other section when new).
    public static func summarizing(_ markdown: String, machine: String, date: String) -> String {
        let rows = targetRows(in: markdown)
        let met = rows.filter(\.met).count
        var lines = [
            "## Summary: every target",
            "",
            "Gathered \(date) on \(machine) by `make bench` from the sections below (each section says when it was",
            "measured). \(met) of \(rows.count) targets met; a missed target stays listed with its figure.",
            "",
            "| benchmark | measured | figure | reference (same run) | ratio | target | met | measured on |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in rows {
            lines.append("| \(row.benchmark) | " + row.cells.joined(separator: " | ") + " | \(row.measuredOn) |")
        }
        let first = MarkdownSection.names(in: markdown).first { $0 != section }
        return MarkdownSection.replacing(section, with: lines.joined(separator: "\n"), in: markdown, before: first)
    }

    /// "2 cores, 24 GiB" for this machine.
    public static var machine: String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let memory = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
        return "\(cores) cores, " + String(format: "%.0f GiB", memory)
    }
}
