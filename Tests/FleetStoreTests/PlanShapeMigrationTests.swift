// Migration 0020 moves stored plans into shapes: a plan the scheduler wrote before must read back the same and
// carry the digest the scheduler computes now, or every Mac's plan would be rewritten at its next evaluation.

import Database
import FleetStore
import Foundation
import ManagedOSDomain
import TestSupport
import Testing

@Suite(.enabled(if: TestDatabase.isEnabled))
struct PlanShapeMigrationTests {
    @Test func plansWrittenBeforeReadBackEqualAndAreNotRewritten() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let pool = database.makePool()
        let all = try Migration.bundled()
        let shapes = try #require(all.firstIndex { $0.name.hasPrefix("0020_") })
        try await MigrationRunner(pool: pool, logger: TestDatabase.logger, migrations: Array(all[..<shapes]))
            .applyPending()
        let connection = try DatabaseConnection.connect(database.configuration)
        let macs: [UUID] = try connection.query(
            "INSERT INTO devices (enrollment_id) SELECT 'm' || n FROM generate_series(1, 3) n RETURNING id"
        ).rows.map { try $0.decode("id") }
        // Two Macs in the same situation at different instants, one evaluated three days later (another shape).
        let instant = try Date("2026-08-10T12:00:00Z", strategy: .iso8601)
        let plans = [
            try PlanStoreTests.plan(at: instant, mac: macs[0]),
            try PlanStoreTests.plan(at: instant.addingTimeInterval(60), mac: macs[1]),
            try PlanStoreTests.plan(at: instant.addingTimeInterval(3 * 86_400), mac: macs[2]),
        ]
        // As PlanStore stored them before: the whole JSON per Mac.
        for plan in plans {
            try connection.query(
                """
                INSERT INTO mac_plans (device_id, plan, plan_digest, compliance, is_legacy, evaluated_at)
                VALUES ($1, $2::json, 'written before 0020', $3, false, $4)
                """,
                [plan.macID, try PostgresJSON(encoding: plan).text, plan.compliance.status.rawValue, plan.evaluatedAt])
        }

        try await MigrationRunner(pool: pool, logger: TestDatabase.logger, migrations: all).applyPending()
        #expect(try connection.query("SELECT count(*) AS n FROM plan_shapes").first!.decode("n", as: Int.self) == 2)
        for plan in plans {
            #expect(try PlanStore.plan(deviceID: plan.macID, on: connection) == plan)
            let stored: String = try connection.query(
                "SELECT plan_digest FROM mac_plans WHERE device_id = $1", [plan.macID]
            ).first!.decode("plan_digest")
            #expect(stored == (try PlanStore.digest(of: plan)))
        }
        #expect(try PlanStore.write(plans.map { .init(plan: $0, itemIDs: []) }, on: connection).isEmpty)
        await pool.close()
    }
}
