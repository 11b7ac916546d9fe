// CatalogRefresher: reads Apple's feeds (at most once per interval each, conditionally for URLs), keeps the
// newest good copy of each, and rebuilds the catalog when one changed. A failing feed changes nothing.

import Database
import Digests
import FleetStore
import Foundation
import Logging
import ManagedOSDomain
import Metrics

/// Keeps `catalog_releases` current from the configured GDMF and SOFA sources.
public struct CatalogRefresher: Sendable {
    /// What one refresh did, per source and overall.
    public struct Report: Sendable, Equatable {
        /// Sources read this time (not skipped as fresh).
        public var read: [String] = []
        /// Sources whose read or parse failed, with the error recorded for them.
        public var failures: [String: String] = [:]
        /// Release ids added, changed and removed.
        public var added: [String] = []
        public var changed: [String] = []
        public var removed: [String] = []
    }

    private let pool: ConnectionPool
    private let sources: [(kind: FeedKind, source: FeedSource)]
    private let interval: Duration
    private let fetcher: FeedFetcher
    private let logger: Logger

    public init(
        pool: ConnectionPool, gdmf: FeedSource, sofa: FeedSource, interval: Duration, logger: Logger,
        fetcher: FeedFetcher = FeedFetcher()
    ) {
        self.pool = pool
        self.sources = [(.gdmf, gdmf), (.sofa, sofa)]
        self.interval = interval
        self.fetcher = fetcher
        self.logger = logger
    }

    private struct SourceRow: Sendable {
        var location: String?
        var etag: String?
        var lastModified: String?
        var digest: String?
        var lastAttemptAt: Date?
    }

    /// Reads every source that is due (or all of them when `force`), then rebuilds the catalog when a
    /// feed's content changed or the catalog is still empty.
    @discardableResult
    public func refresh(now: Date, force: Bool = false) async throws -> Report {
        var report = Report()
        var anyChanged = false
        for (kind, source) in sources {
            let row = try await pool.withConnection { try Self.sourceRow(kind, on: $0) }
            let due =
                force || row.location != source.description
                || (row.lastAttemptAt.map { now.timeIntervalSince($0) >= interval.seconds } ?? true)
            guard due else { continue }
            report.read.append(kind.rawValue)
            let sameLocation = row.location == source.description
            do {
                let result = try await fetcher.fetch(
                    kind, from: source, etag: sameLocation ? row.etag : nil,
                    lastModified: sameLocation ? row.lastModified : nil)
                switch result {
                case .notModified:
                    try await recordSuccess(kind, source: source, body: nil, digest: nil, etag: row.etag,
                                            lastModified: row.lastModified, now: now)
                case .body(let data, let etag, let lastModified):
                    try Self.validate(kind, data)
                    let digest = SHA256Hex.digest(of: data)
                    let changed = digest != row.digest
                    try await recordSuccess(kind, source: source, body: changed ? data : nil, digest: digest,
                                            etag: etag, lastModified: lastModified, now: now)
                    anyChanged = anyChanged || changed
                }
            } catch {
                let message = "\(error)"
                report.failures[kind.rawValue] = message
                Counter(label: "scheduler_feed_failures_total", dimensions: [("feed", kind.rawValue)]).increment()
                logger.error("catalog feed failed; catalog unchanged",
                             metadata: ["feed": .string(kind.rawValue), "feed.source": .string(source.description),
                                        "error": .string(message)])
                try await pool.withConnection { connection in
                    try connection.execute(
                        """
                        INSERT INTO catalog_sources (name, location, last_attempt_at, last_error, last_error_at)
                        VALUES ($1, $2, $3, $4, $3)
                        ON CONFLICT (name) DO UPDATE SET location = EXCLUDED.location,
                            last_attempt_at = EXCLUDED.last_attempt_at, last_error = EXCLUDED.last_error,
                            last_error_at = EXCLUDED.last_error_at
                        """,
                        [kind.rawValue, source.description, now, message])
                }
            }
        }
        let changed = anyChanged
        let needsBuild = try await pool.withConnection { try changed || CatalogStore.isEmpty(on: $0) }
        guard needsBuild else { return report }
        let outcome = try await pool.withTransaction { connection -> CatalogWriter.Outcome in
            // One rebuild at a time (an on-demand refresh may run beside the active scheduler).
            try connection.execute("SELECT pg_advisory_xact_lock(hashtext('managed-os.catalog-rebuild'))")
            let bodies = try Self.storedBodies(on: connection)
            guard !bodies.isEmpty else { return CatalogWriter.Outcome() }
            let builder = CatalogBuilder(
                gdmf: bodies[.gdmf].flatMap { try? GDMFFeed(parsing: $0) }.map { [$0] } ?? [],
                history: nil,
                sofa: bodies[.sofa].flatMap { try? SOFAFeed(parsing: $0) }.map { [$0] } ?? [])
            return try CatalogWriter.apply(
                releases: builder.releases(), models: builder.modelIdentifierByBoardID(), on: connection)
        }
        report.added = outcome.added
        report.changed = outcome.changed
        report.removed = outcome.removed
        if !outcome.isEmpty {
            logger.info("catalog updated", metadata: [
                "catalog.added": "\(outcome.added.count)", "catalog.changed": "\(outcome.changed.count)",
                "catalog.removed": "\(outcome.removed.count)",
            ])
        }
        return report
    }

