// DatabaseBenchmark: upsert throughput beside pgbench, batched upserts, and bus latency/throughput.

import ArgumentParser
import BenchmarkSupport
import Database
import EventBus
import Foundation
import Logging
import Synchronization

/// `managed-os-bench-db`: measures the database module and the bus against references taken in the
/// same run, prints a table, and (with `--markdown`) rewrites its section of BENCHMARKS.md.
@main
struct DatabaseBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "managed-os-bench-db", abstract: "Benchmarks the libpq layer and the event bus.")

    @Option(help: "Seconds per throughput measurement.") var seconds: Double = 8
    @Option(help: "Concurrent tasks / pgbench clients.") var clients: Int = 8
    @Option(help: "Write the results into this markdown file between bench-db markers.") var markdown: String?

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"] else {
            throw ValidationError("DATABASE_URL is not set (run through scripts/with-postgres.sh)")
        }
        let server = try DatabaseConfiguration(url: url, maximumConnections: 1)
        let name = "bench_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try DatabaseConnection.connect(server)
        try admin.executeScript("CREATE DATABASE \(try admin.quotedIdentifier(name))")
        defer { try? admin.executeScript("DROP DATABASE IF EXISTS \(try admin.quotedIdentifier(name)) WITH (FORCE)") }
        var configuration = server.with(database: name)
        configuration.maximumConnections = clients + 2
        let pool = ConnectionPool(configuration: configuration, logger: logger)
        try await MigrationRunner(pool: pool, logger: logger).applyPending()
        try await pool.withConnection {
            try $0.executeScript(
                """
                CREATE TABLE bench_devices (id bigint PRIMARY KEY, version text NOT NULL, updated_at timestamptz NOT NULL);
                INSERT INTO bench_devices SELECT g, '15.0', now() FROM generate_series(1, 100000) g;
                """)
            try $0.executeScript("VACUUM ANALYZE bench_devices")
        }

        var results: [BenchmarkResult] = []
        let moduleRate = try await singleRowUpserts(pool: pool)
        // pgbench runs a fixed number of transactions (`-t`): a child of this process inherits a signal
        // mask that blocks SIGALRM, so pgbench's `-T` timer would never fire.
        let pgbenchRate = try pgbenchUpserts(
            url: url, database: name, transactionsPerClient: max(200, Int(moduleRate * seconds) / clients))
        results.append(
            BenchmarkResult(
                name: "Single-row upserts, \(clients) concurrent tasks", figure: moduleRate, unit: "rows/s",
                reference: pgbenchRate, referenceName: "pgbench, \(clients) clients, same statement",
                target: "≥ 0.8× reference", met: moduleRate >= 0.8 * pgbenchRate))
        let batchedRate = try await batchedUpserts(pool: pool)
        results.append(
            BenchmarkResult(
                name: "Batched upserts, 50 rows per statement, \(clients) tasks", figure: batchedRate, unit: "rows/s",
                reference: pgbenchRate, referenceName: "pgbench single-row rate",
                target: "≥ 50,000 rows/s", met: batchedRate >= 50_000))
        let latency = try await busLatency(pool: pool, configuration: configuration, logger: logger)
        results.append(
            BenchmarkResult(
                name: "Bus latency commit → handler at 1,000 events/s, p50", figure: latency.p50, unit: "ms",
                reference: latency.roundTrip, referenceName: "SELECT 1 round trip (ms)",
                target: "≤ 5 ms", met: latency.p50 <= 5))
        results.append(
            BenchmarkResult(
                name: "Bus latency commit → handler at 1,000 events/s, p99", figure: latency.p99, unit: "ms",
                reference: latency.roundTrip, referenceName: "SELECT 1 round trip (ms)",
                target: "≤ 50 ms", met: latency.p99 <= 50))
        let consumerRate = try await consumerThroughput(pool: pool, logger: logger)
        results.append(
            BenchmarkResult(
                name: "Events/s one consumer handles (batches of 1,000)", figure: consumerRate, unit: "events/s",
                reference: pgbenchRate, referenceName: "pgbench single-row rate",
                target: "(none; recorded)", met: nil))
        await pool.close()

        let report = BenchmarkReport(section: "bench-db", title: "Database layer and event bus", results: results)
        print(report.markdown)
        if let markdown { try report.write(into: markdown) }
    }

    /// Random-id single-row upserts from `clients` tasks for `seconds`; rows per second.
    func singleRowUpserts(pool: ConnectionPool) async throws -> Double {
        let deadline = ContinuousClock.now + .seconds(seconds)
        let start = ContinuousClock.now
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    var count = 0
                    while ContinuousClock.now < deadline {
                        try await pool.withConnection { connection in
                            try connection.query(
                                """
                                INSERT INTO bench_devices (id, version, updated_at) VALUES ($1::bigint, $2, now())
                                ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
                                """, [Int.random(in: 1...100_000), "15.7.2"])
                        }
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(total) / start.duration(to: .now).seconds
    }

    /// The same upsert through pgbench (simple protocol, autocommit), transactions per second.
    func pgbenchUpserts(url: String, database: String, transactionsPerClient: Int) throws -> Double {
        try Pgbench.transactionsPerSecond(
            script: """
                \\set id random(1, 100000)
                INSERT INTO bench_devices (id, version, updated_at) VALUES (:id, '15.7.2', now()) ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, updated_at = EXCLUDED.updated_at;
                """,
            url: url, database: database, clients: clients, transactionsPerClient: transactionsPerClient)
    }

    /// 50-row upsert statements (unnest arrays) from `clients` tasks; rows per second.
    func batchedUpserts(pool: ConnectionPool) async throws -> Double {
        let deadline = ContinuousClock.now + .seconds(seconds)
        let start = ContinuousClock.now
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<clients {
                group.addTask {
                    var count = 0
                    var next = task * 12_500
                    while ContinuousClock.now < deadline {
                        // Distinct ids within a statement (ON CONFLICT cannot touch a row twice).
                        let ids = (0..<50).map { (next + $0) % 100_000 + 1 }
                        next += 50
                        try await pool.withConnection { connection in
                            try connection.query(
                                """
                                INSERT INTO bench_devices (id, version, updated_at)
                                SELECT id, $2, now() FROM unnest($1::bigint[]) AS id
                                ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
                                """, [ids, "15.7.3"])
                        }
                        count += 50
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(total) / start.duration(to: .now).seconds
    }

    /// Publishes 1,000 events/s for `seconds`, one per transaction, and measures commit → handler.
    func busLatency(
        pool: ConnectionPool, configuration: DatabaseConfiguration, logger: Logger
    ) async throws -> (
        p50: Double, p99: Double, roundTrip: Double
    ) {
        let committedAt = Mutex([Int64: ContinuousClock.Instant]())
        let latencies = Mutex([Double]())
        let consumer = EventConsumer(
            group: "latency", topics: ["latency"], pool: pool, batchSize: 1_000, pollInterval: .seconds(5),
            logger: logger
        ) { events, _ in
            let now = ContinuousClock.now
            let started = committedAt.withLock { map in events.compactMap { map.removeValue(forKey: $0.id) } }
            latencies.withLock { $0 += started.map { $0.duration(to: now).milliseconds } }
        }
        let publisher = try DatabaseConnection.connect(configuration)
        var roundTrips: [Double] = []
        for _ in 0..<200 {
            let start = ContinuousClock.now
            try publisher.query("SELECT 1")
            roundTrips.append(start.duration(to: .now).milliseconds)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await consumer.run() }
            try await Task.sleep(for: .milliseconds(500))
            let count = Int(seconds * 1_000)
            let start = ContinuousClock.now
            for index in 0..<count {
                let due = start + .microseconds(index * 1_000)
                if ContinuousClock.now < due { try await Task.sleep(until: due) }
                // The commit instant is recorded before the handler can possibly see the event.
                try publisher.executeScript("BEGIN")
                let id = try BusPublisher.publish(BusEventDraft(topic: "latency", entity: "e"), on: publisher)
                let beforeCommit = ContinuousClock.now
                committedAt.withLock { $0[id] = beforeCommit }
                try publisher.executeScript("COMMIT")
            }
            let deadline = ContinuousClock.now + .seconds(30)
            while latencies.withLock({ $0.count }) < count && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            group.cancelAll()
        }
        let sorted = latencies.withLock { $0 }.sorted()
        return (percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(roundTrips.sorted(), 0.5))
    }

    /// Pre-fills 100,000 events and times one consumer catching up through them.
    func consumerThroughput(pool: ConnectionPool, logger: Logger) async throws -> Double {
        let events = 100_000
        try await pool.withTransaction { connection in
            for chunk in stride(from: 0, to: events, by: 5_000) {
                try BusPublisher.publish(
                    (chunk..<chunk + 5_000).map { BusEventDraft(topic: "throughput", entity: "d\($0)") }, on: connection
                )
            }
        }
        let handled = Mutex(0)
        let consumer = EventConsumer(
            group: "throughput", topics: ["throughput"], pool: pool, batchSize: 1_000, logger: logger
        ) { batch, _ in handled.withLock { $0 += batch.count } }
        let start = ContinuousClock.now
        try await consumer.catchUp()
        return Double(handled.withLock { $0 }) / start.duration(to: .now).seconds
    }

    func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var milliseconds: Double { seconds * 1_000 }
}
