// AuditLog: records and lists the admin API's changes (who, when, what, before and after).

import Database
import Foundation
import HTTPTypes

/// The `audit_log` table.
enum AuditLog {
    /// One audit row as the API returns it.
    struct Entry: Encodable, Sendable {
        var id: Int64
        var occurredAt: Date
        var actor: String
        var action: String
        var entityType: String
        var entityId: String
        var before: JSONValueBox?
        var after: JSONValueBox?
    }

    /// Raw JSON carried into a response unchanged.
    struct JSONValueBox: Encodable, Sendable {
        var value: JSONValue

        func encode(to encoder: any Encoder) throws {
            try value.encode(to: encoder)
        }
    }

    /// Records a change by `actor` (the token name), inside the caller's transaction.
    ///
    /// Read `APIPrincipal.currentName` in the route, before the transaction: the transaction's body runs on
    /// a pool thread, where the request's task-local values are not visible.
    static func record(
        actor: String, action: String, entityType: String, entityID: String, before: (some Encodable)?, after: (some Encodable)?,
        on connection: DatabaseConnection
    ) throws {
        try connection.execute(
            "INSERT INTO audit_log (actor, action, entity_type, entity_id, before, after) "
                + "VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)",
            [
                actor, action, entityType, entityID,
                try before.map { try PostgresJSON(encoding: $0) }, try after.map { try PostgresJSON(encoding: $0) },
            ])
    }

    /// Filters of the listing.
    struct Filter: Sendable {
        var entityType: String?
        var entityID: String?
        var actor: String?
        var action: String?
        var since: Date?
        var until: Date?
        var limit: Int = 100
    }

    /// Rows matching `filter`, newest first.
    static func list(_ filter: Filter, on connection: DatabaseConnection) throws -> [Entry] {
        let result = try connection.query(
            """
            SELECT id, occurred_at, actor, action, entity_type, entity_id, before::text AS before, after::text AS after
            FROM audit_log
            WHERE ($1::text IS NULL OR entity_type = $1) AND ($2::text IS NULL OR entity_id = $2)
              AND ($3::text IS NULL OR actor = $3) AND ($4::text IS NULL OR action = $4)
              AND ($5::timestamptz IS NULL OR occurred_at >= $5) AND ($6::timestamptz IS NULL OR occurred_at < $6)
            ORDER BY id DESC LIMIT $7
            """,
            [filter.entityType, filter.entityID, filter.actor, filter.action, filter.since, filter.until, filter.limit])
        return try result.rows.map { row in
            func json(_ column: String) throws -> JSONValueBox? {
                guard let text = try row.decodeIfPresent(column, as: String.self) else { return nil }
                return JSONValueBox(value: try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)))
            }
            return Entry(
                id: try row.decode("id"), occurredAt: try row.decode("occurred_at"), actor: try row.decode("actor"),
                action: try row.decode("action"), entityType: try row.decode("entity_type"),
                entityId: try row.decode("entity_id"), before: try json("before"), after: try json("after"))
        }
    }
}
