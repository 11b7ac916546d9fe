// AssignmentMapChanges: placing one item on chosen nodes of an assignment map (store, audit, bus event).

import Database
import EventBus
import Foundation
import HTTPTypes
import ManagedOSDomain

/// Item placement on assignment-map nodes, inside the caller's transaction. The map is saved, audited as
/// `assignmentMap.update` (entity type `blueprint`, before/after as `GET /v1/assignment-maps/{id}` shows
/// them) and a `blueprint` event is published, as `PUT /v1/assignment-maps/{id}` does; nothing is written
/// when the placement is already as asked.
enum AssignmentMapChanges {
    /// Puts `itemID` on exactly the nodes `nodeIDs` of map `mapID` (removing it from every other node).
    static func placeItem(
        _ itemID: UUID, onNodes nodeIDs: Set<UUID>, of mapID: UUID, actor: String, on connection: DatabaseConnection
    ) throws {
        guard let before = try AssignmentMapStore.fetch(mapID, forUpdate: true, on: connection),
            let map = try AssignmentMapStore.map(mapID, on: connection)
        else { throw LibraryProblem.notFound("assignment map", id: mapID.postgresText) }
        let changed = AssignmentMap(root: placing(itemID, on: nodeIDs, in: map.root))
        guard changed != map else { return }
        try AssignmentMapStore.save(
            id: mapID, name: before.name, description: before.description, map: changed, isNew: false, on: connection)
        try AuditLog.record(
            actor: actor, action: "assignmentMap.update", entityType: "blueprint", entityID: mapID.postgresText,
            before: before, after: try AssignmentMapStore.fetch(mapID, on: connection), on: connection)
        try BusPublisher.publish([BusEventDraft(topic: BusTopic.blueprint, entity: mapID.postgresText)], on: connection)
    }

    /// `node`'s subtree with `itemID` on exactly the nodes in `nodeIDs` (order of other items kept).
    static func placing(_ itemID: UUID, on nodeIDs: Set<UUID>, in node: AssignmentNode) -> AssignmentNode {
        var result = node
        if nodeIDs.contains(node.id) {
            if !result.itemIDs.contains(itemID) { result.itemIDs.append(itemID) }
        } else {
            result.itemIDs.removeAll { $0 == itemID }
        }
        result.children = node.children.map { placing(itemID, on: nodeIDs, in: $0) }
        return result
    }
}
