// ComplianceWatcher: prints a one-line fleet compliance summary from library-api every few seconds.

import Foundation
import NIOHTTP1

/// Reads `GET /v1/compliance/summary` and prints one line per interval.
struct ComplianceWatcher: Sendable {
    let admin: AdminClient
    let interval: TimeInterval

    /// The statuses in the order the line shows them.
    static let statuses = [
        "compliant", "pending", "overdue", "inProgress", "failed", "unsupported", "unmanaged", "unknown",
    ]

    /// Prints until cancelled (or `count` lines, when given).
    func run(count: Int?) async {
        var printed = 0
        while !Task.isCancelled, count.map({ printed < $0 }) ?? true {
            do {
                let summary = try await admin.json(.GET, "/v1/compliance/summary", expect: 200)
                Self.write(Self.line(summary, at: Date()))
            } catch {
                Self.write("compliance: library-api did not answer (\(error))")
            }
            printed += 1
            try? await Task.sleep(for: .seconds(interval))
        }
    }

    /// Writes a line to standard output at once (no buffering when piped).
    static func write(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// `12:00:05 compliance: 2000 Macs, 41% compliant | compliant 820 · pending 300 · …`.
    static func line(_ summary: [String: Any], at date: Date) -> String {
        let total = summary["totalMacs"] as? Int ?? 0
        let overall = summary["overall"] as? [String: Any] ?? [:]
        let counts = statuses.map { "\($0) \(overall[$0] as? Int ?? 0)" }
        let compliant = overall["compliant"] as? Int ?? 0
        let share = total > 0 ? compliant * 100 / total : 0
        let time = date.formatted(.dateTime.hour(.twoDigits(amPM: .omitted)).minute(.twoDigits).second(.twoDigits))
        return "\(time) compliance: \(total) Macs, \(share)% compliant | \(counts.joined(separator: " · "))"
    }
}
