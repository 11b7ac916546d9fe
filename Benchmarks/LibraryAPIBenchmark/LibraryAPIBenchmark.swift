// LibraryAPIBenchmark: library-api's compliance summary, paged per-Mac rows and item preview over 100,000
// Macs with status and plans, each beside /healthz measured in the same run.

import AppleFeedSnapshots
import ArgumentParser
import BenchmarkSupport
import Database
import EventBus
import FleetStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LibraryAPIService
import Logging
import ManagedOSDomain
import NIOCore
import ServiceLifecycle
import ServiceSupport

/// `managed-os-bench-library-api`: registers `macs` Macs (real board IDs from the bundled catalog, majors
/// 15 and 26, ten blueprints, three items) with status rows (bulk SQL) and plans (the domain evaluator
/// and `PlanStore`), serves library-api on a local port and drives it with `clients` HTTP connections (wrk;
/// in-process clients for the summary computed on every request).
@main
struct LibraryAPIBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "managed-os-bench-library-api", abstract: "Benchmarks library-api's compliance views and preview.")

    @Option(help: "Seconds per latency measurement.") var seconds: Double = 10
    @Option(help: "Concurrent HTTP connections.") var clients: Int = 16
    @Option(help: "Registered Macs.") var macs: Int = 100_000
    @Option(help: "Preview runs (the slowest is reported).") var previews: Int = 3
    @Option(help: "Write the results into this markdown file between bench-library-api markers.")
    var markdown: String?

    /// 2026-08-25 12:00 UTC: inside the bundled snapshot's validity (every release expires on 2026-11-20).
    static let now = Date(timeIntervalSince1970: 1_787_659_200)

    func run() async throws {
        ServiceLogging.bootstrap()  // the executables' log backend
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"] else {
            throw ValidationError("DATABASE_URL is not set (run through scripts/with-postgres.sh)")
        }
        let server = try DatabaseConfiguration(url: url, maximumConnections: 1)
        let name = "bench_library_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try DatabaseConnection.connect(server)
        try admin.executeScript("CREATE DATABASE \(try admin.quotedIdentifier(name))")
        defer { try? admin.executeScript("DROP DATABASE IF EXISTS \(try admin.quotedIdentifier(name)) WITH (FORCE)") }
        var configuration = server.with(database: name)
        configuration.maximumConnections = 8  // DATABASE_POOL_SIZE's default, as deployed
        let pool = ConnectionPool(configuration: configuration, logger: logger)
        try await MigrationRunner(pool: pool, logger: logger).applyPending()

        let catalog = try AppleFeedSnapshots.defaultCatalog()
        let setupStart = ContinuousClock.now
        let fixture = try await Fixture.make(macs: macs, catalog: catalog, now: Self.now, pool: pool)
        print("set up \(macs) Macs with status and plans in \(setupStart.duration(to: .now))")

        let cached = try LibraryAPIService(pool: pool, fallbackCatalog: catalog, now: { Self.now })
        let uncached = try LibraryAPIService(
            pool: pool, fallbackCatalog: catalog, now: { Self.now }, summaryMaxAge: .zero)
        let (ports, portContinuation) = AsyncStream.makeStream(of: (Int, Bool).self)
        func application(_ service: LibraryAPIService, cached: Bool) -> some ApplicationProtocol {
            let router = ServiceRunner.makeRouter(health: HealthRoutes(database: pool))
            service.addRoutes(to: router)
            return Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { channel in portContinuation.yield((channel.localAddress?.port ?? 0, cached)) },
                logger: logger)
        }
        let cachedApp = application(cached, cached: true)
        let uncachedApp = application(uncached, cached: false)
        let figures = try await withThrowingTaskGroup(of: Figures?.self) { group in
            group.addTask {
                try await cachedApp.runService()
                return nil
            }
            for worker in cached.services {  // the caches' change watcher
                group.addTask {
                    try await worker.run()
                    return nil
                }
            }
            group.addTask {
                try await uncachedApp.runService()
                return nil
            }
            group.addTask {
                var found: [Bool: Int] = [:]
                for await (port, isCached) in ports {
                    found[isCached] = port
                    if let cachedPort = found[true], let uncachedPort = found[false] {
                        return try await measure(
                            cachedPort: cachedPort, uncachedPort: uncachedPort, fixture: fixture, pool: pool)
                    }
                }
                return nil
            }
            var figures: Figures?
            while let next = try await group.next() {
                if let next {
                    figures = next
                    group.cancelAll()
                }
            }
            return figures
        }
        await pool.close()
        guard let figures else { throw ValidationError("the measurement did not finish") }
        let results = self.results(figures)
        let report = BenchmarkReport(
            section: "bench-library-api", title: "library-api: compliance views and preview over \(macs) Macs",
            results: results)
        print(report.markdown)
        if let markdown { try report.write(into: markdown) }
    }

    /// What one run measured: (requests/s, p50, p99) per route, and the preview durations (ms).
    struct Figures: Sendable {
        var health: (rate: Double, p50: Double, p99: Double)
        var summary: (rate: Double, p50: Double, p99: Double)
        var changingSummary: (rate: Double, p50: Double, p99: Double)
        var rawSummary: (rate: Double, p50: Double, p99: Double)
        var rows: (rate: Double, p50: Double, p99: Double)
        var previews: [Double]
    }

    func measure(cachedPort: Int, uncachedPort: Int, fixture: Fixture, pool: ConnectionPool) async throws -> Figures {
        let token = fixture.token
        let macs = self.macs
        let base = "http://127.0.0.1:\(cachedPort)"
        let seconds = max(1, Int(self.seconds.rounded()))
        let authorization = ["Authorization": "Bearer \(token)"]
        // wrk drives the cached summary, the rows and /healthz, so the load generator takes little of the two
        // cores; the summary computed on every request (seconds each) keeps the in-process clients.
        func wrk(_ paths: [String], headers: [String: String], seconds: Int) async throws -> WrkLoad.Measurement {
            try await WrkLoad.measure(
                url: base, connections: clients, seconds: seconds,
                requestScript: WrkLoad.randomPathScript(paths: paths, headers: headers))
        }
        // 2,000 pages from pseudo-random places in the fleet (the cursor is the previous page's last enrollment id).
        let pagePaths = (0..<2_000).map { number in
            let start = (number * 104_729) % max(1, macs - 100)
            let cursor = Data(Fixture.enrollmentID(start).utf8).base64EncodedString()
                .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_")
            return "/v1/compliance/macs?limit=100&cursor=\(cursor)"
        }
        _ = try await wrk(pagePaths, headers: authorization, seconds: 2)  // warm-up
        let health = try await wrk(["/healthz"], headers: [:], seconds: seconds)
        // The summary's steady state: a warm-up (not measured) takes the first computation after start, which
        // every caller waits for once.
        _ = try await wrk(["/v1/compliance/summary"], headers: authorization, seconds: 2)
        let summary = try await wrk(["/v1/compliance/summary"], headers: authorization, seconds: seconds)
        // The same while the fleet keeps changing: a `plan` event every second (as when the scheduler rewrites
        // plans), so the summary is recomputed in the background about once a second.
        let churn = Task {
            let entity = UUID().uuidString.lowercased()
            while !Task.isCancelled {
                try await pool.withTransaction {
                    try BusPublisher.publish([BusEventDraft(topic: BusTopic.plan, entity: entity)], on: $0)
                }
                try await Task.sleep(for: .seconds(1))
            }
        }
        let changingSummary = try await wrk(["/v1/compliance/summary"], headers: authorization, seconds: seconds)
        churn.cancel()
        _ = try? await churn.value
        let rawSummary = try await drive(port: uncachedPort, token: token, seconds: self.seconds) { _, _ in
            "/v1/compliance/summary"
        }
        let rows = try await wrk(pagePaths, headers: authorization, seconds: seconds)
        var previewTimes: [Double] = []
        let client = TestClient(host: "127.0.0.1", port: cachedPort, configuration: .init(timeout: .seconds(300)))
        client.connect()
        for _ in 0..<previews {
            let started = ContinuousClock.now
            let response = try await client.post(
                "/v1/library-items/preview",
                headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                body: ByteBuffer(string: fixture.previewBody))
            guard response.status == .ok else { throw ValidationError("preview answered \(response.status)") }
            let answer = response.body.map { String(buffer: $0) } ?? ""
            guard answer.contains("\"reachedMacCount\":\(macs)") else {
                throw ValidationError("preview reached too few Macs: \(answer)")
            }
            previewTimes.append(started.duration(to: .now).milliseconds)
        }
        try? await client.shutdown()
        return Figures(
            health: (health.rate, health.p50, health.p99), summary: (summary.rate, summary.p50, summary.p99),
            changingSummary: (changingSummary.rate, changingSummary.p50, changingSummary.p99),
            rawSummary: rawSummary, rows: (rows.rate, rows.p50, rows.p99), previews: previewTimes)
    }

    /// The report rows of `figures`.
    func results(_ figures: Figures) -> [BenchmarkResult] {
        let (health, summary, rawSummary, rows, previewTimes) = (
            figures.health, figures.summary, figures.rawSummary, figures.rows, figures.previews
        )
        let healthName = "/healthz p99 (SELECT 1 through the pool), same \(clients) clients (ms)"
        return [
            BenchmarkResult(
                name:
                    "Compliance summary p99, \(clients) clients (recomputed only after the fleet changes; no change during the run; \(Int(summary.rate)) req/s)",
                figure: summary.p99, unit: "ms", reference: health.p99, referenceName: healthName, target: "< 100 ms",
                met: summary.p99 < 100),
            BenchmarkResult(
                name:
                    "Compliance summary p99 while the fleet changes (a plan event every second, so a recomputation about every second; \(Int(figures.changingSummary.rate)) req/s)",
                figure: figures.changingSummary.p99, unit: "ms", reference: health.p99, referenceName: healthName,
                target: "(recorded)", met: nil),
            BenchmarkResult(
                name:
                    "Compliance summary computed on every request p99, \(clients) clients (\(Int(rawSummary.rate)) req/s, p50 \(Self.format(rawSummary.p50)) ms)",
                figure: rawSummary.p99, unit: "ms", reference: health.p99, referenceName: healthName,
                target: "(recorded)",
                met: nil),
            BenchmarkResult(
                name:
                    "Per-Mac compliance rows, 100 per page at random cursors, p99, \(clients) clients (\(Int(rows.rate)) req/s)",
                figure: rows.p99, unit: "ms", reference: health.p99, referenceName: healthName, target: "< 50 ms",
                met: rows.p99 < 50),
            BenchmarkResult(
                name: "Preview of one item reaching all \(macs) Macs (slowest of \(previews))",
                figure: previewTimes.max() ?? 0, unit: "ms", reference: health.p50,
                referenceName: "/healthz p50 (ms)", target: "< 2000 ms", met: (previewTimes.max() ?? .infinity) < 2000),
        ]
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Sends GETs from `clients` connections for `seconds`; `path(client, number)` names each request.
    func drive(
        port: Int, token: String?, seconds: Double, path: @escaping @Sendable (Int, Int) -> String
    ) async throws -> (rate: Double, p50: Double, p99: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .seconds(seconds)
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for clientIndex in 0..<clients {
                group.addTask {
                    let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(300)))
                    client.connect()
                    var latencies: [Double] = []
                    var number = 0
                    var headers: HTTPFields = [:]
                    if let token { headers[.authorization] = "Bearer \(token)" }
                    while clock.now < deadline {
                        let sent = clock.now
                        let response = try await client.get(path(clientIndex, number), headers: headers)
                        guard response.status == .ok else {
                            throw ValidationError("library-api answered \(response.status)")
                        }
                        latencies.append(sent.duration(to: clock.now).milliseconds)
                        number += 1
                    }
                    try? await client.shutdown()
                    return latencies
                }
            }
            return try await group.reduce(into: [Double]()) { $0 += $1 }.sorted()
        }
        let elapsed = start.duration(to: clock.now).seconds
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
        }
        return (Double(latencies.count) / elapsed, percentile(0.5), percentile(0.99))
    }
}

extension Duration {
    /// Seconds as a `Double`.
    fileprivate var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }

    /// Milliseconds as a `Double`.
    fileprivate var milliseconds: Double { seconds * 1000 }
}
