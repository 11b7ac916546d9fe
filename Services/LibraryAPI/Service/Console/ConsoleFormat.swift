// ConsoleFormat: how the console words states, enforcement settings, instants and days.

import Foundation
import HTTPTypes
import ManagedOSDomain

/// Text for the console's pages.
enum ConsoleFormat {
    /// The compliance states the charts show, in order.
    static let states: [ComplianceStatus] = [
        .compliant, .pending, .overdue, .inProgress, .failed, .unsupported, .unknown,
    ]

    /// "In progress" for `.inProgress`.
    static func label(for status: ComplianceStatus) -> String {
        switch status {
        case .compliant: "Compliant"
        case .pending: "Pending"
        case .overdue: "Overdue"
        case .inProgress: "In progress"
        case .failed: "Failed"
        case .unsupported: "Unsupported"
        case .unmanaged: "Unmanaged"
        case .unknown: "Unknown"
        }
    }

    /// "2026-09-15 07:00 UTC".
    static func instant(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d UTC", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }

    /// "Continuously Enforce" / "Install on-demand from Self Service".
    static func method(_ raw: String) -> String {
        raw == "continuous" ? "Continuously Enforce" : "Install on-demand from Self Service"
    }

    /// The version enforcement of an item in words.
    static func enforcement(_ document: ItemDocument) -> String {
        let e = document.versionEnforcement
        switch e.mode {
        case "automatic":
            let label = e.timeframe.flatMap(EnforcementTimeframe.init(rawValue:))?.label ?? e.timeframe ?? ""
            return "Automatically enforce new updates within \(label), at \(document.enforcementTime)"
        case "manualMinimum":
            return "Minimum \(e.version ?? "") by \(e.deadlineDate ?? ""), at \(document.enforcementTime)"
        default:
            return "Do not manage"
        }
    }

    /// The BSI enforcement of an item in words.
    static func bsi(_ document: ItemDocument) -> String {
        let b = document.bsiEnforcement
        guard b.mode == "automatic" else { return "None" }
        let label = b.timeframe.flatMap(EnforcementTimeframe.init(rawValue:))?.label ?? b.timeframe ?? ""
        return "Automatically within \(label), at \(b.time ?? "")"
    }
}
