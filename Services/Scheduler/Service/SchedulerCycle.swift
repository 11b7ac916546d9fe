// SchedulerCycle: one pass of the active scheduler — refresh due feeds, queue Macs from bus events and
// from due plans, evaluate everything queued, then (hourly) delete plan shapes no plan names.

import Database
import EventBus
import Foundation
import Logging

/// The work of one wake-up. Idempotent: running it again with nothing new does nothing.
public struct SchedulerCycle: Sendable {
    /// What one cycle did.
    public struct Report: Sendable, Equatable {
        public var catalog: CatalogRefresher.Report
        public var eventsHandled: Int
        public var macsDue: Int
        public var evaluation: PlanMaterializer.Report
        /// Plan shapes no plan named any more, deleted (at most once an hour).
        public var shapesDeleted: Int
    }

    /// Topics that wake the scheduler.
    public static let topics = EvaluationIntake.topics

    private let pool: ConnectionPool
    private let clock: any SchedulerClock
    private let refresher: CatalogRefresher
    private let materializer: PlanMaterializer
    private let consumer: EventConsumer
    private let shapePruning = PlanShapePruning(interval: .seconds(3600))

    public init(
        pool: ConnectionPool, clock: any SchedulerClock, refresher: CatalogRefresher, materializer: PlanMaterializer,
        logger: Logger
    ) {
        self.pool = pool
        self.clock = clock
        self.refresher = refresher
        self.materializer = materializer
        self.consumer = EventConsumer(
            group: EvaluationIntake.group, topics: EvaluationIntake.topics, pool: pool, batchSize: 1000, logger: logger,
            handler: EvaluationIntake.handle)
    }

    /// Runs one cycle at the clock's current instant.
    @discardableResult
    public func run() async throws -> Report {
        let now = clock.now()
        let catalog = try await refresher.refresh(now: now)
        let events = try await consumer.catchUp()
        let due = try await pool.withConnection { try EvaluationIntake.queueDue(now: now, on: $0) }
        let evaluation = try await materializer.drain(now: now)
        // After the drain: no plan of this (the only active) scheduler is being written.
        let shapesDeleted = try await shapePruning.runIfDue(now: now, pool: pool)
        return Report(
            catalog: catalog, eventsHandled: events, macsDue: due, evaluation: evaluation, shapesDeleted: shapesDeleted)
    }
}
