// SchedulerLeader: the scheduler's main loop — become the active scheduler, then on every bus wake-up and
// timer tick run one cycle (feeds, events, due plans, evaluation) until leadership is lost or shutdown.

import Database
import Logging
import Metrics
import ServiceLifecycle

/// Runs `SchedulerCycle` only while holding the leadership lock; standbys retry every `retryInterval`.
public struct SchedulerLeader: Service {
    private let pool: ConnectionPool
    private let cycle: SchedulerCycle
    private let tickInterval: Duration
    private let retryInterval: Duration
    private let logger: Logger

    public init(pool: ConnectionPool, cycle: SchedulerCycle, tickInterval: Duration, retryInterval: Duration, logger: Logger) {
        self.pool = pool
        self.cycle = cycle
        self.tickInterval = tickInterval
        self.retryInterval = retryInterval
        self.logger = logger
    }

    public func run() async throws {
        let leading = Gauge(label: "scheduler_is_active")
        leading.record(0)
        try await cancelWhenGracefulShutdown {
            var announcedStandby = false
            while !Task.isCancelled {
                let lock = LeadershipLock(configuration: pool.configuration)
                if await lock.tryAcquire() {
                    announcedStandby = false
                    leading.record(1)
                    logger.info("active scheduler")
                    do {
                        try await lead(lock)
                    } catch {
                        if Task.isCancelled { break }
                        logger.error("scheduler cycle failed; giving up leadership", metadata: ["error": "\(error)"])
                    }
                    leading.record(0)
                    await lock.release()
                } else if !announcedStandby {
                    announcedStandby = true
                    logger.info("standby: another scheduler is active")
                }
                try? await Task.sleep(for: retryInterval)
            }
        }
    }

    private func lead(_ lock: LeadershipLock) async throws {
        let listener = NotificationListener(
            configuration: pool.configuration, channels: SchedulerCycle.topics, idleInterval: tickInterval,
            logger: logger)
        try await cycle.run()
        for try await _ in listener {
            guard await lock.isHeld() else {
                logger.warning("lost the leadership lock")
                return
            }
            try await cycle.run()
        }
    }
}
