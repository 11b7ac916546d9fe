// ComplianceSummaryWatcher: tells the compliance summary cache the newest change event id, so an unchanged
// fleet's summary is never recomputed.

import Database
import EventBus
import Logging
import ServiceLifecycle

/// LISTENs on the topics whose events announce a change to what the summary counts
/// (``ComplianceQueries/changeTopics``) and, on every wake-up, every (re)connect and every idle interval,
/// reads the newest such event id and hands it to the cache. Not a consumer group: every replica keeps its own
/// cache. If reading fails, or when it stops, the cache falls back to its age limit.
struct ComplianceSummaryWatcher: Service {
    let pool: ConnectionPool
    let cache: ComplianceSummaryCache
    let idleInterval: Duration
    let logger: Logger

    func run() async throws {
        let listener = NotificationListener(
            configuration: pool.configuration, channels: ComplianceQueries.changeTopics, idleInterval: idleInterval,
            logger: logger)
        try? await cancelWhenGracefulShutdown {
            for try await _ in listener {
                do {
                    let mark = try await pool.withConnection { try ComplianceQueries.changeMark(on: $0) }
                    await cache.noteChanges(upTo: mark)
                } catch {
                    await cache.noteChanges(upTo: nil)
                    logger.warning(
                        "compliance summary change check failed", metadata: ["error.message": "\(error)"])
                }
            }
        }
        await cache.noteChanges(upTo: nil)
    }
}
