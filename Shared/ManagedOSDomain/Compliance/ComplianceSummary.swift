// ComplianceSummary: compliance rows and their counts per item, per blueprint and per version.

import Foundation

/// One row of the compliance views: a Mac's state for one item.
public struct ComplianceRow: Sendable, Hashable, Codable {
    /// The Mac.
    public var macID: UUID
    /// The item.
    public var itemID: UUID
    /// The Mac's blueprint, if known.
    public var blueprintID: UUID?
    /// The version the Mac runs.
    public var osVersion: OSVersion
    /// The state.
    public var state: ComplianceState

    /// Creates a value from its parts.
    public init(macID: UUID, itemID: UUID, blueprintID: UUID? = nil, osVersion: OSVersion, state: ComplianceState) {
        self.macID = macID
        self.itemID = itemID
        self.blueprintID = blueprintID
        self.osVersion = osVersion
        self.state = state
    }
}

/// Counts of compliance rows by status, grouped by item, blueprint or version.
public enum ComplianceSummary {
    /// Counts by status for each item.
    public static func countsPerItem(_ rows: [ComplianceRow]) -> [UUID: [ComplianceStatus: Int]] {
        count(rows) { $0.itemID }
    }

    /// Counts by status for each blueprint (rows without a blueprint are skipped).
    public static func countsPerBlueprint(_ rows: [ComplianceRow]) -> [UUID: [ComplianceStatus: Int]] {
        count(rows) { $0.blueprintID }
    }

    /// Counts by status for each OS version (`15.7` and `15.7.0` count together).
    public static func countsPerVersion(_ rows: [ComplianceRow]) -> [OSVersion: [ComplianceStatus: Int]] {
        count(rows) { $0.osVersion }
    }

    private static func count<Key: Hashable>(
        _ rows: [ComplianceRow], by key: (ComplianceRow) -> Key?
    )
        -> [Key: [ComplianceStatus: Int]]
    {
        var result: [Key: [ComplianceStatus: Int]] = [:]
        for row in rows {
            guard let value = key(row) else { continue }
            result[value, default: [:]][row.state.status, default: 0] += 1
        }
        return result
    }
}
