// ItemRoutes: /v1/library-items: create, read, list, update and delete Managed OS library items.

import Database
import EventBus
import FleetStore
import Foundation
import HTTPTypes
import Hummingbird
import ManagedOSDomain
import ServiceSupport

/// The library item routes. Writes decode strictly, validate with the domain, then store, audit and
/// publish a `library` bus event in one transaction (``ItemChanges``, shared with the console).
struct ItemRoutes: Sendable {
    let service: LibraryAPIService

    func add(to group: RouterGroup<ServiceRequestContext>) {
        group.post("library-items", use: create)
        group.get("library-items", use: list)
        group.get("library-items/:id", use: get)
        group.put("library-items/:id", use: update)
        group.delete("library-items/:id", use: delete)
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let item = try ItemRequest.item(from: try await JSONBody.object(of: request, context: context), id: UUID())
        let service = self.service
        let actor = APIPrincipal.currentName
        let answer = try await service.pool.withTransaction { connection in
            try ItemChanges.create(item, actor: actor, service: service, on: connection)
        }
        return try JSONBody.response(answer, status: .created)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let filter = ItemStore.Filter(
            major: try RequestParameters.query("major", request, expected: "an integer") { Int($0) },
            label: request.uri.queryParameters.get("label"),
            blueprintID: try RequestParameters.uuid("blueprint", request))
        let items = try await service.pool.withConnection { try ItemStore.list(filter, on: $0) }
        return try JSONBody.response(ListResponse(items: items))
    }

    @Sendable func get(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try RequestParameters.id(context, what: "library item")
        guard let view = try await service.pool.withConnection({ try ItemStore.fetch(id, on: $0) }) else {
            throw LibraryProblem.notFound("library item", id: id.postgresText)
        }
        return try JSONBody.response(view)
    }

    @Sendable func update(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try RequestParameters.id(context, what: "library item")
        let item = try ItemRequest.item(from: try await JSONBody.object(of: request, context: context), id: id)
        let service = self.service
        let actor = APIPrincipal.currentName
        let answer = try await service.pool.withTransaction { connection in
            try ItemChanges.update(item, actor: actor, service: service, on: connection)
        }
        return try JSONBody.response(answer)
    }

    @Sendable func delete(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try RequestParameters.id(context, what: "library item")
        let force = try RequestParameters.force(request)
        let actor = APIPrincipal.currentName
        let service = self.service
        let answer = try await service.pool.withTransaction { connection in
            try ItemChanges.delete(id, force: force, actor: actor, service: service, on: connection)
        }
        return try JSONBody.response(answer)
    }
}

/// `{"items":[…]}`.
struct ListResponse<Element: Encodable & Sendable>: Encodable, Sendable {
    var items: [Element]
}
