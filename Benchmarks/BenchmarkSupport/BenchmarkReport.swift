// BenchmarkReport: a benchmark's results as a markdown table, written into its section of BENCHMARKS.md.

import Foundation

/// One measured figure beside the reference measured in the same run.
public struct BenchmarkResult {
    public var name: String
    public var figure: Double
    public var unit: String
    public var reference: Double
    public var referenceName: String
    public var target: String
    /// nil when the figure has no target.
    public var met: Bool?

    public init(
        name: String, figure: Double, unit: String, reference: Double, referenceName: String, target: String,
        met: Bool?
    ) {
        self.name = name
        self.figure = figure
        self.unit = unit
        self.reference = reference
        self.referenceName = referenceName
        self.target = target
        self.met = met
    }
}

/// A set of results rendered as markdown and written between `<!-- SECTION:start -->` and
/// `<!-- SECTION:end -->` in a file (appended when the markers are missing).
public struct BenchmarkReport {
    public var section: String
    public var title: String
    public var results: [BenchmarkResult]

    public init(section: String, title: String, results: [BenchmarkResult]) {
        self.section = section
        self.title = title
        self.results = results
    }

    public var markdown: String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let memory = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
        var lines = [
            "### \(title)",
            "",
            "Measured \(ISO8601DateFormatter().string(from: Date())) on \(cores) cores, "
                + String(format: "%.0f GiB", memory) + (MachineLoad.loadAverages.map { ", load average \($0)" } ?? "")
                + ".",
            "",
            "| measured | figure | reference (same run) | ratio | target | met |",
            "|---|---|---|---|---|---|",
        ]
        for result in results {
            let ratio = result.reference > 0 ? String(format: "%.2f×", result.figure / result.reference) : "–"
            let met = result.met.map { $0 ? "yes" : "**no**" } ?? "–"
            lines.append(
                "| \(result.name) | \(Self.format(result.figure)) \(result.unit) | \(result.referenceName): "
                    + "\(Self.format(result.reference)) | \(ratio) | \(result.target) | \(met) |")
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f", value) : String(format: "%.2f", value)
    }

    /// Replaces this report's section in the markdown file at `path` (appends it when missing).
    public func write(into path: String) throws {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "# Benchmarks\n"
        try MarkdownSection.replacing(section, with: markdown, in: text).write(
            toFile: path, atomically: true, encoding: .utf8)
    }
}
