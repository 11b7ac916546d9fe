// DeclarationPublisherBenchmark: GET declaration-items for random Macs of a 100,000-Mac fleet (issue 6),
// beside /healthz of the same server under the same load.

import ArgumentParser
import BenchmarkSupport
import Database
import DeclarationPublisherService
import DeclarativeManagement
import FleetStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import ManagedOSDomain
import NIOCore
import ServiceSupport

/// `managed-os-bench-declaration-publisher`: one declaration-publisher (its application, in this process, on a
/// local port) over a fresh database holding `macs` registered Macs, each with a declaration set (a few
/// distinct sets built by `DeclarationSetBuilder` from real domain plans, spread over the fleet with bulk SQL).
/// First one pass asks every Mac once from this process's keep-alive clients (cold: each answer read from
/// PostgreSQL into the replica's cache); then `wrk` with `clients` keep-alive connections asks
/// `GET /declaration-items` with `X-Enrollment-ID` of random Macs for `seconds` (the steady state), then
/// `GET /healthz` (one `SELECT 1` per request) and a static nginx answer under the same load as references.
@main
struct DeclarationPublisherBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "managed-os-bench-declaration-publisher",
        abstract: "Benchmarks declaration-publisher's GET declaration-items.")

    @Option(help: "Seconds per measurement.") var seconds: Double = 10
    @Option(help: "Concurrent keep-alive HTTP connections of the load generator.") var clients: Int = 32
    @Option(help: "Registered Macs.") var macs: Int = 100_000
    @Option(help: "Database connections of the publisher.") var poolSize: Int = 8
    @Option(help: "Write the results into this markdown file between bench-declaration-publisher markers.")
    var markdown: String?

    func run() async throws {
        ServiceLogging.bootstrap()  // the executables' log backend
        var logger = Logger(label: "bench-declaration-publisher")
        logger.logLevel = .warning
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"] else {
            throw ValidationError("DATABASE_URL is not set (run through scripts/with-postgres.sh)")
        }
        let server = try DatabaseConfiguration(url: url, maximumConnections: 1)
        let name = "bench_declaration_publisher_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try DatabaseConnection.connect(server)
        try admin.executeScript("CREATE DATABASE \(try admin.quotedIdentifier(name))")
        defer { try? admin.executeScript("DROP DATABASE IF EXISTS \(try admin.quotedIdentifier(name)) WITH (FORCE)") }
        var configuration = server.with(database: name)
        configuration.maximumConnections = poolSize
        let pool = ConnectionPool(configuration: configuration, logger: logger)
        try await MigrationRunner(pool: pool, logger: logger).applyPending()

        let seedStart = ContinuousClock.now
        let variants = try Self.sampleSets()
        try await seed(pool: pool, sets: variants)
        print(
            "seeded \(macs) Macs with \(variants.count) distinct declaration sets in \(ContinuousClock.now - seedStart)"
        )

        // The cache holds the whole fleet (the default capacity, 200,000, is above it); no HMAC key.
        let settings = DeclarationPublisherSettings(cacheMaximumMacs: max(200_000, macs))
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = DeclarationPublisherService.makeApplication(
            pool: pool, settings: settings, logger: logger, onServerRunning: { portContinuation.yield($0) }
        ).application
        let figures = try await withThrowingTaskGroup(of: Figures?.self) { group in
            group.addTask {
                try await app.runService()
                return nil
            }
            group.addTask {
                for await port in ports { return try await measure(port: port) }
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
        let load = "random Macs of \(macs), wrk, \(clients) keep-alive connections"
        let results = [
            BenchmarkResult(
                name: "GET /declaration-items, \(load)", figure: figures.items.rate, unit: "req/s",
                reference: figures.health.rate, referenceName: "GET /healthz (SELECT 1) same connections",
                target: "≥ 15,000 req/s", met: figures.items.rate >= 15_000),
            BenchmarkResult(
                name: "GET /declaration-items beside a static nginx answer (HTTP overhead alone), same wrk load",
                figure: figures.items.rate, unit: "req/s", reference: figures.staticAnswer.rate,
                referenceName: "nginx, 2 workers, fixed 200", target: "(recorded)", met: nil),
            BenchmarkResult(
                name: "GET /declaration-items p50", figure: figures.items.p50, unit: "ms",
                reference: figures.health.p50, referenceName: "/healthz p50 (ms)", target: "(recorded)", met: nil),
            BenchmarkResult(
                name: "GET /declaration-items p99", figure: figures.items.p99, unit: "ms",
                reference: figures.health.p99, referenceName: "/healthz p99 (ms)", target: "< 10 ms",
                met: figures.items.p99 < 10),
            BenchmarkResult(
                name: "GET /declaration-items, cold pass (each Mac's first request reads PostgreSQL)",
                figure: figures.cold.rate, unit: "req/s", reference: figures.health.rate,
                referenceName: "GET /healthz (SELECT 1) same connections", target: "(recorded)", met: nil),
            BenchmarkResult(
                name: "GET /declaration-items cold pass p99", figure: figures.cold.p99, unit: "ms",
                reference: figures.health.p99, referenceName: "/healthz p99 (ms)", target: "(recorded)", met: nil),
        ]
        let report = BenchmarkReport(
            section: "bench-declaration-publisher", title: "declaration-publisher: GET declaration-items",
            results: results)
        print(report.markdown)
        if let markdown { try report.write(into: markdown) }
    }

    /// What one run measured.
    struct Figures: Sendable {
        var cold: WrkLoad.Measurement
        var items: WrkLoad.Measurement
        var health: WrkLoad.Measurement
        var staticAnswer: WrkLoad.Measurement
    }

    /// What one request of a load asks for.
    enum Target: Sendable {
        /// Every Mac once, in order, shared among the connections.
        case everyMac
        /// Random Macs until the time is up.
        case randomMacs
        /// `GET /healthz` until the time is up.
        case health
    }

    /// The cold pass with this process's own keep-alive clients (every Mac once, in order); the steady state,
    /// `/healthz` and a static nginx answer with `wrk`, so the load generator takes little of the two cores.
    func measure(port: Int) async throws -> Figures {
        let cold = try await drive(port: port, target: .everyMac)
        let base = "http://127.0.0.1:\(port)"
        let seconds = max(1, Int(self.seconds.rounded()))
        let itemsScript = WrkLoad.randomHeaderScript(
            path: "/declaration-items", header: DDMRoutes.enrollmentHeader.rawName, prefix: "mac-", count: macs)
        let items = try await WrkLoad.measure(
            url: base, connections: clients, seconds: seconds, requestScript: itemsScript)
        let references = try await WrkLoad.references(base: base, connections: clients, seconds: seconds)
        return Figures(cold: cold, items: items, health: references.health, staticAnswer: references.staticAnswer)
    }

    /// Sends requests from `clients` keep-alive connections, one in flight per connection, and records each
    /// request's latency (sent until the whole response is read).
    func drive(port: Int, target: Target) async throws -> WrkLoad.Measurement {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .seconds(seconds)
        let macs = self.macs
        let clients = self.clients
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for connection in 0..<clients {
                group.addTask {
                    let client = TestClient(host: "127.0.0.1", port: port)
                    client.connect()
                    var latencies: [Double] = []
                    latencies.reserveCapacity(200_000)
                    var generator = SystemRandomNumberGenerator()
                    var nextMac = connection
                    requests: while true {
                        let mac: Int?
                        switch target {
                        case .everyMac:
                            guard nextMac < macs else { break requests }
                            mac = nextMac
                            nextMac += clients
                        case .randomMacs:
                            guard clock.now < deadline else { break requests }
                            mac = Int.random(in: 0..<macs, using: &generator)
                        case .health:
                            guard clock.now < deadline else { break requests }
                            mac = nil
                        }
                        let sent = clock.now
                        let response: TestClient.Response
                        if let mac {
                            response = try await client.get(
                                "/declaration-items", headers: [DDMRoutes.enrollmentHeader: "mac-\(mac)"])
                        } else {
                            response = try await client.get("/healthz")
                        }
                        guard response.status == .ok else {
                            throw ValidationError("the publisher answered \(response.status)")
                        }
                        latencies.append(Self.milliseconds(sent.duration(to: clock.now)))
                    }
                    try? await client.shutdown()
                    return latencies
                }
            }
            return try await group.reduce(into: [Double]()) { $0 += $1 }.sorted()
        }
        let elapsed = Self.milliseconds(start.duration(to: clock.now)) / 1000
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
        }
        print("\(target): \(latencies.count) requests in \(String(format: "%.1f", elapsed)) s")
        return WrkLoad.Measurement(rate: Double(latencies.count) / elapsed, p50: percentile(0.5), p99: percentile(0.99))
    }

    /// Registers `macs` Macs (`mac-0` …) and gives Mac `n` the set `sets[n % sets.count]`: the sets' shared
    /// content through `DeclarationSetStore.storeContents`, the Macs' rows in bulk SQL.
    func seed(pool: ConnectionPool, sets: [DeclarationSet]) async throws {
        let macs = self.macs
        try await pool.withTransaction { connection in
            try connection.query(
                """
                INSERT INTO devices (enrollment_id, model_identifier)
                SELECT 'mac-' || g, 'Mac14,2' FROM generate_series(0, $1::integer - 1) g
                """, [macs])
            try DeclarationSetStore.storeContents(of: sets, on: connection)
            try connection.query(
                """
                INSERT INTO declaration_sets (device_id, declarations_token, updated_at)
                SELECT d.id, s.token, date_trunc('second', now())
                FROM devices d
                JOIN unnest($1::text[]) WITH ORDINALITY AS s(token, n)
                  ON s.n - 1 = substring(d.enrollment_id FROM 5)::integer % $2::integer
                """, [sets.map(\.declarationsToken), sets.count])
        }
        try await pool.withConnection { connection in
            try connection.executeScript(
                "ANALYZE devices; ANALYZE declaration_sets; ANALYZE declaration_contents; ANALYZE declaration_content_items"
            )
        }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return (Double(whole) + Double(attoseconds) / 1e18) * 1000
    }

    /// Five distinct sets, as the scheduler builds them: macOS 15 Macs due for 15.7.2 under items whose
    /// enforcement times differ (so their enforcement declarations and tokens differ), and one compliant Mac.
    static func sampleSets() throws -> [DeclarationSet] {
        let now = Date()
        let release = Release(
            version: try OSVersion(parsing: "15.7.2"), build: OSBuild(unchecked: "24G325"),
            releaseDate: CivilDate(utcDayOf: now.addingTimeInterval(-3 * 86_400)))
        var sets: [DeclarationSet] = []
        for (hour, installed) in [(9, "15.7.1"), (10, "15.6.1"), (11, "15.7.1"), (12, "15.5"), (9, "15.7.2")] {
            let item = ManagedOSItem(
                id: UUID(), label: "Sequoia", major: 15, installationMethod: .continuous,
                versionEnforcement: .automatic(timeframe: .twoWeeks),
                enforcementTime: EnforcementTime(hour: hour, minute: 0)!, enforcementTimeZone: "Europe/Berlin",
                detailsURL: "https://it.example.com/macos")
            let version = try OSVersion(parsing: installed)
            let mac = MacState(
                id: UUID(), hardware: MacHardware(modelIdentifier: "Mac14,2"), osVersion: version, build: nil,
                supplementalBuild: nil, supplementalExtraVersion: nil, timeZoneIdentifier: nil, installState: nil,
                failureCount: 0, failureReason: nil, lastReportAt: now, selfServiceRequestMajor: nil)
            let plan = MacEvaluator.evaluate(
                mac: mac, items: [item], catalog: ReleaseCatalog(releases: [release]), now: now)
            sets.append(
                DeclarationSetBuilder.build(
                    plan: plan, target: DeclarationTarget(deviceID: mac.id, osVersion: version, capabilities: nil),
                    items: [item.id: item], changedAt: now))
        }
        guard Set(sets.map(\.declarationsToken)).count == sets.count else {
            throw ValidationError("the sample declaration sets are not distinct")
        }
        return sets
    }
}
