// GrowthTable: how a benchmark's figure grows with the fleet, one row per (benchmark, measurement, fleet size),
// kept in the `bench-growth` section of BENCHMARKS.md across separate runs.

import Foundation

/// One figure measured at one fleet size, beside the reference measured in the same run at that size.
public struct GrowthRow: Equatable, Sendable {
    public var benchmark: String
    public var measured: String
    public var macs: Int
    public var figure: Double
    public var unit: String
    public var reference: Double
    public var referenceName: String
    /// When it was measured (ISO 8601) and under what load, e.g. "2026-11-29T12:40Z, load 3.1".
    public var when: String

    public init(
        benchmark: String, measured: String, macs: Int, figure: Double, unit: String, reference: Double,
        referenceName: String, when: String
    ) {
        self.benchmark = benchmark
        self.measured = measured
        self.macs = macs
        self.figure = figure
        self.unit = unit
        self.reference = reference
        self.referenceName = referenceName
        self.when = when
    }
}

/// The growth table: rows from earlier runs are kept, a row measured again at the same size replaces the old one.
public enum GrowthTable {
    public static let section = "bench-growth"
    static let header = [
        "| benchmark | measured | Macs | figure | per 1,000 Macs | reference (same run) | ratio | measured at |",
        "|---|---|---|---|---|---|---|---|",
    ]

    /// Upserts `rows` into the growth section of `markdown` and returns the new text.
    public static func recording(_ rows: [GrowthRow], in markdown: String) -> String {
        var lines = MarkdownSection.body(of: section, in: markdown).map { existingRows(in: $0) } ?? []
        for row in rows {
            let line = render(row)
            let key = Self.key(of: line)
            lines.removeAll { Self.key(of: $0) == key }
            lines.append(line)
        }
        lines.sort { sortKey($0) < sortKey($1) }
        let body =
            [
                "### Growth with fleet size",
                "",
                "Each row is one run at one fleet size; the reference beside it was measured in that run at that size.",
                "Per 1,000 Macs divides the figure by the fleet size in thousands (for rates it is meaningless and shown –).",
                "",
            ] + header + lines
        return MarkdownSection.replacing(section, with: body.joined(separator: "\n"), in: markdown)
    }

    /// Upserts `rows` into the growth section of the file at `path`.
    public static func record(_ rows: [GrowthRow], into path: String) throws {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "# Benchmarks\n"
        try recording(rows, in: text).write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// One row as markdown.
    public static func render(_ row: GrowthRow) -> String {
        let ratio = row.reference > 0 ? String(format: "%.2f×", row.figure / row.reference) : "–"
        let perThousand =
            row.unit.hasSuffix("/s")
            ? "–" : "\(BenchmarkReport.format(row.figure / (Double(row.macs) / 1000))) \(row.unit)"
        return
            "| \(row.benchmark) | \(row.measured) | \(row.macs) | \(BenchmarkReport.format(row.figure)) \(row.unit) | "
            + "\(perThousand) | \(row.referenceName): \(BenchmarkReport.format(row.reference)) | \(ratio) | \(row.when) |"
    }

    static func existingRows(in body: String) -> [String] {
        body.split(separator: "\n").map(String.init).filter { line in
            line.hasPrefix("| ") && !header.contains(line) && key(of: line) != nil
        }
    }

    /// (benchmark, measured, Macs) of a rendered row.
    static func key(of line: String) -> [String]? {
        let cells = MarkdownSection.cells(of: line)
        guard cells.count >= 3, Int(cells[2]) != nil else { return nil }
        return Array(cells[0..<3])
    }

    static func sortKey(_ line: String) -> String {
        let cells = MarkdownSection.cells(of: line)
        guard cells.count >= 3, let macs = Int(cells[2]) else { return line }
        return cells[0] + "\u{0}" + cells[1] + "\u{0}" + String(format: "%012d", macs)
    }
}
