// MachineLoad: when a figure was measured and how busy the machine was, for rows measured in separate runs.

import Foundation

/// How busy the machine is: benchmark figures on shared machines mean little without it.
public enum MachineLoad {
    /// The time and the one-minute load average, e.g. "2026-11-29T12:40Z, load 3.1".
    public static var now: String {
        let date = ISO8601DateFormatter().string(from: Date()).prefix(16) + "Z"
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first
        return load.map { "\(date), load \($0)" } ?? String(date)
    }

    /// The 1-, 5- and 15-minute load averages ("3.10 2.80 2.50"), nil where /proc/loadavg does not exist.
    public static var loadAverages: String? {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
