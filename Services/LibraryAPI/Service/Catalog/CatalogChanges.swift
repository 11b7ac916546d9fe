// CatalogChanges: release approval decisions and the automatic-approval hold (store, audit, bus event),
// shared by the JSON routes and the console.

import Database
import EventBus
import Foundation
import HTTPTypes
import ManagedOSDomain

/// Catalog writes inside the caller's transaction; each is audited and publishes a `catalog` event.
enum CatalogChanges {
    /// The decision for `text` (`approved`, `held`, `revoked`; nil for `automatic`), or `422` naming `decision`.
    static func decision(_ text: String) throws -> ReleaseApprovalOverride? {
        let decision = ReleaseApprovalOverride(rawValue: text)
        guard decision != nil || text == "automatic" else {
            throw LibraryProblem.validationFailed([
                .init(
                    field: "decision", code: "invalidChoice",
                    message: "\"\(text)\" is not a decision: use approved, held, revoked or automatic.")
            ])
        }
        return decision
    }

    /// Records `decisionText` for release `releaseID` (`422 unknownRelease` when the catalog lacks it).
    static func setDecision(
        _ decisionText: String, releaseID: String, actor: String, service: LibraryAPIService,
        on connection: DatabaseConnection
    ) throws -> ReleaseView {
        let decision = try decision(decisionText)
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

    /// Sets the hold before automatic approval (`422 outOfRange` outside 0–365).
    static func setHoldDays(_ days: Int, actor: String, on connection: DatabaseConnection) throws
        -> CatalogAdminStore.Settings
    {
        guard (0...365).contains(days) else {
            throw LibraryProblem.validationFailed([
                .init(field: "holdDays", code: "outOfRange", message: "holdDays must be from 0 to 365 (got \(days)).")
            ])
        }
        let before = try CatalogAdminStore.settings(forUpdate: true, on: connection)
        try CatalogAdminStore.setHoldDays(days, on: connection)
        let after = try CatalogAdminStore.settings(on: connection)
        try AuditLog.record(
            actor: actor, action: "catalog.settings", entityType: "catalogSettings", entityID: "settings",
            before: before, after: after, on: connection)
        try BusPublisher.publish([BusEventDraft(topic: BusTopic.catalog, entity: "settings")], on: connection)
        return after
    }
}
