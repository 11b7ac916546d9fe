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
        let decision = ReleaseApprovalOverride(rawValue: decisionText)
        guard decision != nil || decisionText == "automatic" else {
            throw LibraryProblem.validationFailed([
                .init(
                    field: "decision", code: "invalidChoice",
                    message: "\"\(decisionText)\" is not a decision: use approved, held, revoked or automatic.")
            ])
        }
        let service = self.service
        let view = try await service.pool.withTransaction { [actor = APIPrincipal.currentName] connection in
            guard try service.catalog(on: connection).catalog.release(id: releaseID) != nil else {
                throw LibraryProblem.validationFailed([
                    .init(field: "releaseId", code: "unknownRelease", message: "No release with id \(releaseID).")
                ])
            }
            let before = try CatalogAdminStore.decision(releaseID, on: connection)
            try CatalogAdminStore.setDecision(decision, releaseID: releaseID, actor: actor, on: connection)
            let after = CatalogAdminStore.Decision(releaseId: releaseID, decision: decision?.rawValue)
            try AuditLog.record(
                actor: actor, action: "catalog.\(decisionText)", entityType: "catalogRelease", entityID: releaseID,
                before: before, after: after, on: connection)
            try BusPublisher.publish([BusEventDraft(topic: BusTopic.catalog, entity: releaseID)], on: connection)
            let catalog = try service.catalog(on: connection).catalog
            return ReleaseView(catalog.release(id: releaseID)!, catalog: catalog, now: service.now())
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
        guard (0...365).contains(days) else {
            throw LibraryProblem.validationFailed([
                .init(field: "holdDays", code: "outOfRange", message: "holdDays must be from 0 to 365 (got \(days)).")
            ])
        }
        let settings = try await service.pool.withTransaction { [actor = APIPrincipal.currentName] connection in
            let before = try CatalogAdminStore.settings(forUpdate: true, on: connection)
            try CatalogAdminStore.setHoldDays(days, on: connection)
            let after = try CatalogAdminStore.settings(on: connection)
            try AuditLog.record(
                actor: actor, action: "catalog.settings", entityType: "catalogSettings", entityID: "settings",
                before: before, after: after, on: connection)
            try BusPublisher.publish([BusEventDraft(topic: BusTopic.catalog, entity: "settings")], on: connection)
            return after
        }
        return try JSONBody.response(settings)
    }

    @Sendable func sources(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let sources = try await service.pool.withConnection { try CatalogAdminStore.sources(on: $0) }
        return try JSONBody.response(ListResponse(items: sources))
    }
}
