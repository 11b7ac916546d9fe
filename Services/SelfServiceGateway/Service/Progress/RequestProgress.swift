// RequestProgress: moves open Self Service requests from the Macs' plans and status reports.

import Database
import EventBus
import Foundation
import Logging
import ManagedOSDomain

/// Handles `device` events (status-ingest: a Mac's relevant status changed) and `plan` events (scheduler:
/// a Mac's plan changed) for the consumer group `self-service-gateway`: for every open request of those
/// Macs it builds a `SelfServiceObservation` from `mac_plans` and `device_status` and applies the domain
/// state machine. A request becomes `declared` once its Mac's plan holds a Self Service obligation for its
/// major; a changed request publishes a `selfservice` event, and a finished one queues its Mac for
/// evaluation (so the scheduler withdraws the enforcement).
enum RequestProgress {
    /// The consumer group's name.
    static let group = "self-service-gateway"
    /// The topics it reads.
    static let topics = [BusTopic.device, BusTopic.plan]

    /// Applies one batch of events in the consumer's transaction; returns the requests that changed.
    @discardableResult
    static func handle(_ events: [BusEvent], now: Date, on connection: DatabaseConnection) throws
        -> [SelfServiceRequestRecord]
    {
        let deviceIDs = Array(Set(events.compactMap { UUID(uuidString: $0.entity) }))
        guard !deviceIDs.isEmpty else { return [] }
        let rows = try connection.query(
            """
            SELECT \(SelfServiceRequestRecord.columns),
                   s.os_version, s.install_state, s.pending_os_version, s.failure_count,
                   s.failure_reason AS status_failure_reason,
                   s.last_received_at, sh.plan::text AS plan, p.evaluated_at AS plan_evaluated_at
            FROM self_service_requests r
            LEFT JOIN device_status s ON s.device_id = r.device_id
            LEFT JOIN mac_plans p ON p.device_id = r.device_id
            LEFT JOIN plan_shapes sh ON sh.plan_digest = p.plan_digest
            WHERE r.device_id = ANY($1::uuid[]) AND r.state = ANY($2::text[])
            ORDER BY r.id
            FOR UPDATE OF r
            """, [deviceIDs, SelfServiceRequestRecord.openStates]
        ).rows
        var changed: [SelfServiceRequestRecord] = []
        for row in rows {
            let record = try SelfServiceRequestRecord(row: row)
            var request = record.domainRequest
            // The plan's shape: its obligations are the plan's (only its Mac id and instant are blanked).
            let planText: String? = try row.decodeIfPresent("plan")
            let plan = planText.flatMap { try? PostgresJSON(text: $0).decode(MacPlan.self) }
            let declares =
                plan?.obligations.contains { $0.reason == .selfService && $0.major == record.major } ?? false
            let planEvaluatedAt: Date? = try row.decodeIfPresent("plan_evaluated_at")
            // The declaration's instant: when it was first seen in the plan (the plan's evaluation time).
            let declaredAt = record.declaredAt ?? (declares ? planEvaluatedAt ?? now : nil)
            let lastReport: Date? = try row.decodeIfPresent("last_received_at")
            let pendingMajor = (try row.decodeIfPresent("pending_os_version", as: String.self))
                .flatMap { try? OSVersion(parsing: $0) }?.major
            let observation = SelfServiceObservation(
                planDeclaresRequest: declares,
                reportedSinceDeclared: declaredAt.flatMap { declared in lastReport.map { $0 > declared } } ?? false,
                osVersion: (try row.decodeIfPresent("os_version", as: String.self)).flatMap { try? OSVersion(parsing: $0) },
                installState: (try row.decodeIfPresent("install_state", as: String.self))
                    .map(SoftwareUpdateInstallState.init(reported:)),
                pendingMajor: pendingMajor, failureCount: try row.decodeIfPresent("failure_count") ?? 0,
                failureReason: try row.decodeIfPresent("status_failure_reason"))
            guard request.observe(observation) else { continue }
            let updated = try SelfServiceRequestRecord(
                row: try connection.query(
                    """
                    UPDATE self_service_requests r
                    SET state = $2, failure_reason = $3, updated_at = $4,
                        declared_at = coalesce(r.declared_at, $5),
                        finished_at = CASE WHEN $6::boolean THEN $4 ELSE r.finished_at END
                    WHERE r.id = $1
                    RETURNING \(SelfServiceRequestRecord.columns)
                    """,
                    [
                        record.id, request.state.storedName, request.state.failureReason, now, declaredAt ?? now,
                        request.state.isTerminal,
                    ]
                ).first!)
            try SelfServiceStore.announce(updated, reason: "selfservice.\(updated.state)", on: connection)
            changed.append(updated)
        }
        return changed
    }

    /// The consumer group as a long-running service.
    static func consumer(
        pool: ConnectionPool, logger: Logger, pollInterval: Duration = .seconds(5),
        now: @escaping @Sendable () -> Date
    ) -> EventConsumer {
        EventConsumer(group: group, topics: topics, pool: pool, pollInterval: pollInterval, logger: logger) {
            events, connection in
            let changed = try handle(events, now: now(), on: connection)
            for record in changed {
                logger.info(
                    "self service request moved",
                    metadata: [
                        "device.id": .string(record.deviceID.uuidString), "selfservice.request": .string(record.id.uuidString),
                        "selfservice.state": .string(record.state),
                    ])
            }
        }
    }
}
