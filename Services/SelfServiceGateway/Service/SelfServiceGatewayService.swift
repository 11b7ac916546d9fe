// SelfServiceGatewayService: builds self-service-gateway's routes and its request-progress consumer.

import Database
import EventBus
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import ServiceSupport

/// self-service-gateway's parts: the `/v1/me` JSON API, the web page, the consumer that moves requests
/// from `device` and `plan` events, and the invalidator of the updates cache.
public struct SelfServiceGatewayService: Sendable {
    /// The JSON API.
    public let routes: SelfServiceRoutes
    /// The web page.
    public let page: SelfServicePageRoutes
    /// The consumer group `self-service-gateway` (a `Service`).
    public let progress: EventConsumer
    /// Keeps the replica's memory of each Mac's `GET /v1/me/updates` answer true to the `plan` and `device`
    /// events (a `Service`).
    public let invalidator: DeviceCacheInvalidator

    /// Builds the parts over `pool`; `now` is the clock (tests pass a fixed one).
    public init(
        pool: ConnectionPool, settings: SelfServiceSettings, logger: Logger,
        eventPollInterval: Duration = .seconds(5), invalidationInterval: Duration = .seconds(2),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        let limiter = MacRateLimiter(perMinute: settings.rateLimitPerMinute)
        let updatesCache = DeviceCache<CachedMacUpdates>(capacity: settings.cacheMaximumMacs)
        invalidator = DeviceCacheInvalidator(
            pool: pool, cache: updatesCache, topics: [BusTopic.plan, BusTopic.device],
            idleInterval: invalidationInterval,
            logger: logger)
        routes = SelfServiceRoutes(
            pool: pool, settings: settings, limiter: limiter,
            updatesProvider: MacUpdatesProvider(pool: pool, cache: updatesCache), now: now)
        page = SelfServicePageRoutes(pool: pool, settings: settings, limiter: limiter, now: now)
        progress = RequestProgress.consumer(pool: pool, logger: logger, pollInterval: eventPollInterval, now: now)
    }

    /// Adds the JSON API and the page to `router`.
    public func add(to router: Router<ServiceRequestContext>) {
        routes.add(to: router)
        page.add(to: router)
    }

    /// The long-running workers.
    public var services: [any Service] { [progress, invalidator] }

    /// A complete application (standard router, `/healthz`, `/metrics`, the gateway's routes and consumer), as
    /// `self-service-gateway serve` runs it; used by tests and the benchmark.
    public static func makeApplication(
        pool: ConnectionPool, settings: SelfServiceSettings = SelfServiceSettings(), logger: Logger, port: Int = 0,
        eventPollInterval: Duration = .seconds(5), now: @escaping @Sendable () -> Date = { Date() },
        http: HTTPServerSettings = HTTPServerSettings(), connectionLimiter: HTTPConnectionLimiter? = nil,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let service = SelfServiceGatewayService(
            pool: pool, settings: settings, logger: logger, eventPollInterval: eventPollInterval, now: now)
        let router = ServiceRunner.makeRouter(health: HealthRoutes(database: pool))
        service.add(to: router)
        return Application(
            router: router, server: http.serverBuilder(limiter: connectionLimiter),
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            services: service.services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
