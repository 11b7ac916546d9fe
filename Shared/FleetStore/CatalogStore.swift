// CatalogStore: reads the release catalog and the admins' approvals from the database.

import Database
import Foundation
import ManagedOSDomain

/// Reads the catalog tables (migration 0005) into the domain's `ReleaseCatalog`.
public enum CatalogStore {
    /// The current catalog: every release not removed from the feeds, the board → model map, and the
    /// approval policy (hold days and per-release decisions).
    public static func load(on connection: DatabaseConnection) throws -> ReleaseCatalog {
        let releases = try connection.query(
            "SELECT release::text AS release FROM catalog_releases WHERE removed_at IS NULL ORDER BY id"
        ).rows.map { try PostgresJSON(text: try $0.decode("release")).decode(Release.self) }
        var models: [String: String] = [:]
        for row in try connection.query("SELECT board_id, model_identifier FROM catalog_models").rows {
            models[try row.decode("board_id")] = try row.decode("model_identifier")
        }
        return ReleaseCatalog(
            releases: releases, modelIdentifierByBoardID: models, approvalPolicy: try approvalPolicy(on: connection))
    }

    /// The approval policy: the automatic hold and every per-release decision.
    public static func approvalPolicy(on connection: DatabaseConnection) throws -> ReleaseApprovalPolicy {
        let holdDays: Int = try connection.query("SELECT hold_days FROM catalog_settings").first?.decode("hold_days") ?? 0
        var overrides: [String: ReleaseApprovalOverride] = [:]
        for row in try connection.query("SELECT release_id, decision FROM catalog_release_overrides").rows {
            if let decision = ReleaseApprovalOverride(rawValue: try row.decode("decision")) {
                overrides[try row.decode("release_id")] = decision
            }
        }
        return ReleaseApprovalPolicy(holdDays: holdDays, overrides: overrides)
    }

    /// Whether the catalog holds any release yet (a fresh database has none until the first refresh).
    public static func isEmpty(on connection: DatabaseConnection) throws -> Bool {
        try connection.query("SELECT NOT EXISTS (SELECT 1 FROM catalog_releases) AS empty").first?.decode("empty") ?? true
    }
}
