// SchedulerBenchmark: 100,000 Macs in 20 blueprints; the time from a new release entering the catalog until
// every affected Mac's plan and declaration set is written, the same for a blueprint-wide item change, and
// peak memory — beside the time PostgreSQL alone takes to write the same plan rows.

import AppleFeedSnapshots
import ArgumentParser
import BenchmarkSupport
import Database
import EventBus
import Foundation
import Logging
import ManagedOSDomain
import SchedulerService

#if canImport(Glibc)
import Glibc
private let rusageSelf = RUSAGE_SELF.rawValue
#elseif canImport(Darwin)
import Darwin
private let rusageSelf = RUSAGE_SELF
#endif

/// `managed-os-bench-scheduler`: needs `DATABASE_URL` of a server where it may create a database.
@main
struct SchedulerBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler-benchmark", abstract: "Measures fleet-wide re-evaluation by the scheduler.")

    @Option(help: "Number of Macs.") var macs = 100_000
    @Option(help: "Number of blueprints.") var blueprints = 20
    @Option(help: "Macs evaluated per transaction.") var batchSize = 1000
    @Option(help: "Write the results into this markdown file between bench-scheduler markers.") var markdown: String?
    @Flag(
        help:
            "Only the first evaluation and the new release, recorded as growth rows (not the bench-scheduler section).")
    var growthOnly = false

    func run() async throws {
        var logger = Logger(label: "bench-scheduler")
        logger.logLevel = .warning
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"] else {
            throw ValidationError("DATABASE_URL must name a PostgreSQL server")
        }
        let server = try DatabaseConfiguration(url: url, maximumConnections: 1)
        let name = "bench_scheduler_\(UInt32.random(in: 0...UInt32.max))"
        try DatabaseConnection.connect(server).executeScript("CREATE DATABASE \(name)")
        var configuration = server.with(database: name)
        configuration.maximumConnections = 4
        let pool = ConnectionPool(configuration: configuration, logger: logger)
        try await MigrationRunner(pool: pool, logger: logger).applyPending()

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-feeds-\(name)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let gdmfPath = folder.appendingPathComponent("gdmf.json").path
        let sofaPath = folder.appendingPathComponent("sofa.json").path
        let older = try AppleFeedSnapshots.feeds(withoutVersion: "15.7.9")
        try older.gdmf.write(to: URL(fileURLWithPath: gdmfPath))
        try older.sofa.write(to: URL(fileURLWithPath: sofaPath))

        // 2026-08-10: 15.7.9 (released 2026-08-06) is the newest 15.x release of the snapshot.
        let clock = ManualSchedulerClock(try Date("2026-08-10T12:00:00Z", strategy: .iso8601))
        let settings = SchedulerSettings(
            gdmfSource: .file(path: gdmfPath), sofaSource: .file(path: sofaPath), batchSize: batchSize)
        let service = SchedulerService(pool: pool, settings: settings, clock: clock, logger: logger)

        let sharedItem = try await seed(pool: pool)
        print("seeded \(macs) Macs in \(blueprints) blueprints")
        let initial = try await timedDrain(service)
        print("initial evaluation: \(initial.report.evaluated) Macs in \(format(initial.seconds)) s")

        // A new release enters the catalog.
        try AppleFeedSnapshots.gdmfCached().write(to: URL(fileURLWithPath: gdmfPath))
        try AppleFeedSnapshots.sofaV2().write(to: URL(fileURLWithPath: sofaPath))
        let release = try await timedDrain(service, force: true)
        print(
            "new release: \(release.report.evaluated) Macs evaluated, \(release.report.plansChanged) plans and "
                + "\(release.report.declarationSetsChanged) declaration sets changed in \(format(release.seconds)) s")

        if growthOnly {
            let reference = try await copyPlansSeconds(pool)
            await pool.close()
            _ = try? DatabaseConnection.connect(server).executeScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            if let markdown {
                try GrowthTable.record(growthRows(initial.seconds, release.seconds, reference), into: markdown)
            }
            return
        }

        // The item every blueprint holds changes its timeframe.
        var changedItem = sharedItem
        changedItem.versionEnforcement = .automatic(timeframe: .twoWeeks)
        let item = changedItem
        try await pool.withTransaction { connection in
            try connection.execute(
                "UPDATE items SET config = $2::jsonb WHERE id = $1::uuid", [item.id, try PostgresJSON(encoding: item)])
            _ = try BusPublisher.publish(
                BusEventDraft(topic: BusTopic.library, entity: item.id.postgresText), on: connection)
        }
        let change = try await timedDrain(service)
        print(
            "blueprint-wide item change: \(change.report.evaluated) Macs evaluated, \(change.report.plansChanged) plans "
                + "changed in \(format(change.seconds)) s")

        let reference = try await copyPlansSeconds(pool)

        let peakMiB = peakMemoryMiB()
        print("peak memory: \(format(peakMiB)) MiB")

        await pool.close()
        _ = try? DatabaseConnection.connect(server).executeScript("DROP DATABASE IF EXISTS \(name)")

        let results = [
            BenchmarkResult(
                name: "new release → every affected plan and declaration set written (\(macs) Macs)",
                figure: release.seconds, unit: "s", reference: reference,
                referenceName: "PostgreSQL copying \(macs) whole plan rows", target: "≤ 10 s", met: release.seconds <= 10),
            BenchmarkResult(
                name: "blueprint-wide item change → every plan written (\(macs) Macs)",
                figure: change.seconds, unit: "s", reference: reference,
                referenceName: "PostgreSQL copying \(macs) whole plan rows", target: "≤ 10 s", met: change.seconds <= 10),
            BenchmarkResult(
                name: "first evaluation of the whole fleet (\(macs) Macs)",
                figure: initial.seconds, unit: "s", reference: reference,
                referenceName: "PostgreSQL copying \(macs) whole plan rows", target: "—", met: nil),
            BenchmarkResult(
                name: "peak memory of the scheduler process", figure: peakMiB, unit: "MiB", reference: 1024,
                referenceName: "1 GiB", target: "≤ 1024 MiB", met: peakMiB <= 1024),
        ]
        let report = BenchmarkReport(
            section: "bench-scheduler", title: "Scheduler: fleet-wide re-evaluation (release build, 2 cores)",
            results: results)
        print(report.markdown)
        if let markdown {
            try report.write(into: markdown)
            try GrowthTable.record(growthRows(initial.seconds, release.seconds, reference), into: markdown)
        }
    }

    /// Reference: PostgreSQL alone writing the same number of whole plan rows, in seconds: mac_plans copied with
    /// each Mac's plan JSON in its row, as they were stored before plans were kept once per shape (migration
    /// 0020), so the reference stays what it measured before.
    private func copyPlansSeconds(_ pool: ConnectionPool) async throws -> Double {
        let start = ContinuousClock.now
        try await pool.withConnection { connection in
            try connection.execute(
                """
                CREATE TABLE plan_copy AS
                SELECT p.*, replace(s.plan::text, '00000000-0000-0000-0000-000000000000', upper(p.device_id::text))::json
                       AS plan
                FROM mac_plans p JOIN plan_shapes s ON s.plan_digest = p.plan_digest
                """)
        }
        let reference = (ContinuousClock.now - start).seconds
        print("reference: copying \(macs) plan rows in PostgreSQL took \(format(reference)) s")
        return reference
    }

    /// The process's peak resident memory so far.
    private func peakMemoryMiB() -> Double {
        var usage = rusage()
        getrusage(rusageSelf, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// This run's rows of the growth table.
    private func growthRows(_ initial: Double, _ release: Double, _ reference: Double) -> [GrowthRow] {
        let when = MachineLoad.now
        return [
            GrowthRow(
                benchmark: "scheduler", measured: "first evaluation of the whole fleet", macs: macs, figure: initial,
                unit: "s", reference: reference, referenceName: "PostgreSQL copying the plan rows (s)", when: when),
            GrowthRow(
                benchmark: "scheduler", measured: "new release → every affected plan written", macs: macs,
                figure: release, unit: "s", reference: reference,
                referenceName: "PostgreSQL copying the plan rows (s)", when: when),
            GrowthRow(
                benchmark: "scheduler", measured: "peak memory of the scheduler process", macs: macs,
                figure: peakMemoryMiB(), unit: "MiB", reference: 1024, referenceName: "1 GiB (MiB)", when: when),
        ]
    }

    /// Runs scheduler cycles until nothing is queued and no event is left; returns the summed report.
    private func timedDrain(
        _ service: SchedulerService, force: Bool = false
    ) async throws
        -> (seconds: Double, report: PlanMaterializer.Report)
    {
        let start = ContinuousClock.now
        var total = PlanMaterializer.Report()
        if force { try await service.refresher.refresh(now: Date(), force: true) }
        while true {
            let cycle = try await service.cycle.run()
            total.evaluated += cycle.evaluation.evaluated
            total.plansChanged += cycle.evaluation.plansChanged
            total.declarationSetsChanged += cycle.evaluation.declarationSetsChanged
            if cycle.evaluation.evaluated == 0 && cycle.eventsHandled == 0 { break }
        }
        return ((ContinuousClock.now - start).seconds, total)
    }

    /// 20 blueprints, each with the shared macOS 15 item and a macOS 14 item of its own; Macs spread over
    /// them, 70% on macOS 15 (15.7.7 or 15.7.8), 20% on 14.8.8, 10% on 26.6.
    private func seed(pool: ConnectionPool) async throws -> ManagedOSItem {
        let shared = ManagedOSItem(
            id: UUID(), label: "macOS 15 fleet", major: 15, installationMethod: .continuous,
            versionEnforcement: .automatic(timeframe: .oneWeek), enforcementTime: EnforcementTime(hour: 17, minute: 0)!,
            enforcementTimeZone: "America/New_York")
        let macCount = macs
        let blueprintCount = blueprints
        try await pool.withTransaction { connection in
            try connection.execute(
                "INSERT INTO items (id, label, major, installation_method, config) VALUES ($1::uuid, $2, 15, 'continuous', $3::jsonb)",
                [shared.id, shared.label, try PostgresJSON(encoding: shared)])
            for index in 0..<blueprintCount {
                let blueprint = UUID()
                let sonoma = ManagedOSItem(
                    id: UUID(), label: "macOS 14 #\(index)", major: 14, installationMethod: .continuous,
                    versionEnforcement: .automatic(timeframe: .twoWeeks),
                    enforcementTime: EnforcementTime(hour: 9, minute: 0)!,
                    enforcementTimeZone: "Europe/London")
                try connection.execute(
                    "INSERT INTO blueprints (id, name) VALUES ($1::uuid, $2)", [blueprint, "Blueprint \(index)"])
                try connection.execute(
                    "INSERT INTO items (id, label, major, installation_method, config) VALUES ($1::uuid, $2, 14, 'continuous', $3::jsonb)",
                    [sonoma.id, sonoma.label, try PostgresJSON(encoding: sonoma)])
                try connection.execute(
                    "INSERT INTO blueprint_items VALUES ($1::uuid, $2::uuid), ($1::uuid, $3::uuid)",
                    [blueprint, shared.id, sonoma.id])
            }
            try connection.execute(
                """
                WITH b AS (SELECT array_agg(id ORDER BY name) AS ids FROM blueprints),
                macs AS (
                    INSERT INTO devices (enrollment_id, model_identifier, blueprint_id, time_zone)
                    SELECT 'mac-' || n, 'Mac14,2', b.ids[1 + n % $2::integer],
                           (ARRAY['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', NULL])[1 + n % 4]
                    FROM generate_series(1, $1::integer) AS n, b
                    RETURNING id, enrollment_id)
                INSERT INTO device_status (device_id, status_items, last_received_at, last_sequence)
                SELECT id, jsonb_build_object('device.operating-system.version',
                           CASE WHEN k % 10 < 4 THEN '15.7.8' WHEN k % 10 < 7 THEN '15.7.7'
                                WHEN k % 10 < 9 THEN '14.8.8' ELSE '26.6' END),
                       '2026-08-10T06:00:00Z'::timestamptz, nextval('status_report_sequence')
                FROM (SELECT id, substring(enrollment_id from 5)::integer AS k FROM macs) AS m
                """, [macCount, blueprintCount])
            // Registration events, as library-api would publish them (one per blueprint is enough to queue all).
            _ = try BusPublisher.publish(
                try connection.query("SELECT id FROM blueprints").rows.map {
                    BusEventDraft(topic: BusTopic.blueprint, entity: (try $0.decode("id", as: UUID.self)).postgresText)
                }, on: connection)
        }
        return shared
    }

    private func format(_ value: Double) -> String { String(format: "%.2f", value) }
}

extension Duration {
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
