// BlueprintChanges: assigning and unassigning an item on a classic blueprint (store, audit, bus event),
// shared by the JSON routes and the console.

import Database
import EventBus
import Foundation
import HTTPTypes

/// Item assignment writes on classic blueprints, inside the caller's transaction.
enum BlueprintChanges {
    /// Assigns `itemID` to blueprint `id` (`404` for an unknown blueprint or item, `409 wrong_kind` for a map).
    @discardableResult
    static func assignItem(_ itemID: UUID, to id: UUID, actor: String, on connection: DatabaseConnection) throws
        -> BlueprintView?
    {
        try change(id, actor: actor, action: "blueprint.assignItem", on: connection) {
            guard try BlueprintStore.unknownItems([itemID], on: connection).isEmpty else {
                throw LibraryProblem.notFound("library item", id: itemID.postgresText)
            }
            try BlueprintStore.setItems(id, [itemID], on: connection)
        }
    }

    /// Removes `itemID` from blueprint `id` (`404` when it is not assigned).
    @discardableResult
    static func unassignItem(_ itemID: UUID, from id: UUID, actor: String, on connection: DatabaseConnection) throws
        -> BlueprintView?
    {
        try change(id, actor: actor, action: "blueprint.unassignItem", on: connection) {
            guard try BlueprintStore.removeItem(itemID, from: id, on: connection) else {
                throw LibraryProblem(
                    status: .notFound, code: "not_found",
                    message: "Library item \(itemID.postgresText) is not assigned to the blueprint.")
            }
        }
    }

    /// Audits the change of blueprint `id` from `before` and publishes its `blueprint` event.
    static func finish(
        actor: String, action: String, id: UUID, before: BlueprintView?, on connection: DatabaseConnection
    ) throws -> BlueprintView? {
        let after = try BlueprintStore.fetch(id, on: connection)
        try AuditLog.record(
            actor: actor, action: action, entityType: "blueprint", entityID: id.postgresText, before: before, after: after,
            on: connection)
        try BusPublisher.publish([BusEventDraft(topic: BusTopic.blueprint, entity: id.postgresText)], on: connection)
        return after
    }

    private static func change(
        _ id: UUID, actor: String, action: String, on connection: DatabaseConnection, _ body: () throws -> Void
    ) throws -> BlueprintView? {
        guard let before = try BlueprintStore.fetch(id, forUpdate: true, on: connection) else {
            throw LibraryProblem.notFound("blueprint", id: id.postgresText)
        }
        try BlueprintRoutes.requireClassic(before)
        try body()
        try BlueprintStore.touch(id, on: connection)
        return try finish(actor: actor, action: action, id: id, before: before, on: connection)
    }
}
