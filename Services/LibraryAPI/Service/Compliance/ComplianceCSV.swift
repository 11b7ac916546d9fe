// ComplianceCSV: the per-Mac compliance rows as RFC 4180 CSV.

import Foundation

/// Renders compliance rows as CSV: a header line, CRLF line ends, fields quoted when they contain a comma,
/// a quote, CR or LF (quotes doubled). Text an admin did not choose (serials, failure reasons, enrollment
/// ids) that starts with `=`, `+`, `-` or `@` is prefixed with `'`, so a spreadsheet never runs it as a formula.
enum ComplianceCSV {
    static let header = [
        "enrollmentId", "serialNumber", "deviceId", "blueprintId", "osVersion", "state", "targetVersion",
        "targetBuild", "deadline", "deadlineLocal", "daysRemaining", "failureReason", "lastReportAt",
    ]

    /// The whole document.
    static func render(_ rows: [ComplianceRowView]) -> String {
        let formatter = ISO8601DateFormatter()
        var lines = [header.joined(separator: ",")]
        lines.reserveCapacity(rows.count + 1)
        for row in rows {
            let fields: [String] = [
                text(row.enrollmentId), text(row.serialNumber ?? ""), row.deviceId.uuidString.lowercased(),
                row.blueprintId?.uuidString.lowercased() ?? "", row.osVersion.map(text) ?? "", row.state,
                row.targetVersion ?? "", row.targetBuild ?? "", row.deadline.map { formatter.string(from: $0) } ?? "",
                row.deadlineLocal ?? "", row.daysRemaining.map(String.init) ?? "", text(row.failureReason ?? ""),
                row.lastReportAt.map { formatter.string(from: $0) } ?? "",
            ]
            lines.append(fields.map(quoted).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Free text with a formula-leading character neutralised.
    static func text(_ value: String) -> String {
        guard let first = value.first, "=+-@".contains(first) else { return value }
        return "'" + value
    }

    /// One field, quoted when needed.
    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
