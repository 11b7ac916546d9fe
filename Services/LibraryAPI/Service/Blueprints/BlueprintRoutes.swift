// BlueprintRoutes: /v1/blueprints: classic blueprints and the items assigned to them.

import Database
import EventBus
import Foundation
import HTTPTypes
import Hummingbird
import ManagedOSDomain
import ServiceSupport

/// Classic blueprint routes. Each write is audited and publishes a `blueprints` bus event (entity: the
/// blueprint id) in its transaction.
struct BlueprintRoutes: Sendable {
    let pool: ConnectionPool

    func add(to group: RouterGroup<ServiceRequestContext>) {
        group.post("blueprints", use: create)
        group.get("blueprints", use: list)
        group.get("blueprints/:id", use: get)
        group.put("blueprints/:id", use: update)
        group.delete("blueprints/:id", use: delete)
        group.put("blueprints/:id/items/:itemId", use: assignItem)
        group.delete("blueprints/:id/items/:itemId", use: unassignItem)
    }

    /// The decoded body of a create or update.
    private struct Body {
        var name: String
        var description: String
        var itemIDs: [UUID]

        init(_ reader: JSONObjectReader) throws {
            try reader.requireOnly(["name", "description", "itemIds"])
            name = try reader.string("name").trimmingCharacters(in: .whitespacesAndNewlines)
            description = try reader.optionalString("description") ?? ""
            itemIDs = try reader.optionalUUIDArray("itemIds") ?? []
            if name.isEmpty {
                throw LibraryProblem.validationFailed([.init(field: "name", code: "required", message: "Enter a name.")])
            }
        }

        /// 422 for unknown items, 409 for a taken name.
        func check(id: UUID?, on connection: DatabaseConnection) throws {
            let unknown = try BlueprintStore.unknownItems(itemIDs, on: connection)
            if !unknown.isEmpty {
                throw LibraryProblem.validationFailed(
                    itemIDs.enumerated().filter { unknown.contains($0.element) }.map { index, id in
                        .init(
                            field: "itemIds[\(index)]", code: "unknownItem",
                            message: "No library item with id \(id.postgresText).")
                    })
            }
            if try BlueprintStore.nameTaken(name, excluding: id, on: connection) {
                throw LibraryProblem(
                    status: .conflict, code: "name_taken", message: "A blueprint named \(name) already exists.",
                    fields: [.init(field: "name", code: "taken", message: "The name is taken.")])
            }
        }
    }

    /// 409 `wrong_kind` for an assignment map (edited under /v1/assignment-maps).
    static func requireClassic(_ blueprint: BlueprintView) throws {
        guard blueprint.kind == "classic" else {
            throw LibraryProblem(
                status: .conflict, code: "wrong_kind",
                message: "Blueprint \(blueprint.id.postgresText) is an assignment map; edit it under /v1/assignment-maps.")
        }
    }

    private static func finish(
        actor: String, action: String, id: UUID, before: BlueprintView?, on connection: DatabaseConnection
    ) throws -> BlueprintView? {
        try BlueprintChanges.finish(actor: actor, action: action, id: id, before: before, on: connection)
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try Body(try await JSONBody.object(of: request, context: context))
        let id = UUID()
        let view = try await pool.withTransaction { [actor = APIPrincipal.currentName] connection in
            try body.check(id: nil, on: connection)
            try BlueprintStore.save(
                id: id, name: body.name, description: body.description, itemIDs: body.itemIDs, isNew: true,
                on: connection)
            return try Self.finish(actor: actor, action: "blueprint.create", id: id, before: nil, on: connection)
        }
        return try JSONBody.response(view, status: .created)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try JSONBody.response(ListResponse(items: try await pool.withConnection { try BlueprintStore.list(on: $0) }))
    }

    @Sendable func get(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try RequestParameters.id(context, what: "blueprint")
        guard let view = try await pool.withConnection({ try BlueprintStore.fetch(id, on: $0) }) else {
            throw LibraryProblem.notFound("blueprint", id: id.postgresText)
        }
        return try JSONBody.response(view)
    }

    @Sendable func update(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try RequestParameters.id(context, what: "blueprint")
        let body = try Body(try await JSONBody.object(of: request, context: context))
        let view = try await pool.withTransaction { [actor = APIPrincipal.currentName] connection in
            guard let before = try BlueprintStore.fetch(id, forUpdate: true, on: connection) else {
                throw LibraryProblem.notFound("blueprint", id: id.postgresText)
            }
            try Self.requireClassic(before)
            try body.check(id: id, on: connection)
            try BlueprintStore.save(
                id: id, name: body.name, description: body.description, itemIDs: body.itemIDs, isNew: false,
                on: connection)
            return try Self.finish(actor: actor, action: "blueprint.update", id: id, before: before, on: connection)
        }
        return try JSONBody.response(view)
    }

    @Sendable func delete(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try RequestParameters.id(context, what: "blueprint")
        let force = try RequestParameters.force(request)
        let answer = try await pool.withTransaction { [actor = APIPrincipal.currentName] connection in
            guard let before = try BlueprintStore.fetch(id, forUpdate: true, on: connection) else {
                throw LibraryProblem.notFound("blueprint", id: id.postgresText)
            }
            if before.deviceCount > 0 && !force {
                throw LibraryProblem(
                    status: .conflict, code: "blueprint_in_use",
                    message: "\(before.deviceCount) Mac(s) belong to the blueprint; repeat with ?force=true to delete "
                        + "it and leave them without a blueprint.",
                    governedMacCount: before.deviceCount)
            }
            try BlueprintStore.delete(id, on: connection)
            _ = try Self.finish(actor: actor, action: "blueprint.delete", id: id, before: before, on: connection)
            return BlueprintDeleteResponse(id: id, deleted: true, macsUnassigned: before.deviceCount)
        }
        return try JSONBody.response(answer)
    }

    @Sendable func assignItem(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try RequestParameters.id(context, what: "blueprint")
        let itemID = try RequestParameters.id(context, name: "itemId", what: "library item")
        let view = try await pool.withTransaction { [actor = APIPrincipal.currentName] connection in
            try BlueprintChanges.assignItem(itemID, to: id, actor: actor, on: connection)
        }
        return try JSONBody.response(view)
    }

    @Sendable func unassignItem(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try RequestParameters.id(context, what: "blueprint")
        let itemID = try RequestParameters.id(context, name: "itemId", what: "library item")
        let view = try await pool.withTransaction { [actor = APIPrincipal.currentName] connection in
            try BlueprintChanges.unassignItem(itemID, from: id, actor: actor, on: connection)
        }
        return try JSONBody.response(view)
    }
}

/// The answer to a blueprint delete.
struct BlueprintDeleteResponse: Encodable, Sendable {
    var id: UUID
    var deleted: Bool
    /// Macs that belonged to the blueprint and now have none.
    var macsUnassigned: Int
}
