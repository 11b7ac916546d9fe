// AssignmentMapRoutes: /v1/assignment-maps: blueprints whose items depend on a node tree of conditions.

import Database
import EventBus
import Foundation
import HTTPTypes
import Hummingbird
import ManagedOSDomain
import ServiceSupport

/// Assignment-map routes. A map is a blueprint (Macs belong to it through `blueprintId`); each write is
/// audited (entity type `blueprint`) and publishes a `blueprint` bus event in its transaction.
struct AssignmentMapRoutes: Sendable {
    let pool: ConnectionPool

    func add(to group: RouterGroup<ServiceRequestContext>) {
        group.post("assignment-maps", use: create)
        group.get("assignment-maps", use: list)
        group.get("assignment-maps/:id", use: get)
        group.put("assignment-maps/:id", use: update)
        group.delete("assignment-maps/:id", use: delete)
    }

    private static func checkName(_ name: String, id: UUID?, on connection: DatabaseConnection) throws {
        if try BlueprintStore.nameTaken(name, excluding: id, on: connection) {
            throw LibraryProblem(
                status: .conflict, code: "name_taken", message: "A blueprint named \(name) already exists.",
                fields: [.init(field: "name", code: "taken", message: "The name is taken.")])
        }
    }

    private static func finish(
        actor: String, action: String, id: UUID, before: AssignmentMapView?, on connection: DatabaseConnection
    ) throws -> AssignmentMapView? {
        let after = try AssignmentMapStore.fetch(id, on: connection)
        try AuditLog.record(
            actor: actor, action: action, entityType: "blueprint", entityID: id.postgresText, before: before, after: after,
            on: connection)
        try BusPublisher.publish([BusEventDraft(topic: BusTopic.blueprint, entity: id.postgresText)], on: connection)
        return after
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try AssignmentMapRequest(try await JSONBody.object(of: request, context: context))
        let id = UUID()
        let view = try await pool.withTransaction { [actor = APIPrincipal.currentName] connection in
            try body.checkItems(on: connection)
            try Self.checkName(body.name, id: nil, on: connection)
            try AssignmentMapStore.save(
                id: id, name: body.name, description: body.description, map: body.map, isNew: true, on: connection)
            return try Self.finish(actor: actor, action: "assignmentMap.create", id: id, before: nil, on: connection)
        }
        return try JSONBody.response(view, status: .created)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try JSONBody.response(ListResponse(items: try await pool.withConnection { try AssignmentMapStore.list(on: $0) }))
    }

    @Sendable func get(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try RequestParameters.id(context, what: "assignment map")
        guard let view = try await pool.withConnection({ try AssignmentMapStore.fetch(id, on: $0) }) else {
            throw LibraryProblem.notFound("assignment map", id: id.postgresText)
        }
        return try JSONBody.response(view)
    }

    @Sendable func update(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try RequestParameters.id(context, what: "assignment map")
        let body = try AssignmentMapRequest(try await JSONBody.object(of: request, context: context))
        let view = try await pool.withTransaction { [actor = APIPrincipal.currentName] connection in
            guard let before = try AssignmentMapStore.fetch(id, forUpdate: true, on: connection) else {
                throw LibraryProblem.notFound("assignment map", id: id.postgresText)
            }
            try body.checkItems(on: connection)
            try Self.checkName(body.name, id: id, on: connection)
            try AssignmentMapStore.save(
                id: id, name: body.name, description: body.description, map: body.map, isNew: false, on: connection)
            return try Self.finish(actor: actor, action: "assignmentMap.update", id: id, before: before, on: connection)
        }
        return try JSONBody.response(view)
    }

    @Sendable func delete(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try RequestParameters.id(context, what: "assignment map")
        let force = try RequestParameters.force(request)
        let answer = try await pool.withTransaction { [actor = APIPrincipal.currentName] connection in
            guard let before = try AssignmentMapStore.fetch(id, forUpdate: true, on: connection) else {
                throw LibraryProblem.notFound("assignment map", id: id.postgresText)
            }
            if before.deviceCount > 0 && !force {
                throw LibraryProblem(
                    status: .conflict, code: "blueprint_in_use",
                    message: "\(before.deviceCount) Mac(s) belong to the assignment map; repeat with ?force=true to "
                        + "delete it and leave them without a blueprint.",
                    governedMacCount: before.deviceCount)
            }
            try BlueprintStore.delete(id, on: connection)
            _ = try Self.finish(actor: actor, action: "assignmentMap.delete", id: id, before: before, on: connection)
            return BlueprintDeleteResponse(id: id, deleted: true, macsUnassigned: before.deviceCount)
        }
        return try JSONBody.response(answer)
    }
}
