// CatalogWriter: turns a freshly built release list into catalog rows and catalog events, changing only
// what differs.

import Database
import Digests
import EventBus
import Foundation
import ManagedOSDomain

/// Writes `catalog_releases` and `catalog_models` (0005) from a built catalog, in the caller's transaction.
enum CatalogWriter {
    /// What one write changed.
    struct Outcome: Sendable, Equatable {
        var added: [String] = []
        var changed: [String] = []
        var removed: [String] = []
        var isEmpty: Bool { added.isEmpty && changed.isEmpty && removed.isEmpty }
    }

    /// Makes the stored catalog equal `releases` and `models`: new rows, changed rows (content digest),
    /// rows no longer in the feeds marked removed (and restored when they return). Publishes one catalog
    /// event per release that changed, in the same transaction.
    static func apply(
        releases: [Release], models: [String: String], on connection: DatabaseConnection
    ) throws -> Outcome {
        var stored: [String: (digest: String, removed: Bool)] = [:]
        for row in try connection.query("SELECT id, content_digest, removed_at IS NOT NULL AS removed FROM catalog_releases").rows {
            stored[try row.decode("id")] = (try row.decode("content_digest"), try row.decode("removed"))
        }
        var outcome = Outcome()
        var seen = Set<String>()
        for release in releases {
            guard seen.insert(release.id).inserted else { continue }
            let json = try PostgresJSON(encoding: release)
            let digest = SHA256Hex.digest(of: json.text)
            if let existing = stored[release.id], existing.digest == digest, !existing.removed { continue }
            let extra: String? =
                if case .backgroundSecurityImprovement(let extra, _) = release.kind { extra } else { nil }
            try connection.execute(
                """
                INSERT INTO catalog_releases (id, major, version, build, extra_version, is_bsi, release_date,
                                              expiration_date, cve_count, actively_exploited_cves, release,
                                              content_digest)
                VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8::date, $9, $10::text[], $11::jsonb, $12)
                ON CONFLICT (id) DO UPDATE SET
                    major = EXCLUDED.major, version = EXCLUDED.version, build = EXCLUDED.build,
                    extra_version = EXCLUDED.extra_version, is_bsi = EXCLUDED.is_bsi,
                    release_date = EXCLUDED.release_date, expiration_date = EXCLUDED.expiration_date,
                    cve_count = EXCLUDED.cve_count, actively_exploited_cves = EXCLUDED.actively_exploited_cves,
                    release = EXCLUDED.release, content_digest = EXCLUDED.content_digest, updated_at = now(),
                    removed_at = NULL
                """,
                [release.id, release.major, release.version.description, release.build?.rawValue, extra,
                 release.isBackgroundSecurityImprovement, release.releaseDate.description,
                 release.expirationDate?.description, release.cveCount, release.activelyExploitedCVEs, json, digest])
            if stored[release.id] == nil { outcome.added.append(release.id) } else { outcome.changed.append(release.id) }
        }
        for (id, entry) in stored where !entry.removed && !seen.contains(id) {
            try connection.execute(
                "UPDATE catalog_releases SET removed_at = now(), updated_at = now() WHERE id = $1", [id])
            outcome.removed.append(id)
        }
        try connection.execute("DELETE FROM catalog_models WHERE NOT (board_id = ANY($1::text[]))", [Array(models.keys)])
        let boards = models.keys.sorted()
        try connection.execute(
            """
            INSERT INTO catalog_models (board_id, model_identifier)
            SELECT * FROM unnest($1::text[], $2::text[])
            ON CONFLICT (board_id) DO UPDATE SET model_identifier = EXCLUDED.model_identifier
            """,
            [boards, boards.map { models[$0]! }])
        let events =
            outcome.added.map { (id: $0, change: "added") } + outcome.changed.map { (id: $0, change: "changed") }
            + outcome.removed.map { (id: $0, change: "removed") }
        if !events.isEmpty {
            try BusPublisher.publish(
                try events.map {
                    BusEventDraft(
                        topic: BusTopic.catalog, entity: $0.id, payload: try PostgresJSON(encoding: ["change": $0.change]))
                },
                on: connection)
        }
        return outcome
    }
}
