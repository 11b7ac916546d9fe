// DeviceDetailStore: SQL for a Mac's plan (mac_plans), status (device_status and its history, parse
// errors) and MDM commands (command_outbox).

import Database
import FleetStore
import Foundation

/// Reads what other services write about a Mac.
enum DeviceDetailStore {
    /// Parses stored JSON text.
    static func json(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// The plan view of device `id` (which must exist).
    static func plan(_ id: UUID, on connection: DatabaseConnection) throws -> DevicePlanView {
        let lastReport: Date? = try connection.query(
            "SELECT last_received_at FROM device_status WHERE device_id = $1::uuid", [id]
        ).first?.decodeIfPresent("last_received_at")
        guard
            let row = try connection.query(
                """
                SELECT s.plan::text AS shape, compliance, os_target_version, os_target_build, os_deadline,
                       os_deadline_local, bsi_target_build, bsi_deadline, days_remaining, is_legacy,
                       next_evaluation_at, evaluated_at
                FROM mac_plans p JOIN plan_shapes s ON s.plan_digest = p.plan_digest WHERE device_id = $1::uuid
                """, [id]
            ).first
        else {
            return DevicePlanView(deviceId: id, hasPlan: false, compliance: "unknown", lastReportAt: lastReport)
        }
        let osVersion: String? = try row.decodeIfPresent("os_target_version")
        let bsiBuild: String? = try row.decodeIfPresent("bsi_target_build")
        return DevicePlanView(
            deviceId: id, hasPlan: true, compliance: try row.decode("compliance"),
            daysRemaining: try row.decodeIfPresent("days_remaining"), isLegacy: try row.decode("is_legacy"),
            declaredTarget: osVersion == nil
                ? nil
                : .init(
                    version: osVersion, build: try row.decodeIfPresent("os_target_build"),
                    deadline: try row.decodeIfPresent("os_deadline"),
                    targetLocalDateTime: try row.decodeIfPresent("os_deadline_local")),
            bsiTarget: bsiBuild == nil
                ? nil : .init(version: nil, build: bsiBuild, deadline: try row.decodeIfPresent("bsi_deadline")),
            evaluatedAt: try row.decode("evaluated_at"), nextEvaluationAt: try row.decodeIfPresent("next_evaluation_at"),
            lastReportAt: lastReport,
            plan: try json(
                PlanStore.document(shape: try row.decode("shape"), macID: id, evaluatedAt: try row.decode("evaluated_at"))))
    }

    /// The status view of device `id` (which must exist), with the newest `historyLimit` reports and parse errors.
    static func status(_ id: UUID, historyLimit: Int, on connection: DatabaseConnection) throws -> DeviceStatusView {
        let history = try connection.query(
            """
            SELECT sequence, received_at, full_report, applied, relevant, items::text AS items
            FROM device_status_history WHERE device_id = $1::uuid ORDER BY sequence DESC LIMIT $2
            """, [id, historyLimit]
        ).rows.map { row in
            DeviceStatusView.HistoryEntry(
                sequence: try row.decode("sequence"), receivedAt: try row.decode("received_at"),
                fullReport: try row.decode("full_report"), applied: try row.decode("applied"),
                relevant: try row.decode("relevant"), items: try json(try row.decode("items")))
        }
        let parseErrors = try connection.query(
            """
            SELECT id, sequence, received_at, item, message FROM status_parse_errors
            WHERE device_id = $1::uuid ORDER BY id DESC LIMIT $2
            """, [id, historyLimit]
        ).rows.map { row in
            DeviceStatusView.ParseError(
                id: try row.decode("id"), sequence: try row.decode("sequence"), receivedAt: try row.decode("received_at"),
                item: try row.decode("item"), message: try row.decode("message"))
        }
        let row = try connection.query(
            """
            SELECT status_items::text AS items, report_errors::text AS report_errors, parse_errors::text AS parse_errors,
                   last_received_at, last_full_report_at, os_version, build_version, install_state, failure_count,
                   failure_reason
            FROM device_status WHERE device_id = $1::uuid
            """, [id]
        ).first
        return DeviceStatusView(
            deviceId: id, lastReportAt: try row?.decodeIfPresent("last_received_at"),
            lastFullReportAt: try row?.decodeIfPresent("last_full_report_at"), osVersion: try row?.decodeIfPresent("os_version"),
            buildVersion: try row?.decodeIfPresent("build_version"), installState: try row?.decodeIfPresent("install_state"),
            failureCount: try row?.decodeIfPresent("failure_count"), failureReason: try row?.decodeIfPresent("failure_reason"),
            statusItems: try row.map { try json(try $0.decode("items")) } ?? .object([:]),
            reportErrors: try (row?.decodeIfPresent("report_errors", as: String.self)).map(json),
            currentParseErrors: try row.map { try json(try $0.decode("parse_errors")) } ?? .array([]),
            recentHistory: history, parseErrors: parseErrors)
    }

    /// Outbox commands, by id, of one Mac and/or in one state, after id `after` (`limit` rows).
    static func commands(
        deviceID: UUID?, state: String?, after: Int64?, limit: Int, on connection: DatabaseConnection
    ) throws -> [CommandView] {
        try connection.query(
            """
            SELECT id, device_id, enrollment_id, command_uuid, request_type, state, attempts, not_before,
                   next_attempt_at, last_error, created_at, updated_at, delivered_at, result_status, result_at
            FROM command_outbox
            WHERE ($1::uuid IS NULL OR device_id = $1) AND ($2::text IS NULL OR state = $2)
              AND ($3::bigint IS NULL OR id > $3)
            ORDER BY id LIMIT $4
            """, [deviceID, state, after, limit]
        ).rows.map { row in
            CommandView(
                id: try row.decode("id"), deviceId: try row.decode("device_id"),
                enrollmentId: try row.decode("enrollment_id"), commandUUID: try row.decode("command_uuid"),
                requestType: try row.decode("request_type"), state: try row.decode("state"),
                attempts: try row.decode("attempts"), notBefore: try row.decode("not_before"),
                nextAttemptAt: try row.decode("next_attempt_at"), lastError: try row.decodeIfPresent("last_error"),
                createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"),
                deliveredAt: try row.decodeIfPresent("delivered_at"), resultStatus: try row.decodeIfPresent("result_status"),
                resultAt: try row.decodeIfPresent("result_at"))
        }
    }
}
