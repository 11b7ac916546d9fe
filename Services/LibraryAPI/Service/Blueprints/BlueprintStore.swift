// BlueprintStore: SQL for classic blueprints (`blueprints`, `blueprint_items`).

import Database
import Foundation
import HTTPTypes
import ManagedOSDomain

/// Reads and writes blueprints on a connection the caller owns.
enum BlueprintStore {
    private static let selectColumns = """
        SELECT b.id, b.name, b.description, b.kind, b.created_at, b.updated_at,
               COALESCE((SELECT json_agg(bi.item_id ORDER BY bi.item_id) FROM blueprint_items bi
                         WHERE bi.blueprint_id = b.id), '[]'::json)::text AS item_ids,
               (SELECT count(*) FROM devices d WHERE d.blueprint_id = b.id) AS device_count
        FROM blueprints b
        """

    /// The blueprint with `id`.
    static func fetch(_ id: UUID, forUpdate: Bool = false, on connection: DatabaseConnection) throws -> BlueprintView? {
        let lock = forUpdate ? " FOR UPDATE OF b" : ""
        return try connection.query(selectColumns + " WHERE b.id = $1::uuid" + lock, [id]).rows.first.map(view)
    }

    /// Every blueprint, by name.
    static func list(on connection: DatabaseConnection) throws -> [BlueprintView] {
        try connection.query(selectColumns + " ORDER BY b.name").rows.map(view)
    }

    /// Whether another blueprint than `excluding` is named `name`.
    static func nameTaken(_ name: String, excluding: UUID?, on connection: DatabaseConnection) throws -> Bool {
        try !connection.query(
            "SELECT 1 FROM blueprints WHERE name = $1 AND ($2::uuid IS NULL OR id <> $2)", [name, excluding]
        ).rows.isEmpty
    }

    /// The ids of `ids` that name no item.
    static func unknownItems(_ ids: [UUID], on connection: DatabaseConnection) throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        let known = try connection.query("SELECT id FROM items WHERE id = ANY($1::uuid[])", [ids]).rows
            .map { try $0.decode("id", as: UUID.self) }
        return Set(ids).subtracting(known)
    }

    /// Inserts or replaces a blueprint and its item list.
    static func save(
        id: UUID, name: String, description: String, itemIDs: [UUID], isNew: Bool, on connection: DatabaseConnection
    ) throws {
        if isNew {
            try connection.execute(
                "INSERT INTO blueprints (id, name, description) VALUES ($1::uuid, $2, $3)", [id, name, description])
        } else {
            try connection.execute(
                "UPDATE blueprints SET name = $2, description = $3, updated_at = now() WHERE id = $1::uuid",
                [id, name, description])
            try connection.execute("DELETE FROM blueprint_items WHERE blueprint_id = $1::uuid", [id])
        }
        try setItems(id, itemIDs, on: connection)
    }

    /// Adds `itemIDs` to the blueprint (already present ones are kept).
    static func setItems(_ id: UUID, _ itemIDs: [UUID], on connection: DatabaseConnection) throws {
        guard !itemIDs.isEmpty else { return }
        try connection.execute(
            "INSERT INTO blueprint_items (blueprint_id, item_id) SELECT $1::uuid, unnest($2::uuid[]) "
                + "ON CONFLICT DO NOTHING",
            [id, itemIDs])
    }

    /// Removes one item from the blueprint; false when it was not assigned.
    static func removeItem(_ itemID: UUID, from id: UUID, on connection: DatabaseConnection) throws -> Bool {
        try connection.execute(
            "DELETE FROM blueprint_items WHERE blueprint_id = $1::uuid AND item_id = $2::uuid", [id, itemID]) > 0
    }

    /// Touches `updated_at`.
    static func touch(_ id: UUID, on connection: DatabaseConnection) throws {
        try connection.execute("UPDATE blueprints SET updated_at = now() WHERE id = $1::uuid", [id])
    }

    /// Replaces an assignment map's tree (its `assignment_map_items` are the caller's business).
    static func replaceTree(_ id: UUID, _ map: AssignmentMap, on connection: DatabaseConnection) throws {
        try connection.execute(
            "UPDATE blueprints SET assignment_map = $2::jsonb, updated_at = now() WHERE id = $1::uuid",
            [id, try PostgresJSON(encoding: map)])
    }

    /// Deletes a blueprint; its Macs are left without one.
    static func delete(_ id: UUID, on connection: DatabaseConnection) throws {
        try connection.execute("DELETE FROM blueprints WHERE id = $1::uuid", [id])
    }

    private static func view(_ row: Row) throws -> BlueprintView {
        BlueprintView(
            id: try row.decode("id"), name: try row.decode("name"), description: try row.decode("description"),
            kind: try row.decode("kind", as: String.self) == "assignment_map" ? "assignmentMap" : "classic",
            itemIds: try PostgresJSON(text: try row.decode("item_ids")).decode([UUID].self),
            deviceCount: try row.decode("device_count"), createdAt: try row.decode("created_at"),
            updatedAt: try row.decode("updated_at"))
    }
}
