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
/// publish a `library` bus event in one transaction.
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
            try ItemStore.insert(item, on: connection)
            let view = try ItemStore.fetch(item.id, on: connection)!
            let warnings = try service.warnings(for: item, previous: nil, on: connection)
            try AuditLog.record(
                actor: actor, action: "item.create", entityType: "item", entityID: item.id.postgresText,
                before: ItemDocument?.none, after: view.document, on: connection)
            try BusPublisher.publish([BusEventDraft(topic: BusTopic.library, entity: item.id.postgresText)], on: connection)
            return ItemSaveResponse(item: view, warnings: warnings)
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
        return try JSONBody.response(answer)
    }

    @Sendable func delete(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try RequestParameters.id(context, what: "library item")
        let force = try RequestParameters.force(request)
        let actor = APIPrincipal.currentName
        let service = self.service
        let answer = try await service.pool.withTransaction { connection in
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
        return try JSONBody.response(answer)
    }
}

/// `{"items":[…]}`.
struct ListResponse<Element: Encodable & Sendable>: Encodable, Sendable {
    var items: [Element]
}
