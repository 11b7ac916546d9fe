// ItemStore: SQL for library items (`items`, with their blueprint assignments from `blueprint_items`).

import Database
import Foundation
import HTTPTypes
import ManagedOSDomain

/// Reads and writes `items`. Every function runs on a connection the caller owns (usually in a transaction).
enum ItemStore {
    /// Filters of the item listing (`blueprintID`: classic blueprints listing the item and maps mentioning it).
    struct Filter: Sendable {
        var major: Int?
        var label: String?
        var blueprintID: UUID?
    }

    private static let selectColumns = """
        SELECT i.config::text AS config, i.created_at, i.updated_at,
               COALESCE((SELECT json_agg(a.blueprint_id ORDER BY a.blueprint_id)
                         FROM (SELECT bi.blueprint_id FROM blueprint_items bi WHERE bi.item_id = i.id
                               UNION SELECT mi.blueprint_id FROM assignment_map_items mi WHERE mi.item_id = i.id) a),
                        '[]'::json)::text AS blueprint_ids
        FROM items i
        """

    /// The stored item with `id`, locked for update when `forUpdate`.
    static func fetch(_ id: UUID, forUpdate: Bool = false, on connection: DatabaseConnection) throws -> ItemView? {
        let lock = forUpdate ? " FOR UPDATE OF i" : ""
        return try connection.query(selectColumns + " WHERE i.id = $1::uuid" + lock, [id]).rows.first.map(view)
    }

    /// Items matching `filter`, by major then label.
    static func list(_ filter: Filter, on connection: DatabaseConnection) throws -> [ItemView] {
        try connection.query(
            selectColumns + """
                 WHERE ($1::integer IS NULL OR i.major = $1) AND ($2::text IS NULL OR i.label = $2)
                  AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM blueprint_items b
                                                   WHERE b.item_id = i.id AND b.blueprint_id = $3)
                                       OR EXISTS (SELECT 1 FROM assignment_map_items m
                                                   WHERE m.item_id = i.id AND m.blueprint_id = $3))
                ORDER BY i.major, i.label, i.id
                """,
            [filter.major, filter.label, filter.blueprintID]
        ).rows.map(view)
    }

    /// Inserts a new item.
    static func insert(_ item: ManagedOSItem, on connection: DatabaseConnection) throws {
        try connection.execute(
            "INSERT INTO items (id, label, major, installation_method, config) VALUES ($1::uuid, $2, $3, $4, $5::jsonb)",
            [item.id, item.label, item.major, item.installationMethod.rawValue, try PostgresJSON(encoding: item)])
    }

    /// Replaces an item's configuration.
    static func update(_ item: ManagedOSItem, on connection: DatabaseConnection) throws {
        try connection.execute(
            "UPDATE items SET label = $2, major = $3, installation_method = $4, config = $5::jsonb, updated_at = now() "
                + "WHERE id = $1::uuid",
            [item.id, item.label, item.major, item.installationMethod.rawValue, try PostgresJSON(encoding: item)])
    }

    /// Deletes an item (its blueprint assignments go with it).
    static func delete(_ id: UUID, on connection: DatabaseConnection) throws {
        try connection.execute("DELETE FROM items WHERE id = $1::uuid", [id])
    }

    /// The domain item stored for `id` (for save warnings).
    static func domainItem(of view: ItemView, on connection: DatabaseConnection) throws -> ManagedOSItem? {
        try connection.query("SELECT config::text AS config FROM items WHERE id = $1::uuid", [view.document.id])
            .first.map { try PostgresJSON(text: try $0.decode("config")).decode(ManagedOSItem.self) }
    }

    private static func view(_ row: Row) throws -> ItemView {
        let item = try PostgresJSON(text: try row.decode("config")).decode(ManagedOSItem.self)
        return ItemView(
            document: ItemDocument(item),
            blueprintIds: try PostgresJSON(text: try row.decode("blueprint_ids")).decode([UUID].self),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }
}
