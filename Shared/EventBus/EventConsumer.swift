// EventConsumer: a durable consumer group — wake on NOTIFY or poll, read after the cursor, handle, advance.

import Database
import Logging
import Metrics
import ServiceLifecycle

/// A consumer group reading events of some topics in id order, exactly once per group.
///
/// The cursor lives in `bus_cursors` and advances in the same transaction as the handler's work, so a
/// crash never loses or repeats a handled batch. Wake-ups come from a `NotificationListener`
/// (NOTIFY), after every (re)connect, and from a slow polling fallback; bursts coalesce into batches.
/// Several replicas of one group serialise on the cursor row (`FOR UPDATE`).
public struct EventConsumer: Service {
    /// Handles a batch inside the consumer's transaction (runs on a database thread).
    public typealias Handler = @Sendable ([BusEvent], DatabaseConnection) throws -> Void

    /// The consumer group; each group sees every event once.
    public let group: String
    /// The topics this group reads.
    public let topics: [String]
    private let pool: ConnectionPool
    private let batchSize: Int
    private let pollInterval: Duration
    private let logger: Logger
    private let handler: Handler
    private let batches: Counter
    private let handled: Counter

    public init(
        group: String, topics: [String], pool: ConnectionPool, batchSize: Int = 500,
        pollInterval: Duration = .seconds(5), logger: Logger, handler: @escaping Handler
    ) {
        self.group = group
        self.topics = topics
        self.pool = pool
        self.batchSize = batchSize
        self.pollInterval = pollInterval
        self.logger = logger
        self.handler = handler
        self.batches = Counter(label: "bus_consumer_batches_total", dimensions: [("group", group)])
        self.handled = Counter(label: "bus_consumer_events_total", dimensions: [("group", group)])
    }

    /// Listens and handles events until graceful shutdown or cancellation.
    public func run() async throws {
        let listener = NotificationListener(
            configuration: pool.configuration, channels: topics, idleInterval: pollInterval, logger: logger)
        try await cancelWhenGracefulShutdown {
            for try await _ in listener {
                await catchUpLoggingErrors()
            }
        }
    }

    /// Handles every event after the cursor, batch by batch, until none is left. Returns how many.
    @discardableResult
    public func catchUp() async throws -> Int {
        var total = 0
        while true {
            let count = try await handleOneBatch()
            total += count
            if count < batchSize { return total }
        }
    }

    private func catchUpLoggingErrors() async {
        do {
            try await catchUp()
        } catch {
            logger.error("Event handling failed; will retry", metadata: ["bus.group": "\(group)", "error": "\(error)"])
            try? await Task.sleep(for: .milliseconds(500))
        }
    }

    private func handleOneBatch() async throws -> Int {
        let group = self.group
        let topics = self.topics
        let batchSize = self.batchSize
        let handler = self.handler
        let count = try await pool.withTransaction { connection -> Int in
            try connection.query(
                "INSERT INTO bus_cursors (consumer_group) VALUES ($1) ON CONFLICT (consumer_group) DO NOTHING", [group])
            let cursor = try connection.query(
                "SELECT last_event_id FROM bus_cursors WHERE consumer_group = $1 FOR UPDATE", [group]
            ).first!.decode("last_event_id", as: Int64.self)
            // One statement, one snapshot: the batch and the newest id overall.
            let result = try connection.query(
                """
                SELECT e.id, e.topic, e.entity, e.payload::text AS payload, e.published_at,
                       (SELECT max(id) FROM bus_events) AS head
                FROM (SELECT 1) AS one
                LEFT JOIN LATERAL (
                    SELECT id, topic, entity, payload, published_at FROM bus_events
                    WHERE id > $1::bigint AND topic = ANY($2::text[])
                    ORDER BY id LIMIT $3::integer
                ) AS e ON true
                ORDER BY e.id
                """,
                [cursor, topics, batchSize])
            let events = try result.rows.compactMap { row -> BusEvent? in
                guard let id = try row.decodeIfPresent("id", as: Int64.self) else { return nil }
                return BusEvent(
                    id: id, topic: try row.decode("topic"), entity: try row.decode("entity"),
                    payload: try row.decode("payload"), publishedAt: try row.decode("published_at"))
            }
            if !events.isEmpty { try handler(events, connection) }
            // A short batch means this snapshot holds nothing more for the group up to `head`; since ids
            // follow commit order, nothing can appear below it later, so the cursor moves past other
            // topics' events too (and they can be pruned).
            var newCursor = events.last?.id ?? cursor
            if events.count < batchSize, let head = try result.first?.decodeIfPresent("head", as: Int64.self) {
                newCursor = max(newCursor, head)
            }
            if newCursor > cursor {
                try connection.query(
                    "UPDATE bus_cursors SET last_event_id = $2::bigint, updated_at = now() WHERE consumer_group = $1",
                    [group, newCursor])
            }
            return events.count
        }
        if count > 0 {
            batches.increment()
            handled.increment(by: count)
        }
        return count
    }
}
