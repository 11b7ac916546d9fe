// CatalogRoutes: /v1/catalog: releases per major with approval state, approvals, the hold, feed health.

import Database
import EventBus
import Foundation
import HTTPTypes
import Hummingbird
import ManagedOSDomain
import ServiceSupport

/// Catalog routes. Each write is audited and publishes a `catalog` bus event (entity: the release id, or
/// `settings` for the hold) in its transaction, so the scheduler re-evaluates.
struct CatalogRoutes: Sendable {
    let service: LibraryAPIService

    func add(to group: RouterGroup<ServiceRequestContext>) {
        group.get("catalog/releases", use: list)
        group.put("catalog/approvals", use: setApproval)
        group.get("catalog/settings", use: settings)
        group.put("catalog/settings", use: setSettings)
        group.get("catalog/sources", use: sources)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let major = try RequestParameters.query("major", request, expected: "an integer") { Int($0) }
        let service = self.service
        let listing = try await service.pool.withConnection { connection in
            CatalogListing(try service.catalog(on: connection), major: major, now: service.now())
        }
        return try JSONBody.response(listing)
    }

    /// `{"releaseId": "26.1/25B78", "decision": "approved" | "held" | "revoked" | "automatic"}`.
    @Sendable func setApproval(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await JSONBody.object(of: request, context: context)
        try body.requireOnly(["releaseId", "decision"])
        let releaseID = try body.string("releaseId")
        let decisionText = try body.string("decision")
        _ = try CatalogChanges.decision(decisionText)
        let service = self.service
        let view = try await service.pool.withTransaction { [actor = APIPrincipal.currentName] connection in
            try CatalogChanges.setDecision(
                decisionText, releaseID: releaseID, actor: actor, service: service, on: connection)
        }
        return try JSONBody.response(view)
    }

    @Sendable func settings(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try JSONBody.response(try await service.pool.withConnection { try CatalogAdminStore.settings(on: $0) })
    }

    /// `{"holdDays": 0…365}`.
    @Sendable func setSettings(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await JSONBody.object(of: request, context: context)
        try body.requireOnly(["holdDays"])
        let days = try body.int("holdDays")
        let settings = try await service.pool.withTransaction { [actor = APIPrincipal.currentName] connection in
            try CatalogChanges.setHoldDays(days, actor: actor, on: connection)
        }
        return try JSONBody.response(settings)
    }

    @Sendable func sources(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let sources = try await service.pool.withConnection { try CatalogAdminStore.sources(on: $0) }
        return try JSONBody.response(ListResponse(items: sources))
    }
}
