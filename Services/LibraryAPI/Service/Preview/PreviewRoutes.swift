// PreviewRoutes: POST /v1/library-items/preview and /v1/library-items/{id}/preview: "what happens if I save this?".

import Database
import FleetStore
import Foundation
import HTTPTypes
import Hummingbird
import ManagedOSDomain
import ServiceSupport

/// Evaluates a configuration against the current fleet without saving anything. The body is an item
/// configuration as for create/update plus optional `blueprintIds`.
struct PreviewRoutes: Sendable {
    let service: LibraryAPIService

    func add(to group: RouterGroup<ServiceRequestContext>) {
        group.post("library-items/preview", use: previewNew)
        group.post("library-items/:id/preview", use: previewExisting)
    }

    /// The proposed item and blueprints of a preview body.
    static func proposal(_ body: JSONObjectReader, id: UUID) throws -> (ManagedOSItem, [UUID]?) {
        let blueprintIDs = try body.optionalUUIDArray("blueprintIds")
        var members = body.members
        members["blueprintIds"] = nil
        let item = try ItemRequest.item(from: JSONObjectReader(path: body.path, members: members), id: id)
        return (item, blueprintIDs)
    }

    @Sendable func previewNew(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (item, blueprintIDs) = try Self.proposal(try await JSONBody.object(of: request, context: context), id: UUID())
        return try JSONBody.response(try await preview(item, blueprintIDs: blueprintIDs ?? [], existing: false))
    }

    @Sendable func previewExisting(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try RequestParameters.id(context, what: "library item")
        let (item, blueprintIDs) = try Self.proposal(try await JSONBody.object(of: request, context: context), id: id)
        return try JSONBody.response(try await preview(item, blueprintIDs: blueprintIDs, existing: true))
    }

    private func preview(_ item: ManagedOSItem, blueprintIDs: [UUID]?, existing: Bool) async throws -> ItemPreview {
        let service = self.service
        let (configuration, source, previous) = try await service.pool.withTransaction { connection in
            let (configuration, source) = try service.configuration(on: connection)
            let previous = configuration.items[item.id]
            if existing && previous == nil { throw LibraryProblem.notFound("library item", id: item.id.postgresText) }
            if let blueprintIDs {
                let unknown = blueprintIDs.enumerated().filter { configuration.blueprints[$0.element] == nil }
                if !unknown.isEmpty {
                    throw LibraryProblem.validationFailed(
                        unknown.map { index, id in
                            .init(
                                field: "blueprintIds[\(index)]", code: "unknownBlueprint",
                                message: "No blueprint with id \(id.postgresText).")
                        })
                }
            }
            return (configuration, source, previous)
        }
        return try await ItemPreview.evaluate(
            item: item, blueprintIDs: blueprintIDs.map(Set.init), configuration: configuration, catalogSource: source,
            previous: previous, now: service.now(), pool: service.pool)
    }
}
