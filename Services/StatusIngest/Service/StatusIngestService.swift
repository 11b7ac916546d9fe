// StatusIngestService: builds status-ingest's routes and workers from the shared service resources.

import Database
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import ServiceSupport

/// status-ingest's parts: the batching writer, the routes over it and the retention pruner.
public struct StatusIngestService: Sendable {
    /// The group-commit writer (a `Service`: run it with the HTTP server).
    public let writer: StatusBatchWriter
    /// The retention pruner (a `Service`).
    public let pruner: StatusRetentionPruner
    /// The routes.
    public let routes: StatusRoutes

    /// Builds the parts over `pool`.
    public init(pool: ConnectionPool, settings: StatusIngestSettings, logger: Logger) {
        writer = StatusBatchWriter(
            pool: pool, store: StatusStore(autoRegister: settings.autoRegister), window: settings.batchWindow,
            maximumBatchSize: settings.maximumBatchSize, writers: settings.batchWriters, logger: logger)
        pruner = StatusRetentionPruner(pool: pool, settings: settings, logger: logger)
        routes = StatusRoutes(writer: writer, verifier: settings.hmacKey.map { StatusSignatureVerifier(key: $0) })
    }

    /// The long-running workers.
    public var services: [any Service] { [writer, pruner] }

    /// A complete application (standard router, `/healthz`, `/metrics`, status routes, workers), as
    /// `status-ingest serve` runs it; used by tests and the benchmark.
    public static func makeApplication(
        pool: ConnectionPool, settings: StatusIngestSettings, logger: Logger, port: Int = 0,
        http: HTTPServerSettings = HTTPServerSettings(), connectionLimiter: HTTPConnectionLimiter? = nil,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let service = StatusIngestService(pool: pool, settings: settings, logger: logger)
        let router = ServiceRunner.makeRouter(health: HealthRoutes(database: pool))
        service.routes.add(to: router)
        return Application(
            router: router, server: http.serverBuilder(limiter: connectionLimiter),
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            services: service.services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
