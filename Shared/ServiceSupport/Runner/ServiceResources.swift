// ServiceResources: what a service's routes and workers are built from.

import Database
import Logging

/// Handed to a service's route and worker builders by ``ServiceRunner``.
public struct ServiceResources: Sendable {
    /// The validated settings.
    public let configuration: ServiceConfiguration
    /// The process's logger.
    public let logger: Logger
    /// The PostgreSQL pool (already part of the service group; do not run it again).
    public let pool: ConnectionPool

    /// Bundles the resources.
    public init(configuration: ServiceConfiguration, logger: Logger, pool: ConnectionPool) {
        self.configuration = configuration
        self.logger = logger
        self.pool = pool
    }
}
