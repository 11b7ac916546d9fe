// SchedulerFailoverFaultTests: two real scheduler processes on one database; one is active, the other waits.
// Killing the active one in the middle of a fleet-wide evaluation hands the work to the standby within
// seconds, and the plans written equal an uninterrupted evaluation.

import Database
import FleetStore
import Foundation
import ManagedOSDomain
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 10's scheduler kill: `FAULT_SCHEDULER_MACS` Macs (default 100,000), half due for an update, are
/// seeded with one `generate_series` insert; two schedulers start, and `kill -9` hits the active one once a
/// quarter of the plans are written. The standby must take over within 5 s and finish, and every stored plan
/// must equal the plan this test computes itself with the same catalog, fleet and instant. Batches are
/// `macs / 400` Macs (at least 25), so there are always hundreds of transactions to interrupt.
@Suite(.serialized, .enabled(if: TestDatabase.isEnabled, "SKIP_DB_TESTS=1"))
struct SchedulerFailoverFaultTests {
    static var macCount: Int {
        ProcessInfo.processInfo.environment["FAULT_SCHEDULER_MACS"].flatMap { Int($0) } ?? 100_000
    }
    static let now = "2026-08-10T12:00:00Z"

    @Test(
        "kill -9 of the active scheduler mid-evaluation: the standby takes over within seconds and the result equals an uninterrupted run"
    )
    func killActiveSchedulerMidBatch() async throws {
        let macCount = Self.macCount
        try await FreshDatabase.with { fresh in
            let binary = try ServiceBinaries.url(for: "scheduler")
            var environment = ProcessInfo.processInfo.environment
            environment["DATABASE_URL"] = fresh.url
            environment["SCHEDULER_NOW"] = Self.now
            environment["SCHEDULER_BATCH_SIZE"] = String(max(25, macCount / 400))
            environment["SCHEDULER_LOCK_RETRY_MS"] = "200"
            environment["LOG_LEVEL"] = "info"
            let migrate = try ChildProcess(executable: binary, arguments: ["migrate"], environment: environment)
            #expect(try await migrate.exitStatus(timeout: .seconds(120)) == 0)
            let clock = ContinuousClock()
            let seedStarted = clock.now
            let database = fresh.database
            try await BlockingWork.run { try Self.seedFleet(database, macs: macCount) }
            let seeding = clock.now - seedStarted

            func start() throws -> ChildProcess {
                var env = environment
                env["HTTP_PORT"] = String(try HTTPProbe.freePort())
                return try ChildProcess(executable: binary, environment: env)
            }
            let first = try start()
            let second = try start()
            let processes = [first, second]
            let started = clock.now
            let deadline = started + .seconds(300 + macCount / 20)
            var active: ChildProcess?
            // Wait until one of them is active and has written a quarter of the plans.
            while clock.now < deadline {
                active = processes.first { $0.standardError.contains("active scheduler") }
                if active != nil, try await fresh.count("SELECT count(*) AS n FROM mac_plans") >= macCount / 4 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let killed = try #require(active, "no scheduler became active")
            let standby = processes.first { $0 !== killed }!
            #expect(!standby.standardError.contains("active scheduler"), "two schedulers were active at once")
            let writtenBeforeKill = try await fresh.count("SELECT count(*) AS n FROM mac_plans")
            killed.send(SIGKILL)
            let killedAt = clock.now - started
            _ = try await killed.waitForExit(timeout: .seconds(10))
            #expect(writtenBeforeKill < macCount, "the evaluation had already finished before the kill")

            let takeover = clock.now
            while !standby.standardError.contains("active scheduler"), clock.now - takeover < .seconds(30) {
                try await Task.sleep(for: .milliseconds(20))
            }
            let takeoverTime = clock.now - takeover
            #expect(standby.standardError.contains("active scheduler"))
            #expect(takeoverTime < .seconds(5), "standby took \(takeoverTime) to take over")
            while clock.now < deadline {
                let queued = try await fresh.count("SELECT count(*) AS n FROM evaluation_queue")
                if queued == 0, try await fresh.count("SELECT count(*) AS n FROM mac_plans") >= macCount { break }
                try await Task.sleep(for: .milliseconds(500))
            }
            let finishedAt = clock.now - started
            #expect(try await fresh.count("SELECT count(*) AS n FROM mac_plans") == macCount)

            // The uninterrupted result, computed here with the same catalog, fleet and instant.
            let computeStarted = clock.now
            let configurationDatabase = fresh.database.configuration
            let expected = try await BlockingWork.run { () -> [UUID: String] in
                let connection = try DatabaseConnection.connect(configurationDatabase)
                let configuration = try FleetConfiguration.load(on: connection)
                let instant = try Date(Self.now, strategy: .iso8601)
                let evaluator = MacEvaluator(catalog: configuration.catalog, now: instant)
                var expected: [UUID: String] = [:]
                for mac in try FleetLoader.allMacs(on: connection) {
                    guard let state = mac.state else { continue }
                    expected[mac.deviceID] = try PlanStore.digest(
                        of: evaluator.evaluate(mac: state, items: configuration.items(for: mac)))
                }
                return expected
            }
            let computing = clock.now - computeStarted
            var stored: [UUID: String] = [:]
            for row in try await fresh.sql("SELECT device_id, plan_digest FROM mac_plans").rows {
                stored[try row.decode("device_id")] = try row.decode("plan_digest")
            }
            #expect(stored.count == expected.count)
            #expect(stored == expected)
            let differing = expected.filter { stored[$0.key] != $0.value }.count
            let pending = try await fresh.count("SELECT count(*) AS n FROM mac_plans WHERE compliance = 'pending'")
            #expect(pending == macCount / 2, "half the fleet is on 15.7.8 and due for 15.7.9")
            print(
                """
                fault: scheduler kill -9: \(macCount) Macs seeded in \(seeding.faultText); active scheduler killed at \
                \(killedAt.faultText) with \(writtenBeforeKill) plans written; standby active \(takeoverTime.faultText) \
                later; all \(stored.count) plans written \(finishedAt.faultText) after start (\(pending) pending); \
                \(differing) differ from the uninterrupted evaluation (computed in \(computing.faultText))
                """)
            standby.send(SIGTERM)
            _ = try await standby.waitForExit(timeout: .seconds(10))
        }
    }

    /// One blueprint with a macOS 15 item (automatic, 1 week) and `macCount` Macs, half on 15.7.8 and half
    /// on 15.7.9.
    private static func seedFleet(_ database: TestDatabase, macs: Int) throws {
        let item = ManagedOSItem(
            id: UUID(), label: "macOS 15", major: 15, installationMethod: .continuous,
            versionEnforcement: .automatic(timeframe: .oneWeek), enforcementTime: EnforcementTime(hour: 17, minute: 0)!,
            enforcementTimeZone: "America/New_York")
        let blueprint = UUID()
        try database.query("INSERT INTO blueprints (id, name) VALUES ($1::uuid, 'Fleet')", [blueprint])
        try database.query(
            "INSERT INTO items (id, label, major, installation_method, config) VALUES ($1::uuid, $2, 15, 'continuous', $3::jsonb)",
            [item.id, item.label, try PostgresJSON(encoding: item)])
        try database.query("INSERT INTO blueprint_items VALUES ($1::uuid, $2::uuid)", [blueprint, item.id])
        try database.query(
            """
            WITH macs AS (
                INSERT INTO devices (enrollment_id, model_identifier, blueprint_id, time_zone)
                SELECT 'mac-' || n, 'Mac14,2', $1::uuid, 'Europe/Paris' FROM generate_series(1, $2::integer) AS n
                RETURNING id, enrollment_id)
            INSERT INTO device_status (device_id, status_items, last_received_at, last_sequence)
            SELECT id, jsonb_build_object('device.operating-system.version',
                       CASE WHEN substring(enrollment_id from 5)::integer % 2 = 0 THEN '15.7.8' ELSE '15.7.9' END),
                   $3::timestamptz, nextval('status_report_sequence')
            FROM macs
            """, [blueprint, macs, try Date(Self.now, strategy: .iso8601)])
    }
}
