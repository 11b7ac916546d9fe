// ServiceRunner: wires configuration, logging, metrics, the database pool and the HTTP server of one executable.

import ArgumentParser
import Database
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// Runs one Managed OS executable. An executable's `serve` command is
///
/// ```swift
/// try await ServiceRunner(.libraryAPI).serve { router, resources in /* routes */ }
/// ```
///
/// and its `migrate` command `try await ServiceRunner(.libraryAPI).migrate()`.
///
/// `serve` builds one `ServiceGroup` that stops gracefully on SIGTERM or SIGINT: the connection pool first,
/// then (once the schema is verified to be up to date) the HTTP server and any extra services. Shutdown runs
/// in reverse order, so the pool closes last.
public struct ServiceRunner: Sendable {
    /// The validated settings.
    public let configuration: ServiceConfiguration
    /// The process's one logger (label: the executable's name; level: `LOG_LEVEL`).
    public let logger: Logger

    /// How long graceful shutdown may take before the remaining services are cancelled; keeps the exit
    /// after SIGTERM well within the 5 s an orchestrator waits.
    public static let maximumGracefulShutdownDuration: Duration = .seconds(3)
    /// How long cancelled services get to finish after a graceful shutdown timed out.
    public static let maximumCancellationDuration: Duration = .seconds(1)
    /// Exit status for invalid configuration (`EX_CONFIG` from `sysexits.h`).
    public static let configurationErrorExitCode = ExitCode(78)

    /// Sets up logging and reads the configuration of `service`.
    ///
    /// - Throws: `ExitCode` 78 after logging one line listing every configuration problem.
    public init(_ service: ServiceDescriptor, environment: ServiceEnvironment = .process) throws {
        let logger = ServiceLogging.makeLogger(
            service: service, level: ServiceConfiguration.logLevel(from: environment))
        do {
            self.configuration = try ServiceConfiguration(service: service, environment: environment)
        } catch {
            logger.critical(
                "invalid configuration",
                metadata: ["config.problems": .string(error.problems.map(\.description).joined(separator: "; "))])
            throw Self.configurationErrorExitCode
        }
        self.logger = logger
    }

    /// Serves HTTP until SIGTERM or SIGINT.
    ///
    /// - Parameters:
    ///   - routes: adds the service's routes; the router already has the standard middleware (request id,
    ///     request log, metrics, error rendering, body limit) and `/healthz` and `/metrics`.
    ///   - services: long-running workers started with the HTTP server (after the schema check).
    /// - Throws: `ExitCode.failure` after logging why, when a start-up check fails or a service fails.
    public func serve(
        routes: (Router<ServiceRequestContext>, ServiceResources) throws -> Void = { _, _ in },
        services: (ServiceResources) throws -> [any Service] = { _ in [] }
    ) async throws {
        let service = configuration.service
        MetricsBootstrap.bootstrap(service: service)
        let pool = ConnectionPool(configuration: configuration.database, logger: logger)
        let resources = ServiceResources(configuration: configuration, logger: logger, pool: pool)

        let router = Self.makeRouter(health: HealthRoutes(database: pool))
        try routes(router, resources)
        let application = Application(
            router: router, server: configuration.http.serverBuilder(),
            configuration: .init(address: .hostname(configuration.httpHost, port: configuration.httpPort)),
            logger: logger)
        let workers = try services(resources)

        let logger = self.logger
        let gated = GatedServiceGroup(
            name: "\(service.name) HTTP server and workers",
            gate: { try await Self.verifySchema(pool: pool, service: service, logger: logger) },
            services: [.init(service: application, serviceName: "HTTP server")]
                + workers.map { .init(service: $0) },
            logger: logger)
        try await run(
            [
                .init(service: pool, serviceName: "database pool"),
                .init(service: gated, successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "service"),
            ],
            starting: "service starting", stopped: "service stopped", metadata: configuration.logMetadata)
    }

