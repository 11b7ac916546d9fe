// CommandOutbox: claims due commands (safely across replicas) and records each delivery's outcome.

import Database
import DeclarativeManagement
import FleetStore
import Foundation

/// The delivery side of `command_outbox` (migration 0006).
///
/// A command is due when it is `queued`, `not_before` and `next_attempt_at` have passed, and no earlier
/// command of the same Mac that is itself past `not_before` is still queued (in order per Mac). Claiming moves
/// `next_attempt_at` one lease ahead and counts the attempt, in a short transaction with `FOR UPDATE SKIP
/// LOCKED`: other replicas skip the row while it is being claimed and do not see it as due until the lease
/// ends. A replica that dies mid-delivery leaves the row queued; it is delivered again after the lease.
public struct CommandOutbox: Sendable {
    let pool: ConnectionPool

    /// Creates the outbox over `pool`.
    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// Claims up to `limit` due commands for `lease`.
    public func claim(limit: Int, lease: Duration) async throws -> [OutboxCommand] {
        let seconds = lease.inSeconds
        return try await pool.withTransaction { connection in
            try connection.query(
                """
                WITH due AS (
                    SELECT o.id, o.device_id FROM command_outbox o
                    WHERE o.state = 'queued' AND o.next_attempt_at <= clock_timestamp()
                      AND o.not_before <= clock_timestamp()
                      AND NOT EXISTS (
                          SELECT 1 FROM command_outbox e
                          WHERE e.device_id = o.device_id AND e.state = 'queued' AND e.id < o.id
                            AND e.not_before <= clock_timestamp())
                    ORDER BY o.next_attempt_at, o.id
                    LIMIT $1
                    FOR UPDATE OF o SKIP LOCKED
                )
                UPDATE command_outbox c
                SET attempts = c.attempts + 1,
                    next_attempt_at = clock_timestamp() + $2 * interval '1 second',
                    updated_at = clock_timestamp()
                FROM due
                JOIN devices d ON d.id = due.device_id
                LEFT JOIN declaration_sets s ON s.device_id = due.device_id
                WHERE c.id = due.id
                RETURNING c.id, c.device_id, c.enrollment_id, c.command_uuid, c.request_type, c.payload, c.attempts,
                          c.revision, s.declarations_token, s.updated_at AS set_changed_at, d.registered_at
                """, [limit, seconds]
            ).rows.map { row in
                let commandUUID: UUID = try row.decode("command_uuid")
                let requestType: String = try row.decode("request_type")
                // A DeclarativeManagement command is rendered now, from the set the Mac will be served.
                let payload =
                    try row.decodeIfPresent("payload", as: String.self)
                    ?? DeclarationSetStore.synchronizationCommand(
                        declarationsToken: try row.decodeIfPresent("declarations_token"),
                        changedAt: try row.decodeIfPresent("set_changed_at"),
                        registeredAt: try row.decode("registered_at"), commandUUID: commandUUID
                    ).plist
                return OutboxCommand(
                    id: try row.decode("id"), deviceID: try row.decode("device_id"),
                    enrollmentID: try row.decode("enrollment_id"), commandUUID: commandUUID,
                    requestType: requestType, payload: payload, attempts: try row.decode("attempts"),
                    revision: try row.decode("revision"))
            }.sorted { $0.id < $1.id }
        }
    }

    /// Records a successful delivery. When a change was coalesced into the command while it was in flight (its
    /// revision moved), it stays queued, due now and under a new `CommandUUID` (the MDM server refuses one it
    /// has seen), so the newer tokens go out too. Returns whether it was marked delivered.
    @discardableResult
    public func markDelivered(_ command: OutboxCommand) async throws -> Bool {
        try await pool.withConnection { connection in
            let marked = try connection.execute(
                """
                UPDATE command_outbox
                SET state = 'delivered', delivered_at = clock_timestamp(), updated_at = clock_timestamp(),
                    last_error = NULL
                WHERE id = $1 AND revision = $2 AND state = 'queued'
                """, [command.id, command.revision])
            if marked == 0 {
                try connection.execute(
                    """
                    UPDATE command_outbox
                    SET command_uuid = gen_random_uuid(), next_attempt_at = clock_timestamp(),
                        updated_at = clock_timestamp()
                    WHERE id = $1 AND state = 'queued'
                    """, [command.id])
            }
            return marked > 0
        }
    }

    /// Records a failed attempt: retried after `retryAfter`, or marked `failed` when `giveUp`.
    public func markFailed(_ command: OutboxCommand, error: String, retryAfter: Duration, giveUp: Bool) async throws {
        let message = String(error.prefix(500))
        let seconds = retryAfter.inSeconds
        try await pool.withConnection { connection in
            try connection.execute(
                """
                UPDATE command_outbox
                SET state = CASE WHEN $3 THEN 'failed' ELSE 'queued' END,
                    next_attempt_at = clock_timestamp() + $4 * interval '1 second',
                    last_error = $2, updated_at = clock_timestamp()
                WHERE id = $1 AND state = 'queued'
                """, [command.id, message, giveUp, seconds])
        }
    }
}

extension Duration {
    /// The duration in fractional seconds (for `interval` arithmetic in SQL).
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
