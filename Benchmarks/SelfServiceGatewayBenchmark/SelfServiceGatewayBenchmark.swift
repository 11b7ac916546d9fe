// SelfServiceGatewayBenchmark: GET /v1/me/updates for random Macs of a 100,000-Mac fleet, beside /healthz.

import ArgumentParser
import BenchmarkSupport
import Database
import Foundation
import Hummingbird
import Logging
import ManagedOSDomain
import SelfServiceGatewayService
import ServiceSupport

/// `managed-os-bench-self-service`: one self-service-gateway in this process over a fresh database holding
/// `macs` registered Macs, each with a credential, a status row and a plan (a real `MacPlan` from the domain
/// evaluator). `wrk` with `clients` keep-alive connections first asks `GET /v1/me/updates` for Macs in order
/// (the cold pass: each answer read from PostgreSQL into the gateway's cache), then once for every Mac (warm-up,
/// not measured), then for random Macs as fast as it can, `runs` times (the steady state the target is about;
/// the median run is the figure). References in the same run: `GET /healthz` (one `SELECT 1` per request) with the same load, and a
/// static nginx answer (what the HTTP layer alone allows on this machine).
@main
struct SelfServiceGatewayBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "managed-os-bench-self-service", abstract: "Benchmarks the Self Service gateway.")

    @Option(help: "Seconds per measurement.") var seconds: Double = 10
    @Option(help: "Concurrent HTTP connections of the load generator.") var clients: Int = 16
    @Option(help: "Registered Macs.") var macs: Int = 100_000
    @Option(help: "Database connections of the gateway.") var poolSize: Int = 8
    @Option(help: "Steady-state measurements; the median is the figure (shared machines are noisy).")
    var runs: Int = 3
    @Option(help: "Write the results into this markdown file between bench-self-service markers.")
    var markdown: String?

    func run() async throws {
        ServiceLogging.bootstrap()  // the executables' log backend
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"] else {
            throw ValidationError("DATABASE_URL is not set (run through scripts/with-postgres.sh)")
        }
        let server = try DatabaseConfiguration(url: url, maximumConnections: 1)
        let name = "bench_self_service_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try DatabaseConnection.connect(server)
        try admin.executeScript("CREATE DATABASE \(try admin.quotedIdentifier(name))")
        defer { try? admin.executeScript("DROP DATABASE IF EXISTS \(try admin.quotedIdentifier(name)) WITH (FORCE)") }
        var configuration = server.with(database: name)
        configuration.maximumConnections = poolSize
        let pool = ConnectionPool(configuration: configuration, logger: logger)
        try await MigrationRunner(pool: pool, logger: logger).applyPending()
        let planJSON = try Self.samplePlanJSON()
        let macs = self.macs
        let seedStart = ContinuousClock.now
        try await pool.withConnection { connection in
            try connection.query(
                """
                INSERT INTO devices (enrollment_id, model_identifier, self_service_credential_hash)
                SELECT 'mac-' || g, 'Mac14,2', encode(sha256(convert_to('mss_bench_' || g, 'UTF8')), 'hex')
                FROM generate_series(0, $1::integer - 1) g
                """, [macs])
            try connection.query(
                """
                INSERT INTO device_status (device_id, status_items, last_received_at, last_sequence)
                SELECT id, jsonb_build_object('device.operating-system.version', '15.7.1',
                                              'softwareupdate.install-state', CASE WHEN random() < 0.3 THEN 'prepared' ELSE 'none' END),
                       now(), nextval('status_report_sequence')
                FROM devices
                """)
            // Every Mac has the same plan but for its id and instant: one shape (see PlanStore).
            try connection.query(
                "INSERT INTO plan_shapes (plan_digest, plan) VALUES ('bench', $1::json)", [PostgresJSON(text: planJSON)])
            try connection.query(
                """
                INSERT INTO mac_plans (device_id, plan_digest, compliance, os_target_version, os_target_build,
                                       os_deadline, os_deadline_local, days_remaining, is_legacy, evaluated_at)
                SELECT id, 'bench', 'pending', '15.7.2', '24G325',
                       now() + (random() * interval '14 days'), '2026-12-01T09:00:00', 7, false, now()
                FROM devices
                """)
            // One statement each: several statements in one simple query run as one transaction block,
            // which VACUUM refuses.
            for table in ["devices", "device_status", "mac_plans"] {
                try connection.executeScript("VACUUM ANALYZE \(table)")
            }
        }
        print("seeded \(macs) Macs in \(ContinuousClock.now - seedStart)")

        // The per-Mac limit is raised so random picks never hit it: this measures the endpoint itself.
        let settings = SelfServiceSettings(rateLimitPerMinute: 100_000)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = SelfServiceGatewayService.makeApplication(
            pool: pool, settings: settings, logger: logger, onServerRunning: { portContinuation.yield($0) })
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
        let runList = figures.updateRuns.map { String(Int($0.rate.rounded())) }.joined(separator: ", ")
        let results = [
            BenchmarkResult(
                name:
                    "GET /v1/me/updates, random Macs of \(macs), \(clients) connections, median of \(figures.updateRuns.count) runs (\(runList) req/s)",
                figure: figures.updates.rate, unit: "req/s", reference: figures.health.rate,
                referenceName: "GET /healthz (SELECT 1) same connections", target: "≥ 10,000 req/s",
                met: figures.updates.rate >= 10_000),
            BenchmarkResult(
                name: "GET /v1/me/updates beside a static nginx answer (HTTP overhead alone), same wrk load",
                figure: figures.updates.rate, unit: "req/s", reference: figures.staticAnswer.rate,
                referenceName: "nginx, 2 workers, fixed 200", target: "(recorded)", met: nil),
            BenchmarkResult(
                name: "GET /v1/me/updates p50 at saturation", figure: figures.updates.p50, unit: "ms",
                reference: figures.health.p50, referenceName: "/healthz p50 (ms)", target: "(recorded)", met: nil),
            BenchmarkResult(
                name: "GET /v1/me/updates p99 at saturation (median run's)", figure: figures.updates.p99, unit: "ms",
                reference: figures.health.p99, referenceName: "/healthz p99 (ms)", target: "< 20 ms",
                met: figures.updates.p99 < 20),
            BenchmarkResult(
                name:
                    "GET /v1/me/updates, cold pass (Macs in order, each asked for the first time: read from PostgreSQL)",
                figure: figures.cold.rate, unit: "req/s", reference: figures.health.rate,
                referenceName: "GET /healthz (SELECT 1) same connections", target: "(recorded)", met: nil),
            BenchmarkResult(
                name: "GET /v1/me/updates cold pass p99", figure: figures.cold.p99, unit: "ms",
                reference: figures.health.p99, referenceName: "/healthz p99 (ms)", target: "(recorded)", met: nil),
        ]
        let report = BenchmarkReport(
            section: "bench-self-service", title: "self-service-gateway: GET /v1/me/updates", results: results)
        print(report.markdown)
        if let markdown { try report.write(into: markdown) }
    }

    /// What one run measured.
    struct Figures: Sendable {
        var cold: WrkLoad.Measurement
        /// Every steady-state run, in the order measured.
        var updateRuns: [WrkLoad.Measurement]
        /// The run with the median rate.
        var updates: WrkLoad.Measurement {
            updateRuns.sorted { $0.rate < $1.rate }[updateRuns.count / 2]
        }
        var health: WrkLoad.Measurement
        var staticAnswer: WrkLoad.Measurement
    }

    func measure(port: Int) async throws -> Figures {
        let base = "http://127.0.0.1:\(port)"
        let seconds = max(1, Int(self.seconds.rounded()))
        let updatesScript = WrkLoad.randomHeaderScript(
            path: "/v1/me/updates", header: "Authorization", prefix: "Bearer mss_bench_", count: macs)
        func everyMacScript(stopAfterPass: Bool) -> String {
            WrkLoad.everyKeyScript(
                path: "/v1/me/updates", header: "Authorization", prefix: "Bearer mss_bench_", count: macs,
                stopAfterPass: stopAfterPass)
        }
        // Cold: Macs in order, each asked for the first time while the pass lasts (rate × seconds < macs).
        let cold = try await WrkLoad.measure(
            url: base, connections: clients, seconds: seconds, requestScript: everyMacScript(stopAfterPass: false))
        if cold.rate * Double(seconds) >= Double(macs) {
            print("note: the cold pass wrapped around the fleet; part of it was answered from the cache")
        }
        // Warm-up: one whole pass (not measured), so the steady state below is the cache's.
        _ = try await WrkLoad.measure(
            url: base, connections: clients, seconds: Int((Double(macs) / max(cold.rate, 100) * 1.2).rounded(.up)) + 2,
            requestScript: everyMacScript(stopAfterPass: true))
        var updateRuns: [WrkLoad.Measurement] = []
        for _ in 0..<max(1, runs) {
            updateRuns.append(
                try await WrkLoad.measure(
                    url: base, connections: clients, seconds: seconds, requestScript: updatesScript))
        }
        let references = try await WrkLoad.references(base: base, connections: clients, seconds: seconds)
        return Figures(
            cold: cold, updateRuns: updateRuns, health: references.health, staticAnswer: references.staticAnswer)
    }

    /// A real plan to store for every Mac: a Mac on 15.7.1 under a two-week automatic 15 item.
    static func samplePlanJSON() throws -> String {
        let now = Date()
        let release = Release(
            version: try OSVersion(parsing: "15.7.2"), build: OSBuild(unchecked: "24G325"),
            releaseDate: CivilDate(utcDayOf: now.addingTimeInterval(-3 * 86_400)))
        let item = ManagedOSItem(
            id: UUID(), label: "Sequoia", major: 15, installationMethod: .continuous,
            versionEnforcement: .automatic(timeframe: .twoWeeks), enforcementTime: EnforcementTime(parsing: "09:00")!,
            enforcementTimeZone: "Europe/Berlin")
        let mac = MacState(
            id: UUID(), hardware: MacHardware(modelIdentifier: "Mac14,2"), osVersion: try OSVersion(parsing: "15.7.1"),
            build: nil, supplementalBuild: nil, supplementalExtraVersion: nil, timeZoneIdentifier: nil,
            installState: nil, failureCount: 0, failureReason: nil, lastReportAt: now, selfServiceRequestMajor: nil)
        let plan = MacEvaluator.evaluate(
            mac: mac, items: [item], catalog: ReleaseCatalog(releases: [release]), now: now)
        return try PostgresJSON(encoding: plan).text
    }
}
