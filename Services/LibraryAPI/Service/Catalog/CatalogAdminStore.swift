// CatalogAdminStore: SQL for what admins change in the catalog (approval overrides and the hold) and the
// feeds' health (catalog_sources).

import Database
import Foundation
import ManagedOSDomain

/// Reads and writes `catalog_release_overrides`, `catalog_settings` and `catalog_sources` (0005).
enum CatalogAdminStore {
    /// The automatic approval hold.
    struct Settings: Codable, Sendable, Equatable {
        var holdDays: Int
        var updatedAt: Date
    }

    /// One feed the scheduler reads, and how its last refreshes went.
    struct Source: Encodable, Sendable {
        var name: String
        var location: String
        var lastAttemptAt: Date?
        var lastSuccessAt: Date?
        var lastError: String?
        var lastErrorAt: Date?
    }

    /// An admin's decision on one release, as audited.
    struct Decision: Codable, Sendable, Equatable {
        var releaseId: String
        /// `approved`, `held`, `revoked`, or nil for automatic approval.
        var decision: String?
    }

    /// The stored decision on `releaseID` (locked for update).
    static func decision(_ releaseID: String, on connection: DatabaseConnection) throws -> Decision {
        let row = try connection.query(
            "SELECT decision FROM catalog_release_overrides WHERE release_id = $1 FOR UPDATE", [releaseID]
        ).first
        return Decision(releaseId: releaseID, decision: try row?.decodeIfPresent("decision"))
    }

    /// Stores `decision` for `releaseID`; nil removes the override (automatic approval again).
    static func setDecision(
        _ decision: ReleaseApprovalOverride?, releaseID: String, actor: String, on connection: DatabaseConnection
    ) throws {
        if let decision {
            try connection.execute(
                """
                INSERT INTO catalog_release_overrides (release_id, decision, actor) VALUES ($1, $2, $3)
                ON CONFLICT (release_id) DO UPDATE SET decision = EXCLUDED.decision, actor = EXCLUDED.actor,
                                                       updated_at = now()
                """,
                [releaseID, decision.rawValue, actor])
        } else {
            try connection.execute("DELETE FROM catalog_release_overrides WHERE release_id = $1", [releaseID])
        }
    }

    /// The hold (locked for update when `forUpdate`).
    static func settings(forUpdate: Bool = false, on connection: DatabaseConnection) throws -> Settings {
        let row = try connection.query(
            "SELECT hold_days, updated_at FROM catalog_settings" + (forUpdate ? " FOR UPDATE" : "")
        ).first
        guard let row else { return Settings(holdDays: 0, updatedAt: Date(timeIntervalSince1970: 0)) }
        return Settings(holdDays: try row.decode("hold_days"), updatedAt: try row.decode("updated_at"))
    }

    /// Sets the hold.
    static func setHoldDays(_ days: Int, on connection: DatabaseConnection) throws {
        try connection.execute(
            """
            INSERT INTO catalog_settings (id, hold_days) VALUES (true, $1)
            ON CONFLICT (id) DO UPDATE SET hold_days = EXCLUDED.hold_days, updated_at = now()
            """,
            [days])
    }

    /// Every feed, by name.
    static func sources(on connection: DatabaseConnection) throws -> [Source] {
        try connection.query(
            """
            SELECT name, location, last_attempt_at, last_success_at, last_error, last_error_at
            FROM catalog_sources ORDER BY name
            """
        ).rows.map { row in
            Source(
                name: try row.decode("name"), location: try row.decode("location"),
                lastAttemptAt: try row.decodeIfPresent("last_attempt_at"),
                lastSuccessAt: try row.decodeIfPresent("last_success_at"),
                lastError: try row.decodeIfPresent("last_error"), lastErrorAt: try row.decodeIfPresent("last_error_at"))
        }
    }
}
