// MacUpdatesSource: what GET /v1/me/updates reads of one Mac, before the clock is applied.

import Database
import Foundation
import ManagedOSDomain

/// One Mac's plan row and install state as `GET /v1/me/updates` needs them, independent of the time of the
/// request (days remaining are counted from it per request), so it can be kept in the replica's
/// ``DeviceCache`` (as ``CachedMacUpdates``) until a `plan` or `device` event names the Mac.
struct MacUpdatesSource: Sendable, Equatable {
    /// One declared enforcement (OS or BSI) as the plan stores it.
    struct Enforcement: Sendable, Equatable {
        var reason: String?
        var targetVersion: String?
        var targetBuild: String?
        var deadline: Date?
        var deadlineLocal: String?
        var detailsURL: String?
    }

    let deviceID: UUID
    /// Whether the scheduler has evaluated the Mac yet.
    var planned: Bool
    var evaluatedAt: Date?
    var compliance: String?
    /// The OS enforcement, when the plan declares one.
    var os: Enforcement?
    /// The BSI enforcement, when the plan declares one.
    var bsi: Enforcement?
    /// `softwareupdate.install-state` and the pending version's OS version, as last reported.
    var installState: String?
    var pendingOSVersion: String?
    /// The plan's `shouldNotify` (the update is downloaded and the Mac may be told).
    var shouldNotify: Bool

    /// The query: the Mac (by credential digest, unrevoked), its plan (the enforcements are read from its shape,
    /// which they do not differ from) and its install state, in one round trip.
    static let query = """
        SELECT d.id, p.device_id IS NOT NULL AS planned, p.evaluated_at, p.compliance,
               p.os_target_version, p.os_target_build, p.os_deadline, p.os_deadline_local,
               sh.plan->'osEnforcement'->'obligation'->>'reason' AS os_reason,
               sh.plan->'osEnforcement'->>'detailsURL' AS os_details,
               p.bsi_target_build, p.bsi_deadline,
               sh.plan->'bsiEnforcement'->>'targetVersion' AS bsi_version,
               sh.plan->'bsiEnforcement'->>'deadline' AS bsi_deadline_local,
               sh.plan->>'shouldNotify' AS should_notify,
               s.install_state, s.pending_os_version
        FROM devices d
        LEFT JOIN mac_plans p ON p.device_id = d.id
        LEFT JOIN plan_shapes sh ON sh.plan_digest = p.plan_digest
        LEFT JOIN device_status s ON s.device_id = d.id
        WHERE d.self_service_credential_hash = $1 AND d.self_service_revoked_at IS NULL
        LIMIT 2
        """

    /// The Mac holding `credential`; throws the 401 for an unknown or revoked one.
    static func load(_ credential: MacCredential, on connection: DatabaseConnection) throws -> MacUpdatesSource {
        let rows = try connection.query(query, [credential.digest]).rows
        guard rows.count == 1 else { throw GatewayProblem.invalidCredential }
        return try MacUpdatesSource(row: rows[0])
    }

    init(row: Row) throws {
        deviceID = try row.decode("id")
        planned = try row.decode("planned")
        evaluatedAt = try row.decodeIfPresent("evaluated_at")
        compliance = try row.decodeIfPresent("compliance")
        installState = try row.decodeIfPresent("install_state")
        pendingOSVersion = try row.decodeIfPresent("pending_os_version")
        shouldNotify = (try row.decodeIfPresent("should_notify", as: String.self)) == "true"
        if let version: String = try row.decodeIfPresent("os_target_version") {
            os = Enforcement(
                reason: try row.decodeIfPresent("os_reason"), targetVersion: version,
                targetBuild: try row.decodeIfPresent("os_target_build"),
                deadline: try row.decodeIfPresent("os_deadline"),
                deadlineLocal: try row.decodeIfPresent("os_deadline_local"),
                detailsURL: try row.decodeIfPresent("os_details"))
        }
        if let build: String = try row.decodeIfPresent("bsi_target_build") {
            bsi = Enforcement(
                reason: OSObligation.Reason.backgroundSecurityImprovement.rawValue,
                targetVersion: try row.decodeIfPresent("bsi_version"), targetBuild: build,
                deadline: try row.decodeIfPresent("bsi_deadline"),
                deadlineLocal: try row.decodeIfPresent("bsi_deadline_local"), detailsURL: nil)
        }
    }
}