    /// A body must parse as its feed and hold at least one release; otherwise the refresh fails.
    static func validate(_ kind: FeedKind, _ data: Data) throws {
        switch kind {
        case .gdmf:
            let feed = try GDMFFeed(parsing: data)
            guard !feed.entries.isEmpty else { throw FeedFetchError(description: "GDMF feed holds no release") }
        case .sofa:
            let feed = try SOFAFeed(parsing: data)
            guard !feed.releases.isEmpty else { throw FeedFetchError(description: "SOFA feed holds no release") }
        }
    }

    private func recordSuccess(
        _ kind: FeedKind, source: FeedSource, body: Data?, digest: String?, etag: String?, lastModified: String?,
        now: Date
    ) async throws {
        try await pool.withConnection { connection in
            try connection.execute(
                """
                INSERT INTO catalog_sources (name, location, etag, last_modified, content_digest, body,
                                             last_attempt_at, last_success_at, last_error, last_error_at)
                VALUES ($1, $2, $3, $4, $5, $6::bytea, $7, $7, NULL, NULL)
                ON CONFLICT (name) DO UPDATE SET location = EXCLUDED.location, etag = EXCLUDED.etag,
                    last_modified = EXCLUDED.last_modified,
                    content_digest = COALESCE(EXCLUDED.content_digest, catalog_sources.content_digest),
                    body = COALESCE(EXCLUDED.body, catalog_sources.body),
                    last_attempt_at = EXCLUDED.last_attempt_at, last_success_at = EXCLUDED.last_success_at,
                    last_error = NULL, last_error_at = NULL
                """,
                [kind.rawValue, source.description, etag, lastModified, digest, body, now])
        }
    }

    private static func sourceRow(_ kind: FeedKind, on connection: DatabaseConnection) throws -> SourceRow {
        guard let row = try connection.query(
            "SELECT location, etag, last_modified, content_digest, last_attempt_at FROM catalog_sources WHERE name = $1",
            [kind.rawValue]
        ).first else { return SourceRow() }
        return SourceRow(
            location: try row.decodeIfPresent("location"), etag: try row.decodeIfPresent("etag"),
            lastModified: try row.decodeIfPresent("last_modified"), digest: try row.decodeIfPresent("content_digest"),
            lastAttemptAt: try row.decodeIfPresent("last_attempt_at"))
    }

    private static func storedBodies(on connection: DatabaseConnection) throws -> [FeedKind: Data] {
        var bodies: [FeedKind: Data] = [:]
        for row in try connection.query("SELECT name, body FROM catalog_sources WHERE body IS NOT NULL").rows {
            if let kind = FeedKind(rawValue: try row.decode("name")) { bodies[kind] = try row.decode("body") }
        }
        return bodies
    }
}

extension Duration {
    /// Whole and fractional seconds.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
