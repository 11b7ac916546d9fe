// CacheChangeWatcher: tells library-api's caches the newest change event id and revocation mark, so an unchanged
// fleet's summary is never recomputed and a valid token is not looked up on every request.

import Database
import EventBus
import Logging
import ServiceLifecycle

/// LISTENs on the topics whose events announce a change to what the compliance summary counts
/// (``ComplianceQueries/changeTopics``) and on token revocations (``BusTopic/token``). On every wake-up, every
/// (re)connect and every idle interval it reads the newest change event id (a few backward index steps) and
/// the revocation mark (``TokenStore/revocationMark(on:)``) and hands them to ``ComplianceSummaryCache`` and
/// ``APIPrincipalCache``. Not a consumer group: every replica
/// keeps its own caches. If reading fails, or when it stops, the summary falls back to its age limit and
/// callers are looked up on every request again.
struct CacheChangeWatcher: Service {
    let pool: ConnectionPool
    let summaryCache: ComplianceSummaryCache
    let principalCache: APIPrincipalCache
    let idleInterval: Duration
    let logger: Logger

    func run() async throws {
        let listener = NotificationListener(
            configuration: pool.configuration, channels: ComplianceQueries.changeTopics + [BusTopic.token],
            idleInterval: idleInterval, logger: logger)
        try? await cancelWhenGracefulShutdown {
            for try await _ in listener {
                do {
                    let (changes, revocations) = try await pool.withConnection {
                        (try ComplianceQueries.changeMark(on: $0), try TokenStore.revocationMark(on: $0))
                    }
                    principalCache.noteRevocations(upTo: revocations)
                    await summaryCache.noteChanges(upTo: changes)
                } catch {
                    principalCache.noteRevocations(upTo: nil)
                    await summaryCache.noteChanges(upTo: nil)
                    logger.warning("cache change check failed", metadata: ["error.message": "\(error)"])
                }
            }
        }
        principalCache.noteRevocations(upTo: nil)
        await summaryCache.noteChanges(upTo: nil)
    }
}
