// ComplianceViews: the compliance summary and per-Mac rows as the API returns them.

import Foundation
import ManagedOSDomain

/// Counts by compliance status, every status present (0 when none).
struct ComplianceCounts: Encodable, Sendable, Equatable {
    var counts: [ComplianceStatus: Int] = [:]

    var total: Int { counts.values.reduce(0, +) }

    mutating func add(_ status: ComplianceStatus, _ count: Int) { counts[status, default: 0] += count }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        for status in ComplianceStatus.allCases {
            try container.encode(counts[status] ?? 0, forKey: DynamicKey(stringValue: status.rawValue))
        }
    }

    private struct DynamicKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// `GET /v1/compliance/summary`: counts across the whole fleet, per item, per blueprint and per exact OS version.
struct ComplianceSummaryView: Encodable, Sendable {
    struct ItemCounts: Encodable, Sendable {
        var itemId: UUID
        var label: String
        var major: Int
        var total: Int
        var counts: ComplianceCounts
    }

    struct BlueprintCounts: Encodable, Sendable {
        /// nil: Macs without a blueprint.
        var blueprintId: UUID?
        var name: String?
        var total: Int
        var counts: ComplianceCounts
    }

    struct VersionCounts: Encodable, Sendable {
        /// nil: Macs that have not reported their OS.
        var osVersion: String?
        var total: Int
        var counts: ComplianceCounts
    }

    /// When the counts were computed (they may be up to the configured maximum age old).
    var generatedAt: Date
    var totalMacs: Int
    var overall: ComplianceCounts
    var perItem: [ItemCounts]
    var perBlueprint: [BlueprintCounts]
    var perVersion: [VersionCounts]
}

/// One per-Mac compliance row (also one CSV line).
struct ComplianceRowView: Encodable, Sendable {
    var deviceId: UUID
    var enrollmentId: String
    var serialNumber: String?
    var blueprintId: UUID?
    var osVersion: String?
    /// The Mac's overall compliance (`unknown` without a plan).
    var state: String
    var targetVersion: String?
    var targetBuild: String?
    var deadline: Date?
    /// The deadline on the Mac's wall clock (DDM `TargetLocalDateTime`).
    var deadlineLocal: String?
    var daysRemaining: Int?
    var failureReason: String?
    var lastReportAt: Date?
}
