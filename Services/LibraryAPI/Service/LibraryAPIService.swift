// LibraryAPIService: the admin REST API's routes (items, blueprints, assignment maps, devices, catalog,
// compliance, audit log, OpenAPI) behind token auth.

import AppleFeedSnapshots
import Database
import FleetStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ManagedOSDomain
import ServiceLifecycle
import ServiceSupport

/// The admin API of `library-api`. `addRoutes(to:)` mounts everything under `/v1`, behind
/// ``TokenAuthMiddleware``, and the admin console under `/console` (``ConsoleRoutes``, HTML, signed in with
/// an admin token); `/healthz` and `/metrics` (added by `ServiceRunner`) stay unauthenticated.
///
/// The catalog is read from the database (`catalog_releases`, kept by the scheduler) on every request
/// that needs it; while that table is empty (a fresh installation before the scheduler's first refresh)
/// the bundled Apple snapshot stands in, with the database's approval policy. The fleet is always the
/// database's (`FleetLoader`).
public struct LibraryAPIService: Sendable {
    /// The database.
    public let pool: ConnectionPool
    /// The catalog used while `catalog_releases` is empty.
    public let fallbackCatalog: ReleaseCatalog
    /// The current instant (tests pin it).
    public let now: @Sendable () -> Date
    /// Caches the fleet-wide compliance summary.
    let summaryCache: ComplianceSummaryCache
    /// The OpenAPI document served at `/v1/openapi.json`.
    let openAPIDocument: Data
    /// The console's templates.
    let consoleRenderer: ConsoleRenderer
    /// Signs the console's session cookies (a random key per process).
    let consoleSessions: ConsoleSession
    /// The callers of valid API tokens, kept until a token is revoked.
    let principalCache: APIPrincipalCache
    /// Tells ``summaryCache`` when the fleet changed and ``principalCache`` when a token was revoked (nil when
    /// the summary is computed on every request; tokens are then looked up on every request too).
    let changeWatcher: CacheChangeWatcher?

    /// The workers to run beside the HTTP server: the caches' change watcher.
    public var services: [any Service] { changeWatcher.map { [$0] } ?? [] }

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - fallbackCatalog: the catalog while the database has none; nil loads `AppleFeedSnapshots.defaultCatalog()`.
    ///   - summaryMaxAge: how long a compliance summary may be served after the fleet changed, or after it was
    ///     computed while changes are not watched (0 computes it on every request).
    ///   - changeCheckInterval: how often the caches' change watcher checks when no notification arrives.
    public init(
        pool: ConnectionPool, fallbackCatalog: ReleaseCatalog? = nil, now: @escaping @Sendable () -> Date = { Date() },
        summaryMaxAge: Duration = .seconds(5), changeCheckInterval: Duration = .seconds(2),
        logger: Logger = Logger(label: "library-api")
    ) throws {
        self.pool = pool
        self.fallbackCatalog = try fallbackCatalog ?? AppleFeedSnapshots.defaultCatalog()
        self.now = now
        let summaryCache = ComplianceSummaryCache(maxAge: summaryMaxAge)
        self.summaryCache = summaryCache
        let principalCache = APIPrincipalCache()
        self.principalCache = principalCache
        self.changeWatcher =
            summaryMaxAge > .zero
            ? CacheChangeWatcher(
                pool: pool, summaryCache: summaryCache, principalCache: principalCache,
                idleInterval: changeCheckInterval, logger: logger)
            : nil
        self.openAPIDocument = try OpenAPIRoutes.document()
        self.consoleRenderer = try ConsoleRenderer()
        self.consoleSessions = ConsoleSession()
    }

    /// The fleet-wide compliance summary, through ``summaryCache`` (API and console alike).
    ///
    /// Its queries read one snapshot (a repeatable-read, read-only transaction), so the counts agree with each
    /// other and with the change mark read first, and without parallel workers: it is mostly computed in the
    /// background while requests are being served, and on two cores a parallel aggregation over the fleet
    /// starved them.
    func complianceSummary() async throws -> ComplianceSummaryCache.Entry {
        let (pool, now) = (self.pool, self.now)
        return try await summaryCache.summary {
            try await pool.withConnection { connection in
                try connection.withTransaction { connection in
                    try connection.executeScript(
                        """
                        SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;
                        SET LOCAL max_parallel_workers_per_gather = 0
                        """)
                    let mark = try ComplianceQueries.changeMark(on: connection)
                    return (try ComplianceQueries.summary(now: now(), on: connection), mark)
                }
            }
        }
    }

    /// The catalog in effect, read on `connection`: the database's, or the fallback with the database's
    /// approval policy when `catalog_releases` is empty.
    func catalog(on connection: DatabaseConnection) throws -> CatalogInEffect {
        if try CatalogStore.isEmpty(on: connection) {
            var catalog = fallbackCatalog
            catalog.approvalPolicy = try CatalogStore.approvalPolicy(on: connection)
            return CatalogInEffect(catalog: catalog, source: .bundledSnapshot)
        }
        return CatalogInEffect(catalog: try CatalogStore.load(on: connection), source: .database)
    }

    /// The catalog, items and blueprints in effect, read on `connection`, and where the catalog came from.
    func configuration(on connection: DatabaseConnection) throws -> (FleetConfiguration, CatalogInEffect.Source) {
        let inEffect = try catalog(on: connection)
        let configuration = FleetConfiguration(
            catalog: inEffect.catalog, items: try AssignmentStore.items(on: connection),
            blueprints: try AssignmentStore.blueprints(on: connection))
        return (configuration, inEffect.source)
    }

    /// Save warnings for `item` counted against every Mac that has reported its OS.
    func warnings(
        for item: ManagedOSItem, previous: ManagedOSItem?, on connection: DatabaseConnection
    ) throws
        -> [ItemSaveWarning]
    {
        ItemValidator.warnings(
            for: item, previous: previous, fleet: try FleetLoader.fleet(on: connection),
            catalog: try catalog(on: connection).catalog, now: now())
    }

    /// Adds every `/v1` route to `router`.
    public func addRoutes(to router: Router<ServiceRequestContext>) {
        let v1 = router.group("v1")
            .add(middleware: LibraryProblemMiddleware())
            .add(middleware: TokenAuthMiddleware(pool: pool, principals: principalCache))
        ItemRoutes(service: self).add(to: v1)
        PreviewRoutes(service: self).add(to: v1)
        BlueprintRoutes(pool: pool).add(to: v1)
        AssignmentMapRoutes(pool: pool).add(to: v1)
        DeviceRoutes(pool: pool).add(to: v1)
        DeviceDetailRoutes(pool: pool).add(to: v1)
        CatalogRoutes(service: self).add(to: v1)
        ComplianceRoutes(service: self).add(to: v1)
        AuditRoutes(pool: pool).add(to: v1)
        OpenAPIRoutes(document: openAPIDocument).add(to: v1)
        ConsoleRoutes(service: self, renderer: consoleRenderer, sessions: consoleSessions).add(to: router)
    }
}
