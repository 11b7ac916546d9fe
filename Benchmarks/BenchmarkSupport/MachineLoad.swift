// MachineLoad: when a figure was measured and how busy the machine was, for rows measured in separate runs.

import Foundation

/// The time and the one-minute load average, e.g. "2026-11-29T12:40Z, load 3.1".
public enum MachineLoad {
    public static var now: String {
        let date = ISO8601DateFormatter().string(from: Date()).prefix(16) + "Z"
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first
        return load.map { "\(date), load \($0)" } ?? String(date)
    }
}
