// ComplianceCharts: per-Mac compliance rows → the values of the console's charts (pure).

import Foundation
import HTTPTypes
import ManagedOSDomain

/// Turns compliance rows into chart values: Macs by state, by exact OS version and due per day.
enum ComplianceCharts {
    /// Macs per state, in ``ConsoleFormat/states`` order (every state, zeros included; others appended).
    static func byState(_ rows: [ComplianceRowView]) -> [SVGBarChart.Datum] {
        var counts: [String: Int] = [:]
        for row in rows { counts[row.state, default: 0] += 1 }
        var data = ConsoleFormat.states.map {
            SVGBarChart.Datum(ConsoleFormat.label(for: $0), counts[$0.rawValue] ?? 0, key: $0.rawValue)
        }
        for (state, count) in counts.sorted(by: { $0.key < $1.key })
        where !ConsoleFormat.states.map(\.rawValue).contains(state) {
            data.append(SVGBarChart.Datum(state, count, key: state))
        }
        return data
    }

    /// Macs per exact reported OS version, newest first; Macs that never reported last ("Not reported").
    static func byVersion(_ rows: [ComplianceRowView]) -> [SVGBarChart.Datum] {
        var counts: [String: Int] = [:]
        var silent = 0
        for row in rows {
            if let version = row.osVersion { counts[version, default: 0] += 1 } else { silent += 1 }
        }
        let sorted = counts.keys.sorted { lhs, rhs in
            switch (try? OSVersion(parsing: lhs), try? OSVersion(parsing: rhs)) {
            case let (l?, r?): l == r ? lhs < rhs : l > r
            case (_?, nil): true
            case (nil, _?): false
            case (nil, nil): lhs < rhs
            }
        }
        var data = sorted.map { SVGBarChart.Datum("macOS \($0)", counts[$0]!, key: $0) }
        if silent > 0 { data.append(SVGBarChart.Datum("Not reported", silent, key: "none")) }
        return data
    }

    /// Macs whose OS deadline falls on each of the `days` UTC days starting with `now`'s day.
    static func timeline(_ rows: [ComplianceRowView], now: Date, days: Int = 30) -> [SVGBarChart.Datum] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = calendar.startOfDay(for: now)
        var counts = [Int](repeating: 0, count: days)
        for row in rows {
            guard let deadline = row.deadline, deadline >= start else { continue }
            let day = Int(deadline.timeIntervalSince(start) / 86_400)
            if day < days { counts[day] += 1 }
        }
        return (0..<days).map { offset in
            let day = calendar.date(byAdding: .day, value: offset, to: start)!
            let c = calendar.dateComponents([.year, .month, .day], from: day)
            let key = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
            return SVGBarChart.Datum(String(format: "%02d-%02d", c.month!, c.day!), counts[offset], key: key)
        }
    }
}
