// DeviceDetailViews: what the per-Mac plan, status and command routes answer.

import Foundation

/// `GET /v1/devices/{id}/plan`: the plan the scheduler materialised for the Mac (`mac_plans`).
struct DevicePlanView: Encodable, Sendable {
    /// The declared OS or BSI enforcement.
    struct Target: Encodable, Sendable {
        var version: String?
        var build: String?
        var deadline: Date?
        /// DDM `TargetLocalDateTime` (the Mac's wall-clock deadline), OS enforcement only.
        var targetLocalDateTime: String?
    }

    var deviceId: UUID
    /// False before the scheduler's first evaluation of the Mac (then `compliance` is `unknown`).
    var hasPlan: Bool
    var compliance: String
    var daysRemaining: Int?
    var isLegacy: Bool?
    var declaredTarget: Target?
    var bsiTarget: Target?
    /// When the plan last changed.
    var evaluatedAt: Date?
    var nextEvaluationAt: Date?
    /// The Mac's last status report.
    var lastReportAt: Date?
    /// The domain `MacPlan` as stored (obligations, item roles, conflicts, time zone used, …).
    var plan: JSONValue?
}

/// `GET /v1/devices/{id}/status`: the Mac's current status and recent reports.
struct DeviceStatusView: Encodable, Sendable {
    /// One received report.
    struct HistoryEntry: Encodable, Sendable {
        var sequence: Int64
        var receivedAt: Date
        var fullReport: Bool
        var applied: Bool
        var relevant: Bool
        var items: JSONValue
    }

    /// One item of a report that had a wrong type (status-ingest's `status_parse_errors`).
    struct ParseError: Encodable, Sendable {
        var id: Int64
        var sequence: Int64
        var receivedAt: Date
        var item: String
        var message: String
    }

    var deviceId: UUID
    var lastReportAt: Date?
    var lastFullReportAt: Date?
    var osVersion: String?
    var buildVersion: String?
    var installState: String?
    var failureCount: Int?
    var failureReason: String?
    /// Every status item, merged from the reports since the last full one (`{}` before the first report).
    var statusItems: JSONValue
    /// The `Errors` of the last report that carried them.
    var reportErrors: JSONValue?
    /// The wrong-typed items of the last applied report.
    var currentParseErrors: JSONValue
    /// Newest first.
    var recentHistory: [HistoryEntry]
    /// Newest first.
    var parseErrors: [ParseError]
}

/// One MDM command in the outbox (`command_outbox`), without its payload.
struct CommandView: Encodable, Sendable {
    var id: Int64
    var deviceId: UUID
    var enrollmentId: String
    var commandUUID: UUID
    var requestType: String
    /// `queued`, `delivered` or `failed`.
    var state: String
    var attempts: Int
    var notBefore: Date
    var nextAttemptAt: Date
    var lastError: String?
    var createdAt: Date
    var updatedAt: Date
    var deliveredAt: Date?
    var resultStatus: String?
    var resultAt: Date?
}
