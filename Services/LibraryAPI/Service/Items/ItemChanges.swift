// ItemChanges: the library item writes (store, audit, bus event) shared by the JSON routes and the console.

import Database
import EventBus
import FleetStore
import Foundation
import HTTPTypes
import ManagedOSDomain

/// Each write stores the item, appends its audit row and publishes its `library` event inside the caller's
/// transaction, so the JSON API and the console change the database in exactly the same way.
enum ItemChanges {
    /// Inserts `item`; answers the stored item and its save warnings.
    static func create(
        _ item: ManagedOSItem, actor: String, service: LibraryAPIService, on connection: DatabaseConnection
    ) throws -> ItemSaveResponse {
        try ItemStore.insert(item, on: connection)
        let view = try ItemStore.fetch(item.id, on: connection)!
        let warnings = try service.warnings(for: item, previous: nil, on: connection)
        try AuditLog.record(
            actor: actor, action: "item.create", entityType: "item", entityID: item.id.postgresText,
            before: ItemDocument?.none, after: view.document, on: connection)
        try BusPublisher.publish([BusEventDraft(topic: BusTopic.library, entity: item.id.postgresText)], on: connection)
        return ItemSaveResponse(item: view, warnings: warnings)
    }

    /// Replaces the configuration of the stored item `item.id` (404 when there is none).
    static func update(
        _ item: ManagedOSItem, actor: String, service: LibraryAPIService, on connection: DatabaseConnection
    ) throws -> ItemSaveResponse {
        let id = item.id
        guard let before = try ItemStore.fetch(id, forUpdate: true, on: connection),
            let previous = try ItemStore.domainItem(of: before, on: connection)
        else { throw LibraryProblem.notFound("library item", id: id.postgresText) }
        try ItemStore.update(item, on: connection)
        let view = try ItemStore.fetch(id, on: connection)!
        let warnings = try service.warnings(for: item, previous: previous, on: connection)
        try AuditLog.record(
            actor: actor, action: "item.update", entityType: "item", entityID: id.postgresText,
            before: before.document, after: view.document, on: connection)
        try BusPublisher.publish([BusEventDraft(topic: BusTopic.library, entity: id.postgresText)], on: connection)
        return ItemSaveResponse(item: view, warnings: warnings)
    }

    /// Deletes item `id`: `409 item_in_use` when it reaches Macs or a map uses it and `force` is false;
    /// with `force` it is first removed from the maps that use it (each audited and published).
    static func delete(
        _ id: UUID, force: Bool, actor: String, service: LibraryAPIService, on connection: DatabaseConnection
    ) throws -> ItemDeleteResponse {
        guard let before = try ItemStore.fetch(id, forUpdate: true, on: connection) else {
            throw LibraryProblem.notFound("library item", id: id.postgresText)
        }
        let (configuration, _) = try service.configuration(on: connection)
        let governed = try FleetLoader.allMacs(on: connection).count { configuration.itemIDs(for: $0).contains(id) }
        let maps = try AssignmentMapStore.maps(using: id, on: connection)
        if (governed > 0 || !maps.isEmpty) && !force {
            throw LibraryProblem(
                status: .conflict, code: "item_in_use",
                message: "The item still governs \(governed) Mac(s)"
                    + (maps.isEmpty ? "" : " and \(maps.count) assignment map(s) use it")
                    + "; repeat with ?force=true to delete it anyway.",
                governedMacCount: governed)
        }
        let mapsBefore = try maps.map { try AssignmentMapStore.fetch($0, forUpdate: true, on: connection) }
        try ItemStore.delete(id, on: connection)
        for (mapID, before) in zip(maps, mapsBefore) {
            guard var map = try AssignmentMapStore.map(mapID, on: connection) else { continue }
            map.root = map.root.removing(id)
            try BlueprintStore.replaceTree(mapID, map, on: connection)
            try AuditLog.record(
                actor: actor, action: "assignmentMap.removeDeletedItem", entityType: "blueprint",
                entityID: mapID.postgresText, before: before,
                after: try AssignmentMapStore.fetch(mapID, on: connection), on: connection)
            try BusPublisher.publish(
                [BusEventDraft(topic: BusTopic.blueprint, entity: mapID.postgresText)], on: connection)
        }
        try AuditLog.record(
            actor: actor, action: "item.delete", entityType: "item", entityID: id.postgresText,
            before: before.document, after: ItemDocument?.none, on: connection)
        try BusPublisher.publish([BusEventDraft(topic: BusTopic.library, entity: id.postgresText)], on: connection)
        return ItemDeleteResponse(id: id, deleted: true, macsLosingItem: governed)
    }
}
