// AssignmentMapStore: SQL for assignment-map blueprints (`blueprints` with kind `assignment_map`, and
// `assignment_map_items`, migration 0007).

import Database
import Foundation
import ManagedOSDomain

/// Reads and writes assignment maps on a connection the caller owns.
enum AssignmentMapStore {
    private static let selectColumns = """
        SELECT b.id, b.name, b.description, b.assignment_map::text AS map, b.created_at, b.updated_at,
               (SELECT count(*) FROM devices d WHERE d.blueprint_id = b.id) AS device_count
        FROM blueprints b
        """

    /// The map with `id` (nil when there is none, or the blueprint is classic).
    static func fetch(_ id: UUID, forUpdate: Bool = false, on connection: DatabaseConnection) throws -> AssignmentMapView? {
        try connection.query(
            selectColumns + " WHERE b.id = $1::uuid AND b.kind = 'assignment_map'" + (forUpdate ? " FOR UPDATE OF b" : ""),
            [id]
        ).rows.first.map(view)
    }

    /// Every map, by name.
    static func list(on connection: DatabaseConnection) throws -> [AssignmentMapView] {
        try connection.query(selectColumns + " WHERE b.kind = 'assignment_map' ORDER BY b.name").rows.map(view)
    }

    /// The domain map stored for `id`.
    static func map(_ id: UUID, on connection: DatabaseConnection) throws -> AssignmentMap? {
        try connection.query(
            "SELECT assignment_map::text AS map FROM blueprints WHERE id = $1::uuid AND kind = 'assignment_map'", [id]
        ).first.map { try PostgresJSON(text: try $0.decode("map")).decode(AssignmentMap.self) }
    }

    /// Inserts or replaces a map and the item ids it mentions.
    static func save(
        id: UUID, name: String, description: String, map: AssignmentMap, isNew: Bool, on connection: DatabaseConnection
    ) throws {
        let json = try PostgresJSON(encoding: map)
        if isNew {
            try connection.execute(
                "INSERT INTO blueprints (id, name, description, kind, assignment_map) "
                    + "VALUES ($1::uuid, $2, $3, 'assignment_map', $4::jsonb)",
                [id, name, description, json])
        } else {
            try connection.execute(
                "UPDATE blueprints SET name = $2, description = $3, assignment_map = $4::jsonb, updated_at = now() "
                    + "WHERE id = $1::uuid",
                [id, name, description, json])
        }
        try connection.execute("DELETE FROM assignment_map_items WHERE blueprint_id = $1::uuid", [id])
        let itemIDs = Array(Set(map.root.allItemIDs))
        if !itemIDs.isEmpty {
            try connection.execute(
                "INSERT INTO assignment_map_items (blueprint_id, item_id) SELECT $1::uuid, unnest($2::uuid[])",
                [id, itemIDs])
        }
    }

    /// The maps that mention `itemID`.
    static func maps(using itemID: UUID, on connection: DatabaseConnection) throws -> [UUID] {
        try connection.query(
            "SELECT blueprint_id FROM assignment_map_items WHERE item_id = $1::uuid ORDER BY blueprint_id", [itemID]
        ).rows.map { try $0.decode("blueprint_id") }
    }

    private static func view(_ row: Row) throws -> AssignmentMapView {
        let map = try PostgresJSON(text: try row.decode("map")).decode(AssignmentMap.self)
        return AssignmentMapView(
            id: try row.decode("id"), name: try row.decode("name"), description: try row.decode("description"),
            root: AssignmentNodeDocument(map.root), itemIds: Array(Set(map.root.allItemIDs)).sorted(),
            deviceCount: try row.decode("device_count"), createdAt: try row.decode("created_at"),
            updatedAt: try row.decode("updated_at"))
    }
}
