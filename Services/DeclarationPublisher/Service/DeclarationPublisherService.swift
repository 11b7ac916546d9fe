// DeclarationPublisherService: builds declaration-publisher's routes and workers from the shared resources.

import Database
import EventBus
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import ServiceSupport

/// declaration-publisher's parts: the per-replica cache and its invalidator, the DDM routes over them, the
/// outbox delivery, and the MDM server's webhook (command results).
public struct DeclarationPublisherService: Sendable {
    /// The replica's cache of each Mac's answers.
    public let cache: DeviceCache<CachedDeclarationSet>
    /// Keeps the cache true to the `plan` and `device` events (a `Service`).
    public let invalidator: DeviceCacheInvalidator
    /// Delivers outbox commands (a `Service`).
    public let delivery: CommandDeliveryService
    /// The DDM routes.
    public let routes: DDMRoutes
    /// `POST /webhook`: the MDM server's command results.
    public let webhook: MDMWebhookRoutes

    /// Builds the parts over `pool`.
    public init(
        pool: ConnectionPool, settings: DeclarationPublisherSettings, logger: Logger,
        invalidationInterval: Duration = .seconds(2)
    ) {
        cache = DeviceCache(capacity: settings.cacheMaximumMacs)
        invalidator = DeviceCacheInvalidator(
            pool: pool, cache: cache, topics: [BusTopic.plan, BusTopic.device], idleInterval: invalidationInterval,
            logger: logger)
        delivery = CommandDeliveryService(pool: pool, settings: settings, logger: logger)
        routes = DDMRoutes(
            provider: DeclarationSetProvider(pool: pool, cache: cache),
            verifier: settings.hmacKey.map { DDMSignatureVerifier(key: $0) })
        webhook = MDMWebhookRoutes(
            recorder: CommandResultRecorder(pool: pool),
            verifier: settings.webhookHMACKey.map { DDMSignatureVerifier(key: $0) })
    }

    /// Adds the DDM routes and the webhook to `router`.
    public func addRoutes(to router: Router<ServiceRequestContext>) {
        routes.add(to: router)
        webhook.add(to: router)
    }

    /// The long-running workers.
    public var services: [any Service] { [invalidator, delivery] }

    /// A complete application (standard router, `/healthz`, `/metrics`, DDM routes, workers), as
    /// `declaration-publisher serve` runs it; used by tests and the benchmark.
    public static func makeApplication(
        pool: ConnectionPool, settings: DeclarationPublisherSettings, logger: Logger, port: Int = 0,
        invalidationInterval: Duration = .seconds(2),
        http: HTTPServerSettings = HTTPServerSettings(), connectionLimiter: HTTPConnectionLimiter? = nil,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> (service: DeclarationPublisherService, application: some ApplicationProtocol) {
        let service = DeclarationPublisherService(
            pool: pool, settings: settings, logger: logger, invalidationInterval: invalidationInterval)
        let router = ServiceRunner.makeRouter(health: HealthRoutes(database: pool))
        service.addRoutes(to: router)
        let application = Application(
            router: router, server: http.serverBuilder(limiter: connectionLimiter),
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            services: service.services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
        return (service, application)
    }
}
