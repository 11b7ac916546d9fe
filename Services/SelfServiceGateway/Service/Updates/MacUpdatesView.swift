// MacUpdatesView: what a Mac must install and by when, as the menu-bar app shows it every day.

import Database
import Foundation
import ManagedOSDomain

/// `GET /v1/me/updates`: the declared OS enforcement and BSI enforcement from the Mac's plan (written by the
/// scheduler in `mac_plans`), with days remaining counted at the time of the request.
struct MacUpdatesView: Codable, Sendable, Equatable {
    /// One thing to install.
    struct Update: Codable, Sendable, Equatable {
        /// `os` (an update or upgrade) or `bsi` (a Background Security Improvement).
        var kind: String
        /// `update`, `upgrade`, `selfService` or `backgroundSecurityImprovement`.
        var reason: String?
        var targetVersion: String?
        var targetBuild: String?
        /// The declared deadline as an instant (now for an overdue Mac).
        var deadline: Date?
        /// The deadline as the Mac's local wall-clock time (DDM `TargetLocalDateTime`).
        var deadlineLocal: String?
        /// `ceil((deadline − now) / 1 day)`, 0 once due.
        var daysRemaining: Int?
        /// Whether the deadline has come.
        var due: Bool
        /// Whether the update is already downloaded and prepared on the Mac.
        var cached: Bool
        var detailsURL: String?
    }

    /// Whether the scheduler has evaluated the Mac yet.
    var planned: Bool
    var evaluatedAt: Date?
    var compliance: String?
    var updates: [Update]

    /// The query: the Mac (by credential digest, unrevoked), its plan and its install state, in one round trip.
    static let query = """
        SELECT d.id, p.device_id IS NOT NULL AS planned, p.evaluated_at, p.compliance,
               p.os_target_version, p.os_target_build, p.os_deadline, p.os_deadline_local,
               p.plan->'osEnforcement'->'obligation'->>'reason' AS os_reason,
               p.plan->'osEnforcement'->>'detailsURL' AS os_details,
               p.bsi_target_build, p.bsi_deadline,
               p.plan->'bsiEnforcement'->>'targetVersion' AS bsi_version,
               p.plan->'bsiEnforcement'->>'deadline' AS bsi_deadline_local,
               p.plan->>'shouldNotify' AS should_notify,
               s.install_state, s.pending_os_version
        FROM devices d
        LEFT JOIN mac_plans p ON p.device_id = d.id
        LEFT JOIN device_status s ON s.device_id = d.id
        WHERE d.self_service_credential_hash = $1 AND d.self_service_revoked_at IS NULL
        LIMIT 2
        """

    /// The view for the Mac holding `credential` at `now`; throws the 401 for an unknown or revoked one.
    static func load(_ credential: MacCredential, now: Date, on connection: DatabaseConnection) throws -> MacUpdatesView {
        let rows = try connection.query(query, [credential.digest]).rows
        guard rows.count == 1 else { throw GatewayProblem.invalidCredential }
        return try MacUpdatesView(row: rows[0], now: now)
    }

    init(row: Row, now: Date) throws {
        planned = try row.decode("planned")
        evaluatedAt = try row.decodeIfPresent("evaluated_at")
        compliance = try row.decodeIfPresent("compliance")
        let installState: String? = try row.decodeIfPresent("install_state")
        let pending: String? = try row.decodeIfPresent("pending_os_version")
        let shouldNotify = (try row.decodeIfPresent("should_notify", as: String.self)) == "true"
        var updates: [Update] = []
        if let version: String = try row.decodeIfPresent("os_target_version") {
            let deadline: Date? = try row.decodeIfPresent("os_deadline")
            let prepared = installState == "prepared" && (pending == nil || pending == version)
            updates.append(
                Update(
                    kind: "os", reason: try row.decodeIfPresent("os_reason"), targetVersion: version,
                    targetBuild: try row.decodeIfPresent("os_target_build"), deadline: deadline,
                    deadlineLocal: try row.decodeIfPresent("os_deadline_local"),
                    daysRemaining: deadline.map { DaysRemaining.count(until: $0, from: now) },
                    due: deadline.map { $0 <= now } ?? false, cached: prepared || shouldNotify,
                    detailsURL: try row.decodeIfPresent("os_details")))
        }
        if let build: String = try row.decodeIfPresent("bsi_target_build") {
            let deadline: Date? = try row.decodeIfPresent("bsi_deadline")
            updates.append(
                Update(
                    kind: "bsi", reason: OSObligation.Reason.backgroundSecurityImprovement.rawValue,
                    targetVersion: try row.decodeIfPresent("bsi_version"), targetBuild: build, deadline: deadline,
                    deadlineLocal: try row.decodeIfPresent("bsi_deadline_local"),
                    daysRemaining: deadline.map { DaysRemaining.count(until: $0, from: now) },
                    due: deadline.map { $0 <= now } ?? false, cached: false, detailsURL: nil))
        }
        self.updates = updates
    }
}
