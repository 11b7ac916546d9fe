// StatusIngestBenchmark: status-ingest throughput at saturation and p99 at half load, beside pgbench upserts.

import ArgumentParser
import BenchmarkSupport
import Database
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServiceSupport
import StatusIngestService

/// `managed-os-bench-status-ingest`: runs one status-ingest instance in this process over a fresh database,
/// drives it with `wrk` sending realistic 2–4 KB reports (80 % incremental, 20 % full) at saturation and with
/// paced clients (a child process of this executable) at half that rate, and compares with pgbench single-row upserts of rows of the same
/// size, in the same run.
@main
struct StatusIngestBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "managed-os-bench-status-ingest", abstract: "Benchmarks status-ingest against pgbench.")

    @Option(help: "Seconds per measurement.") var seconds: Double = 10
    @Option(
        help: """
            wrk connection counts tried for the saturation rate, in order; the ramp stops when a step gains under 5 %.
            """)
    var connections: [Int] = [32, 64, 128, 256]
    @Option(help: "Paced clients for the latency at half the saturation rate (run in a child process).")
    var clients: Int = 64
    @Option(
        help: ArgumentHelp(
            "Internal: only drive status-ingest on this port at --pace reports/s and print the latencies.",
            visibility: .hidden))
    var drivePort: Int?
    @Option(help: ArgumentHelp("Internal: the rate for --drive-port.", visibility: .hidden)) var pace: Double = 0
    @Option(help: "pgbench clients.") var pgbenchClients: Int = 8
    @Option(help: "Registered Macs.") var macs: Int = 20_000
    @Option(help: "Write the results into this markdown file between bench-status-ingest markers.")
    var markdown: String?
    @Flag(
        help: "Only the saturation rate beside pgbench, recorded as a growth row (not the bench-status-ingest section)."
    )
    var growthOnly = false
    @Flag(help: ArgumentHelp("Only the store alone (no HTTP), printed: for profiling the store.", visibility: .hidden))
    var storeOnly = false

    func run() async throws {
        if let drivePort {
            // The paced clients' own process: they must not share the service's cooperative threads.
            let result = try await drive(port: drivePort, seconds: seconds, rate: pace)
            print("paced \(result.rate) \(result.p50) \(result.p99)")
            return
        }
        ServiceLogging.bootstrap()  // the executables' log backend
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"] else {
            throw ValidationError("DATABASE_URL is not set (run through scripts/with-postgres.sh)")
        }
        let server = try DatabaseConfiguration(url: url, maximumConnections: 1)
        let name = "bench_status_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try DatabaseConnection.connect(server)
        try admin.executeScript("CREATE DATABASE \(try admin.quotedIdentifier(name))")
        defer { try? admin.executeScript("DROP DATABASE IF EXISTS \(try admin.quotedIdentifier(name)) WITH (FORCE)") }
        var configuration = server.with(database: name)
        configuration.maximumConnections = 8
        let pool = ConnectionPool(configuration: configuration, logger: logger)
        try await MigrationRunner(pool: pool, logger: logger).applyPending()
        let macs = self.macs
        let rowBytes = Self.report(mac: 1, number: 0).utf8.count
        // Every Mac has reported before (the steady state: each report updates an existing row), and pgbench's
        // table holds as many rows of the same size.
        try await pool.withConnection {
            try $0.query(
                "INSERT INTO devices (enrollment_id) SELECT 'mac-' || g FROM generate_series(0, $1::integer - 1) g",
                [macs])
            try $0.query(
                """
                INSERT INTO device_status (device_id, status_items, last_received_at, last_sequence, last_full_report_at)
                SELECT id, $1::jsonb, now(), nextval('status_report_sequence'), now() FROM devices
                """, [Self.prefilledStatusItems])
            try $0.executeScript(
                """
                CREATE TABLE bench_status (id bigint PRIMARY KEY, body text NOT NULL, updated_at timestamptz NOT NULL)
                """)
            try $0.query(
                "INSERT INTO bench_status SELECT g, repeat('x', $2::integer), now() FROM generate_series(0, $1::integer - 1) g",
                [macs, rowBytes])
            for table in ["devices", "device_status", "bench_status"] {
                try $0.executeScript("VACUUM ANALYZE \(table)")
            }
        }
        print("seeded \(macs) Macs with a status row each")
        if storeOnly {
            let writers = Int(ProcessInfo.processInfo.environment["STORE_WRITERS"] ?? "") ?? StatusIngestSettings().batchWriters
            print("store alone: \(Int(try await storeFloor(pool: pool, batchSize: 256 / writers, writers: writers))) reports/s")
            await pool.close()
            return
        }

        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = StatusIngestService.makeApplication(
            pool: pool, settings: StatusIngestSettings(), logger: logger,
            onServerRunning: { port in portContinuation.yield(port) })
        let figures = try await withThrowingTaskGroup(of: Figures?.self) { group in
            group.addTask {
                try await app.runService()
                return nil
            }
            group.addTask {
                for await port in ports {
                    return try await measure(port: port, url: url, database: name, pool: pool)
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
        if growthOnly {
            let row = GrowthRow(
                benchmark: "status-ingest", measured: "reports/s at saturation (wrk, \(figures.connections) connections)",
                macs: macs,
                figure: figures.saturation, unit: "reports/s", reference: figures.pgbench,
                referenceName: "pgbench upserts of \(figures.rowBytes)-byte rows into \(macs) rows (tps)",
                when: MachineLoad.now)
            print(GrowthTable.render(row))
            if let markdown { try GrowthTable.record([row], into: markdown) }
            return
        }
        let results = [
            BenchmarkResult(
                name:
                    "Reports/s at saturation (wrk, best of \(connections.map(String.init).joined(separator: "/")) connections: \(figures.connections); 2–4 KB, 80 % incremental)",
                figure: figures.saturation, unit: "reports/s", reference: figures.pgbench,
                referenceName: "pgbench single-row upsert of \(figures.rowBytes)-byte rows, \(pgbenchClients) clients",
                target: "≥ 1.0× reference", met: figures.saturation >= figures.pgbench),
            BenchmarkResult(
                name: "p99 latency at half the saturation rate (\(Int(figures.saturation / 2)) reports/s, \(clients) paced clients)",
                figure: figures.p99, unit: "ms", reference: figures.p50, referenceName: "p50 at half rate (ms)",
                target: "< 50 ms", met: figures.p99 < 50),
            BenchmarkResult(
                name:
                    "Where it goes: HTTP alone (same wrk load, \(figures.connections) connections, a route that only collects the body)",
                figure: figures.httpFloor, unit: "reports/s", reference: figures.pgbench,
                referenceName: "pgbench single-row upsert rate", target: "—", met: nil),
            BenchmarkResult(
                name: "Where it goes: HTTP and parsing alone (the same route, parsing each report as status-ingest does)",
                figure: figures.parseFloor, unit: "reports/s", reference: figures.pgbench,
                referenceName: "pgbench single-row upsert rate", target: "—", met: nil),
            BenchmarkResult(
                name:
                    "Where it goes: the store alone (parsed reports, \(StatusIngestSettings().batchWriters) writers, batches of \(figures.storeBatchSize), no HTTP)",
                figure: figures.storeFloor, unit: "reports/s", reference: figures.pgbench,
                referenceName: "pgbench single-row upsert rate", target: "—", met: nil),
        ]

        let report = BenchmarkReport(
            section: "bench-status-ingest", title: "status-ingest: DDM status reports", results: results)
        print(report.markdown)
        if let markdown { try report.write(into: markdown) }
    }

    /// What one run measured.
    struct Figures: Sendable {
        var saturation: Double
        /// The wrk connection count that gave the saturation rate.
        var connections: Int
        var p50: Double
        var p99: Double
        var pgbench: Double
        var rowBytes: Int
        /// Reports/s of a route that only collects the body, under the saturation load.
        var httpFloor: Double
        /// Reports/s of a route that collects and parses the body but stores nothing.
        var parseFloor: Double
        /// Reports/s of the store's batches alone (parsed reports, no HTTP).
        var storeFloor: Double
        /// Reports per batch in the store-alone measurement (connections ÷ batch writers).
        var storeBatchSize: Int
    }

    /// Saturation rate, p50/p99 at half of it, and the pgbench reference.
    /// The saturation rate with `wrk` (reports for random Macs, ten bodies of which two are full reports), so
    /// the load generator takes little of the two cores; the paced half-rate load with `drive`'s clients in a
    /// child process, which keep each report's scheduled send time for its latency.
    func measure(port: Int, url: String, database: String, pool: ConnectionPool) async throws -> Figures {
        let script = WrkLoad.requestScript(
            method: "PUT", path: "/status", header: StatusRoutes.enrollmentHeader.rawName, prefix: "mac-",
            count: macs, bodies: (0..<10).map { Self.report(mac: 1, number: $0) })
        let target = "http://127.0.0.1:\(port)"
        _ = try await WrkLoad.measure(url: target, connections: connections[0], seconds: 2, requestScript: script)  // warm-up
        // Saturation: more connections until the rate stops rising (group commit needs reports waiting to batch).
        var saturation = (rate: 0.0, p50: 0.0, p99: 0.0, connections: 0)
        for count in connections {
            let wrk = try await WrkLoad.measure(
                url: target, connections: count, seconds: max(1, Int(seconds.rounded())), requestScript: script)
            print("wrk \(count) connections: \(Int(wrk.rate)) reports/s, p99 \(wrk.p99) ms")
            let gain = saturation.rate > 0 ? wrk.rate / saturation.rate : .infinity
            if wrk.rate > saturation.rate { saturation = (wrk.rate, wrk.p50, wrk.p99, count) }
            if gain < 1.05 { break }
        }
        let half =
            growthOnly
            ? (rate: saturation.rate, p50: saturation.p50, p99: saturation.p99)
            : try await driveInChildProcess(port: port, rate: saturation.rate / 2)
        // Each half alone, at the saturation load: HTTP without storing, and the store's batches without HTTP.
        var floors = (http: 0.0, parse: 0.0, store: 0.0, storeBatch: 0)
        if !growthOnly {
            floors.http = try await httpFloor(connections: saturation.connections, requestScript: script)
            floors.parse = try await httpFloor(
                connections: saturation.connections, requestScript: script, parsing: true)
            floors.storeBatch = max(1, saturation.connections / StatusIngestSettings().batchWriters)
            floors.store = try await storeFloor(
                pool: pool, batchSize: floors.storeBatch, writers: StatusIngestSettings().batchWriters)
            print(
                "floors: HTTP alone \(Int(floors.http)), HTTP and parsing \(Int(floors.parse)), store alone \(Int(floors.store)) reports/s"
            )
        }
        let size = Self.report(mac: 1, number: 0).utf8.count
        let pgbench = try pgbenchUpserts(
            url: url, database: database, rowBytes: size,
            transactionsPerClient: max(200, Int(saturation.rate * seconds) / pgbenchClients))
        return Figures(
            saturation: saturation.rate, connections: saturation.connections, p50: half.p50, p99: half.p99,
            pgbench: pgbench, rowBytes: size, httpFloor: floors.http, parseFloor: floors.parse, storeFloor: floors.store,
            storeBatchSize: floors.storeBatch)
    }

    /// Runs `drive` at `rate` in a child process of this executable (`--drive-port`) and reads its figures: the
    /// paced clients then get their own threads instead of competing with the service for this process's.
    func driveInChildProcess(port: Int, rate: Double) async throws -> (rate: Double, p50: Double, p99: Double) {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Result {
                        let process = Process()
                        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
                        process.arguments = [
                            "--drive-port", "\(port)", "--pace", "\(rate)", "--seconds", "\(seconds)", "--clients",
                            "\(clients)", "--macs", "\(macs)",
                        ]
                        let output = Pipe()
                        process.standardOutput = output
                        try process.run()
                        let data = output.fileHandleForReading.readDataToEndOfFile()
                        process.waitUntilExit()
                        let text = String(decoding: data, as: UTF8.self)
                        let fields = text.split(whereSeparator: \.isNewline).last { $0.hasPrefix("paced ") }?
                            .split(separator: " ").dropFirst().compactMap { Double($0) }
                        guard process.terminationStatus == 0, let fields, fields.count == 3 else {
                            throw ValidationError("the paced clients failed (\(process.terminationStatus)): \(text)")
                        }
                        return (fields[0], fields[1], fields[2])
                    })
            }.start()
        }
    }

    /// Sends reports from `clients` connections for `seconds`, as fast as possible (rate nil) or paced at
    /// `rate` reports/s in total; latency is measured from each report's scheduled send time.
    func drive(port: Int, seconds: Double, rate: Double?) async throws -> (rate: Double, p50: Double, p99: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .seconds(seconds)
        let clients = self.clients
        let macs = self.macs
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for clientIndex in 0..<clients {
                group.addTask {
                    let client = TestClient(host: "127.0.0.1", port: port)
                    client.connect()
                    var latencies: [Double] = []
                    var number = 0
                    let interval = rate.map { Duration.seconds(Double(clients) / $0) }
                    var scheduled = start + (interval ?? .zero) * Double(clientIndex) / Double(clients)
                    while clock.now < deadline {
                        if interval != nil {
                            if scheduled > clock.now { try await Task.sleep(until: scheduled, clock: clock) }
                        } else {
                            scheduled = clock.now
                        }
                        let mac = (clientIndex + number * clients) % macs
                        let response = try await client.put(
                            "/status", headers: [StatusRoutes.enrollmentHeader: "mac-\(mac)"],
                            body: ByteBuffer(string: Self.report(mac: mac, number: number)))
                        guard response.status == .ok else {
                            throw ValidationError("status-ingest answered \(response.status)")
                        }
                        latencies.append(scheduled.duration(to: clock.now).milliseconds)
                        number += 1
                        if let interval { scheduled += interval }
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

    /// What a Mac's stored status holds after its first full report (the flattened status items).
    static let prefilledStatusItems = #"""
        {"device.model.family":"Mac","device.model.identifier":"Mac14,2","device.operating-system.version":"15.7.1",
        "device.operating-system.build-version":"24G231","device.operating-system.family":"macOS",
        "device.operating-system.supplemental.build-version":"24G231","device.operating-system.supplemental.extra-version":"",
        "softwareupdate.install-state":"none","softwareupdate.pending-version":{"os-version":"15.7.2",
        "build-version":"24G325","target-local-date-time":"2026-12-01T20:00:00"},"softwareupdate.failure-reason":{"count":0},
        "management.declarations":{"activations":[{"active":true,"identifier":"com.example.managed-os.activation",
        "server-token":"a-0","valid":"valid"}],"assets":[],"configurations":[{"active":true,
        "identifier":"com.example.managed-os.configuration.0","server-token":"t-0","valid":"valid"}],"management":[]}}
        """#

    /// A realistic report: every fifth a full report (~3.5 KB), the others incremental (~2 KB).
    static func report(mac: Int, number: Int) -> String {
        let declarations = (0..<8).map { index in
            #"{"active":true,"identifier":"com.example.managed-os.configuration.\#(index)","server-token":"\#(String(repeating: "0123456789abcdef", count: 2))-\#(number % 3)","valid":"valid"}"#
        }.joined(separator: ",")
        let management =
            #""declarations":{"activations":[{"active":true,"identifier":"com.example.managed-os.activation","server-token":"a-\#(number % 3)","valid":"valid"}],"assets":[],"configurations":[\#(declarations)],"management":[]}"#
        let state = ["none", "waiting", "downloading", "prepared", "installing"][number % 5]
        let update =
            #""softwareupdate":{"install-state":"\#(state)","pending-version":{"os-version":"15.7.2","build-version":"24G325","target-local-date-time":"2026-12-01T20:00:00"},"failure-reason":{"count":0},"install-reason":{"reason":["declaration"],"declaration-id":"com.example.managed-os.enforcement"}}"#
        if number % 5 != 0 {
            return #"{"StatusItems":{\#(update),"management":{\#(management)}},"Errors":[]}"#
        }
        let capabilities =
            #""client-capabilities":{"supported-features":{},"supported-versions":["1.0.0","1.1.0"],"supported-payloads":{"declarations":{"activations":["com.apple.activation.simple"],"assets":["com.apple.asset.credential.acme","com.apple.asset.credential.certificate","com.apple.asset.data","com.apple.asset.useridentity"],"configurations":["com.apple.configuration.management.status-subscriptions","com.apple.configuration.softwareupdate.enforcement.specific","com.apple.configuration.softwareupdate.settings","com.apple.configuration.passcode.settings"],"management":["com.apple.management.organization-info","com.apple.management.properties","com.apple.management.server-capabilities"]},"status-items":["device.operating-system.version","device.operating-system.build-version","softwareupdate.install-state","softwareupdate.pending-version","softwareupdate.failure-reason","management.declarations"]}}"#
        let device =
            #""device":{"model":{"family":"Mac","identifier":"Mac14,2","marketing-name":"MacBook Air (M2, 2022)"},"identifier":{"serial-number":"C02\#(mac)","udid":"00000000-0000-0000-0000-\#(String(format: "%012d", mac))"},"operating-system":{"version":"15.7.1","build-version":"24G231","family":"macOS","marketing-name":"macOS Sequoia","supplemental":{"build-version":"24G231","extra-version":""}}}"#
        return
            #"{"StatusItems":{\#(device),\#(update),"management":{\#(management),\#(capabilities)}},"Errors":[],"FullReport":true}"#
    }

    /// pgbench single-row upserts of `rowBytes`-byte text rows (prepared, autocommit), transactions/s.
    func pgbenchUpserts(url: String, database: String, rowBytes: Int, transactionsPerClient: Int) throws -> Double {
        let body = String(repeating: "x", count: rowBytes)
        return try Pgbench.transactionsPerSecond(
            script: """
                \\set id random(0, \(macs - 1))
                INSERT INTO bench_status (id, body, updated_at) VALUES (:id, '\(body)', now()) ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body, updated_at = EXCLUDED.updated_at;
                """,
            url: url, database: database, clients: pgbenchClients, transactionsPerClient: transactionsPerClient,
            extraArguments: ["-M", "prepared"])
    }
}

extension Duration {
    /// Seconds as a `Double`.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }

    /// Milliseconds as a `Double`.
    var milliseconds: Double { seconds * 1000 }
}
