// BusPublisher: publish = event rows + one pg_notify per topic, inside the caller's transaction.

import Database

/// Publishes events in the caller's transaction, so an event exists exactly when the change it
/// describes commits.
///
/// Every publish takes a transaction-scoped advisory lock before inserting, which makes event ids
/// follow commit order (consumers read `id > cursor` and can never skip a late commit). The lock is
/// held until commit, so publish as the last step of a transaction. Each topic is notified once per
/// call with an empty payload; identical notifications in one transaction fold into one.
public enum BusPublisher {
    /// Advisory lock key that orders publishers.
    /// Also taken by migration 0016's trigger, which publishes `device` events from SQL.
    static let orderLockKey: Int64 = 0x4D4F_535F_4255_5321  // "MOS_BUS!"

    /// Publishes `events` on `connection`, which must be inside a transaction. Returns their ids.
    @discardableResult
    public static func publish(_ events: [BusEventDraft], on connection: DatabaseConnection) throws -> [Int64] {
        guard !events.isEmpty else { return [] }
        guard connection.isInTransaction else {
            throw DatabaseError(code: .invalidParameter, message: "publish must run inside a transaction")
        }
        try connection.query("SELECT pg_advisory_xact_lock($1::bigint)", [orderLockKey])
        let result = try connection.query(
            """
            INSERT INTO bus_events (topic, entity, payload)
            SELECT topic, entity, payload::jsonb
            FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS e(topic, entity, payload, position)
            ORDER BY position
            RETURNING id
            """,
            [events.map(\.topic), events.map(\.entity), events.map(\.payload.text)])
        for topic in Set(events.map(\.topic)).sorted() {
            try connection.notify(topic)
        }
        return try result.rows.map { try $0.decode("id", as: Int64.self) }.sorted()
    }

    /// Publishes one event; see `publish(_:on:)`.
    @discardableResult
    public static func publish(_ event: BusEventDraft, on connection: DatabaseConnection) throws -> Int64 {
        try publish([event], on: connection)[0]
    }
}
