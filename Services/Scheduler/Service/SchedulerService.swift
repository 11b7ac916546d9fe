// SchedulerService: builds the scheduler's parts (feeds, evaluation, leadership) from the shared resources.

import Database
import Logging
import ServiceLifecycle

/// The scheduler's parts. `services` is what `scheduler serve` runs beside the HTTP server.
public struct SchedulerService: Sendable {
    /// Keeps the catalog current.
    public let refresher: CatalogRefresher
    /// Evaluates queued Macs.
    public let materializer: PlanMaterializer
    /// One pass of the work (tests drive it directly with a manual clock).
    public let cycle: SchedulerCycle
    /// The leadership loop.
    public let leader: SchedulerLeader

    public init(pool: ConnectionPool, settings: SchedulerSettings, clock: any SchedulerClock, logger: Logger) {
        refresher = CatalogRefresher(
            pool: pool, gdmf: settings.gdmfSource, sofa: settings.sofaSource, interval: settings.refreshInterval,
            logger: logger)
        materializer = PlanMaterializer(
            pool: pool, batchSize: settings.batchSize, stalenessDays: settings.stalenessDays, logger: logger)
        cycle = SchedulerCycle(pool: pool, clock: clock, refresher: refresher, materializer: materializer, logger: logger)
        leader = SchedulerLeader(
            pool: pool, cycle: cycle, tickInterval: settings.tickInterval, retryInterval: settings.lockRetryInterval,
            logger: logger)
    }

    /// The long-running workers.
    public var services: [any Service] { [leader] }
}
