// BenchmarkReport: a benchmark's results as a markdown table, written into its section of BENCHMARKS.md.

import Foundation

/// One measured figure beside the reference measured in the same run.
struct BenchmarkResult {
    var name: String
    var figure: Double
    var unit: String
    var reference: Double
    var referenceName: String
    var target: String
    /// nil when the figure has no target.
    var met: Bool?
}

/// A set of results rendered as markdown and written between `<!-- SECTION:start -->` and
/// `<!-- SECTION:end -->` in a file (appended when the markers are missing).
struct BenchmarkReport {
    var section: String
    var title: String
    var results: [BenchmarkResult]

    var markdown: String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let memory = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
        var lines = [
            "### \(title)",
            "",
            "Measured \(ISO8601DateFormatter().string(from: Date())) on \(cores) cores, "
                + String(format: "%.0f GiB", memory) + ".",
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

    func write(into path: String) throws {
        let start = "<!-- \(section):start -->"
        let end = "<!-- \(section):end -->"
        let block = "\(start)\n\(markdown)\n\(end)"
        var text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "# Benchmarks\n"
        if let lower = text.range(of: start), let upper = text.range(of: end), lower.lowerBound < upper.upperBound {
            text.replaceSubrange(lower.lowerBound..<upper.upperBound, with: block)
        } else {
            text += "\n\(block)\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
