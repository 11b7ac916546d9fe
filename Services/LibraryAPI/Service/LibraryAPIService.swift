// LibraryAPIService: the admin REST API's routes (items, blueprints, devices, audit log, OpenAPI) behind token auth.

import AppleFeedSnapshots
import Database
import Foundation
import HTTPTypes
import Hummingbird
import ManagedOSDomain
import ServiceSupport

/// The admin API of `library-api`. `addRoutes(to:)` mounts everything under `/v1`, behind
/// ``TokenAuthMiddleware``; `/healthz` and `/metrics` (added by `ServiceRunner`) stay unauthenticated.
public struct LibraryAPIService: Sendable {
    /// The Macs a save warning counts, read on the save's connection.
    public typealias FleetProvider = @Sendable (DatabaseConnection) throws -> [FleetMac]

    /// The database.
    public let pool: ConnectionPool
    /// The release catalog used for save warnings (until the scheduler stores it, the bundled snapshots).
    public let catalog: ReleaseCatalog
    /// The current instant.
    public let now: @Sendable () -> Date
    /// The fleet save warnings count against.
    public let fleet: FleetProvider
    /// The OpenAPI document served at `/v1/openapi.json`.
    let openAPIDocument: Data

    /// No per-Mac OS version is stored yet (status-ingest's state table is not there), so by default
    /// warnings are counted against an empty fleet.
    public static let noFleet: FleetProvider = { _ in [] }

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - catalog: the catalog for warnings; nil loads `AppleFeedSnapshots.defaultCatalog()`.
    public init(
        pool: ConnectionPool, catalog: ReleaseCatalog? = nil, now: @escaping @Sendable () -> Date = { Date() },
        fleet: @escaping FleetProvider = LibraryAPIService.noFleet
    ) throws {
        self.pool = pool
        self.catalog = try catalog ?? AppleFeedSnapshots.defaultCatalog()
        self.now = now
        self.fleet = fleet
        self.openAPIDocument = try OpenAPIRoutes.document()
    }

    /// Adds every `/v1` route to `router`.
    public func addRoutes(to router: Router<ServiceRequestContext>) {
        let v1 = router.group("v1")
            .add(middleware: LibraryProblemMiddleware())
            .add(middleware: TokenAuthMiddleware(pool: pool))
        ItemRoutes(service: self).add(to: v1)
        BlueprintRoutes(pool: pool).add(to: v1)
        DeviceRoutes(pool: pool).add(to: v1)
        AuditRoutes(pool: pool).add(to: v1)
        OpenAPIRoutes(document: openAPIDocument).add(to: v1)
    }
}
