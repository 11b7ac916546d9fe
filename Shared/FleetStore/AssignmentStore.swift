// AssignmentStore: reads library items and blueprints (classic and assignment maps) as domain values.

import Database
import Foundation
import ManagedOSDomain

/// Reads `items`, `blueprints`, `blueprint_items` (0004) and assignment maps (0007) as domain values.
public enum AssignmentStore {
    /// Every library item by id.
    public static func items(on connection: DatabaseConnection) throws -> [UUID: ManagedOSItem] {
        var items: [UUID: ManagedOSItem] = [:]
        for row in try connection.query("SELECT config::text AS config FROM items").rows {
            let item = try PostgresJSON(text: try row.decode("config")).decode(ManagedOSItem.self)
            items[item.id] = item
        }
        return items
    }

    /// Every blueprint by id: classic ones with their items in a stable order, maps with their tree.
    public static func blueprints(on connection: DatabaseConnection) throws -> [UUID: Blueprint] {
        let rows = try connection.query(
            """
            SELECT b.id, b.name, b.kind, b.assignment_map::text AS assignment_map,
                   COALESCE(array_agg(bi.item_id ORDER BY bi.item_id) FILTER (WHERE bi.item_id IS NOT NULL),
                            '{}') AS item_ids
            FROM blueprints b LEFT JOIN blueprint_items bi ON bi.blueprint_id = b.id
            GROUP BY b.id
            """
        ).rows
        var blueprints: [UUID: Blueprint] = [:]
        for row in rows {
            let id: UUID = try row.decode("id")
            let layout: Blueprint.Layout
            if try row.decode("kind", as: String.self) == "assignment_map",
                let map: String = try row.decodeIfPresent("assignment_map")
            {
                layout = .assignmentMap(try PostgresJSON(text: map).decode(AssignmentMap.self))
            } else {
                layout = .classic(itemIDs: try row.decode("item_ids", as: [UUID].self))
            }
            blueprints[id] = Blueprint(id: id, name: try row.decode("name"), layout: layout)
        }
        return blueprints
    }
}
