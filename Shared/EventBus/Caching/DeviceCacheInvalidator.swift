// DeviceCacheInvalidator: every replica reads every event of its topics and drops the Macs they name.

import Database
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps one replica's ``DeviceCache`` true to the database. Not a consumer group (each replica must
/// see every event): it LISTENs on its topics' channels (for example `plan` and `device`, whose events name a
/// Mac) and reads `bus_events` after the last id it saw, on every wake-up, every (re)connect and every idle
/// interval. It starts from the newest event
/// with an empty cache; if events it has not read were pruned (it lagged behind `EventPruner`), or reading
/// fails, it empties the cache and keeps nothing until it has caught up again.
public struct DeviceCacheInvalidator: Service {
    let pool: ConnectionPool
    let cache: any DeviceInvalidatable
    let topics: [String]
    let idleInterval: Duration
    let logger: Logger
    private let progress = CaughtUpPosition()

    /// The newest bus event id the cache has caught up with; nil while it keeps nothing (before the first
    /// catch-up, after a failed one). Tests wait on it instead of sleeping.
    public var caughtUpTo: Int64? { progress.value.withLock { $0 } }

    /// Creates the invalidator of `cache` for the events of `topics` (each event's entity is a device id).
    public init(
        pool: ConnectionPool, cache: any DeviceInvalidatable, topics: [String], idleInterval: Duration = .seconds(2),
        logger: Logger
    ) {
        self.pool = pool
        self.cache = cache
        self.topics = topics
        self.idleInterval = idleInterval
        self.logger = logger
    }

    public func run() async throws {
        let listener = NotificationListener(
            configuration: pool.configuration, channels: topics, idleInterval: idleInterval,
            logger: logger)
        try? await cancelWhenGracefulShutdown {
            var cursor: Int64?
            for try await _ in listener {
                do {
                    cursor = try await catchUp(from: cursor)
                    progress.value.withLock { $0 = cursor }
                } catch {
                    cache.invalidateAll(live: false)
                    cursor = nil
                    progress.value.withLock { $0 = nil }
                    logger.warning("device cache catch-up failed", metadata: ["error.message": "\(error)"])
                }
            }
        }
        cache.invalidateAll(live: false)
        progress.value.withLock { $0 = nil }
    }

    /// Reads the events after `cursor` and invalidates their Macs; from nil, starts at the newest event
    /// with an empty cache. Returns the new cursor.
    func catchUp(from cursor: Int64?) async throws -> Int64 {
        guard let cursor else {
            let newest: Int64 = try await pool.withConnection {
                try $0.query("SELECT coalesce(max(id), 0) AS id FROM bus_events").first?.decode("id") ?? 0
            }
            cache.invalidateAll(live: true)
            return newest
        }
        var position = cursor
        while true {
            let from = position
            let batch = try await pool.withConnection { connection in
                // Ids follow commit order, so every id up to the newest one seen here is committed (or never
                // will be) and the cursor may move to it even when no event of ours lies in between.
                let bounds = try connection.query(
                    """
                    SELECT min(id) AS oldest, max(id) AS newest,
                           (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM bus_events_id_seq) AS issued
                    FROM bus_events
                    """
                ).first
                let oldest: Int64? = try bounds?.decodeIfPresent("oldest")
                let newest: Int64? = try bounds?.decodeIfPresent("newest")
                let issued: Int64 = try bounds?.decodeIfPresent("issued") ?? 0
                let rows = try connection.query(
                    """
                    SELECT id, entity FROM bus_events
                    WHERE id > $1 AND id <= $2 AND topic = ANY($3::text[]) ORDER BY id LIMIT 5000
                    """, [from, newest ?? from, topics]
                ).rows.map { (try $0.decode("id", as: Int64.self), try $0.decode("entity", as: String.self)) }
                return InvalidationBatch(events: rows, oldest: oldest, newest: newest, issued: issued)
            }
            // Events after the cursor deleted unseen (the pruner ran while this replica lagged): forget everything.
            if batch.oldest.map({ $0 > from + 1 }) ?? (batch.issued > from) {
                cache.invalidateAll(live: true)
            } else if !batch.events.isEmpty {
                cache.invalidate(deviceIDs: batch.events.compactMap { UUID(uuidString: $0.1) })
            }
            if batch.events.count == 5000, let last = batch.events.last {
                position = last.0
                continue
            }
            return max(from, batch.newest ?? batch.issued)
        }
    }
}

/// What one catch-up read: the events of interest and the bounds of the bus table.
struct InvalidationBatch: Sendable {
    var events: [(Int64, String)]
    var oldest: Int64?
    var newest: Int64?
    var issued: Int64
}

/// Where one invalidator has got to, shared by its copies.
final class CaughtUpPosition: Sendable {
    let value = Mutex<Int64?>(nil)
}