    /// Applies pending migrations (see `MigrationRunner`), logs their names and returns.
    ///
    /// A one-shot command: the pool is used without its background service and closed at the end. Each
    /// migration runs in its own transaction, so a `migrate` killed half-way leaves no partial file applied.
    /// - Throws: `ExitCode.failure` after logging why, when a migration fails.
    /// Runs a one-off command body with a connection pool to the configured database, closing it after.
    public func withPool<T: Sendable>(_ body: (ConnectionPool) async throws -> T) async throws -> T {
        let pool = ConnectionPool(configuration: configuration.database, logger: logger)
        do {
            let value = try await body(pool)
            await pool.close()
            return value
        } catch {
            await pool.close()
            throw error
        }
    }

    public func migrate() async throws {
        logger.info(
            "migration starting",
            metadata: [
                "service.name": .string(configuration.service.name),
                "db.url": .string(configuration.redactedDatabaseURL),
            ])
        let pool = ConnectionPool(configuration: configuration.database, logger: logger)
        let clock = ContinuousClock()
        let start = clock.now
        let applied: [String]
        do {
            applied = try await MigrationRunner(pool: pool, logger: logger).applyPending()
        } catch {
            await pool.close()
            logger.critical(
                "migration failed",
                metadata: [
                    "error.type": .string(String(reflecting: type(of: error))),
                    "error.message": .string(String(describing: error)),
                ])
            throw ExitCode.failure
        }
        await pool.close()
        logger.info(
            "migrations applied",
            metadata: [
                "db.migrations.count": .stringConvertible(applied.count),
                "db.migrations.applied": .array(applied.map { .string($0) }),
                "db.duration": .stringConvertible((clock.now - start).seconds),
            ])
    }

    /// The router every service starts from: standard middleware, then `/healthz` and `/metrics`.
    /// Routes added afterwards get the same middleware.
    public static func makeRouter(health: HealthRoutes) -> Router<ServiceRequestContext> {
        let router = Router(context: ServiceRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: RequestLoggingMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ErrorRenderingMiddleware())
        router.add(middleware: RequestBodyLimitMiddleware())
        health.add(to: router)
        return router
    }

    /// Refuses to start on a schema that is behind this build or whose applied migrations were edited.
    static func verifySchema(pool: ConnectionPool, service: ServiceDescriptor, logger: Logger) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try await MigrationRunner(pool: pool, logger: logger).verifyUpToDate()
        } catch let error as MigrationError {
            throw StartupError(
                check: "database schema", reason: String(describing: error),
                remedy: "run `\(service.name) migrate` to apply pending migrations")
        } catch {
            throw StartupError(
                check: "database", reason: String(describing: error),
                remedy: "check that PostgreSQL is reachable at DATABASE_URL and the credentials are right")
        }
        logger.info(
            "database schema is up to date", metadata: ["db.duration": .stringConvertible((clock.now - start).seconds)])
    }

    private func run(
        _ services: [ServiceGroupConfiguration.ServiceConfiguration], starting: Logger.Message, stopped: Logger.Message,
        metadata: Logger.Metadata
    ) async throws {
        var groupConfiguration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = Self.maximumGracefulShutdownDuration
        groupConfiguration.maximumCancellationDuration = Self.maximumCancellationDuration
        logger.info(starting, metadata: metadata)
        do {
            try await ServiceGroup(configuration: groupConfiguration).run()
        } catch let error as StartupError {
            logger.critical(
                "refusing to start",
                metadata: [
                    "startup.check": .string(error.check), "error.message": .string(error.reason),
                    "startup.remedy": .string(error.remedy),
                ])
            throw ExitCode.failure
        } catch {
            logger.critical(
                "stopped on error",
                metadata: [
                    "error.type": .string(String(reflecting: type(of: error))),
                    "error.message": .string(String(describing: error)),
                ])
            throw ExitCode.failure
        }
        logger.info(stopped)
    }
}
