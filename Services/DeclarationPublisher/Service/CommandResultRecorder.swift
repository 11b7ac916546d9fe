// CommandResultRecorder: writes the MDM server's command results into command_outbox and legacy_update_results.

import Database
import EventBus
import Foundation
import ManagedOSDomain

/// Records what a Mac answered to a command, in one transaction per result.
///
/// - A result for a command in `command_outbox` (by `command_uuid`, and from the Mac it was sent to) sets
///   `result_status` / `result_at`. A repeated status changes nothing, and a late `NotNow` never replaces a
///   final answer (`Acknowledged`, `Error`, `CommandFormatError`).
/// - An acknowledged `OSUpdateStatus` result of a registered Mac (whoever sent the query) sets
///   `legacy_update_results.downloaded_version` to the newest version listed as downloaded (NULL when none).
///   An acknowledged download-only `ScheduleOSUpdate` does not: it means the download was accepted, not done.
/// - A recorded `ScheduleOSUpdate` result also sets `legacy_update_results.last_result_at`.
/// - A `device` event (entity: device id) is published when a `ScheduleOSUpdate` result was recorded or the
///   downloaded version changed, so the scheduler re-evaluates the Mac.
///
/// Everything else (unknown or foreign command UUIDs, `Idle`, another Mac's command, unregistered Macs) is
/// ignored and reported as such, so the MDM server is answered 200 and never retries it.
public struct CommandResultRecorder: Sendable {
    /// What one result changed.
    public struct Outcome: Sendable, Equatable, Encodable {
        /// `recorded` (something was written), `unchanged` (already known) or `ignored`.
        public var status: String
        /// Why it was ignored (`unknown_command`, `enrollment_mismatch`, `no_command`).
        public var reason: String?

        static let recorded = Outcome(status: "recorded", reason: nil)
        static let unchanged = Outcome(status: "unchanged", reason: nil)
        static func ignored(_ reason: String) -> Outcome { Outcome(status: "ignored", reason: reason) }
    }

    /// Statuses a later `NotNow` must not replace.
    static let finalStatuses = ["Acknowledged", "Error", "CommandFormatError"]

    let pool: ConnectionPool

    /// Creates a recorder over `pool`.
    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// Records `result`.
    public func record(_ result: MDMWebhookEvent.Acknowledgement) async throws -> Outcome {
        let payload = CommandResultPayload(plist: result.rawPayload)
        return try await pool.withTransaction { connection in
            try Self.record(result, payload: payload, on: connection)
        }
    }

    static func record(
        _ result: MDMWebhookEvent.Acknowledgement, payload: CommandResultPayload, on connection: DatabaseConnection
    ) throws -> Outcome {
        var deviceID: UUID?
        var outcome = Outcome.ignored((result.commandUUID ?? "").isEmpty ? "no_command" : "unknown_command")
        var notify: [String: String] = [:]

        if let commandID = result.commandID, result.status != "Idle",
            let command = try connection.query(
                "SELECT device_id, enrollment_id, request_type FROM command_outbox WHERE command_uuid = $1 FOR UPDATE",
                [commandID]
            ).first
        {
            let owner: UUID = try command.decode("device_id")
            let enrollmentID: String = try command.decode("enrollment_id")
            let requestType: String = try command.decode("request_type")
            if let enrollment = result.enrollment, enrollment != enrollmentID {
                return .ignored("enrollment_mismatch")
            }
            deviceID = owner
            let changed = try connection.execute(
                """
                UPDATE command_outbox SET result_status = $2, result_at = clock_timestamp()
                WHERE command_uuid = $1 AND result_status IS DISTINCT FROM $2
                  AND NOT ($2 = 'NotNow' AND coalesce(result_status = ANY($3::text[]), false))
                """, [commandID, result.status, finalStatuses])
            outcome = changed > 0 ? .recorded : .unchanged
            if changed > 0, requestType == "ScheduleOSUpdate" {
                notify = ["commandResult": result.status, "requestType": requestType]
            }
        }

        if deviceID == nil, payload.isOSUpdateStatus, let enrollment = result.enrollment {
            deviceID = try connection.query("SELECT id FROM devices WHERE enrollment_id = $1", [enrollment]).first?
                .decode("id")
        }
        guard let deviceID else { return outcome }

        if payload.isOSUpdateStatus, result.status == "Acknowledged" {
            let downloaded = payload.newestDownloaded?.description
            let previous = try connection.query(
                """
                SELECT downloaded_version, downloaded_reported_at FROM legacy_update_results
                WHERE device_id = $1 FOR UPDATE
                """, [deviceID]
            ).first
            let wasReported = try previous?.decodeIfPresent("downloaded_reported_at", as: Date.self) != nil
            let previousVersion: String? = try previous?.decodeIfPresent("downloaded_version")
            try connection.execute(
                """
                INSERT INTO legacy_update_results (device_id, downloaded_version, downloaded_reported_at, last_result_at)
                VALUES ($1, $2, clock_timestamp(), clock_timestamp())
                ON CONFLICT (device_id) DO UPDATE
                SET downloaded_version = EXCLUDED.downloaded_version,
                    downloaded_reported_at = EXCLUDED.downloaded_reported_at, last_result_at = EXCLUDED.last_result_at
                """, [deviceID, downloaded])
            outcome = .recorded
            if previousVersion != downloaded || !wasReported {
                notify["downloadedVersion"] = downloaded ?? ""
            }
        } else if !notify.isEmpty {
            try connection.execute(
                """
                INSERT INTO legacy_update_results (device_id, last_result_at) VALUES ($1, clock_timestamp())
                ON CONFLICT (device_id) DO UPDATE SET last_result_at = EXCLUDED.last_result_at
                """, [deviceID])
        }

        if !notify.isEmpty {
            try BusPublisher.publish(
                BusEventDraft(
                    topic: BusTopic.device, entity: deviceID.postgresText, payload: try PostgresJSON(encoding: notify)),
                on: connection)
        }
        return outcome
    }
}
