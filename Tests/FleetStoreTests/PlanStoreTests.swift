// PlanStoreTests: plans are stored once per shape and read back as the domain JSON with their Mac id and real
// evaluation instant, the digest ignores that instant, and writing an unchanged plan writes nothing.

import AppleFeedSnapshots
import Database
import Digests
import FleetStore
import Foundation
import ManagedOSDomain
import Testing
import TestSupport

@Suite("Plan store", .enabled(if: TestDatabase.isEnabled))
struct PlanStoreTests {
    static func plan(at instant: Date, mac: UUID) throws -> MacPlan {
        let item = ManagedOSItem(
            id: UUID(uuidString: "00000000-0000-0000-0000-000000000015")!, label: "macOS 15", major: 15,
            installationMethod: .continuous,
            versionEnforcement: .automatic(timeframe: .oneWeek), enforcementTime: EnforcementTime(hour: 17, minute: 0)!,
            enforcementTimeZone: "Europe/Berlin")
        let state = MacState(
            id: mac, hardware: MacHardware(modelIdentifier: "Mac14,2"), osVersion: try OSVersion(parsing: "15.7.8"),
            lastReportAt: try Date("2026-08-10T06:00:00Z", strategy: .iso8601))
        return MacEvaluator.evaluate(
            mac: state, items: [item], catalog: try AppleFeedSnapshots.defaultCatalog(), now: instant)
    }

    @Test("a stored plan reads back equal, its digest ignores the evaluation instant, and an unchanged plan is not rewritten")
    func roundTripAndNoRewrite() async throws {
        let database = try await TestDatabase.create()
        defer { database.drop() }
        let connection = try DatabaseConnection.connect(database.configuration)
        let mac: UUID = try connection.query("INSERT INTO devices (enrollment_id) VALUES ('m') RETURNING id").first!.decode("id")
        let instant = try Date("2026-08-10T12:00:00Z", strategy: .iso8601)
        let first = try Self.plan(at: instant, mac: mac)
        #expect(try PlanStore.write([.init(plan: first, itemIDs: [])], on: connection) == [mac])
        #expect(try PlanStore.plan(deviceID: mac, on: connection) == first)

        // A minute later nothing that matters changed: same digest, nothing written, the stored instant stays.
        let later = try Self.plan(at: instant.addingTimeInterval(60), mac: mac)
        #expect(later.evaluatedAt != first.evaluatedAt)
        #expect(try PlanStore.digest(of: later) == PlanStore.digest(of: first))
        #expect(try PlanStore.write([.init(plan: later, itemIDs: [])], on: connection).isEmpty)
        #expect(try PlanStore.plan(deviceID: mac, on: connection)?.evaluatedAt == first.evaluatedAt)
        // A different set of reaching items is a change.
        #expect(try PlanStore.write([.init(plan: later, itemIDs: [UUID()])], on: connection) == [mac])
        // Three days later the day count changed: a new digest and a write.
        let changed = try Self.plan(at: instant.addingTimeInterval(3 * 86_400), mac: mac)
        #expect(try PlanStore.digest(of: changed) != PlanStore.digest(of: first))
        #expect(try PlanStore.write([.init(plan: changed, itemIDs: [])], on: connection) == [mac])
        #expect(try PlanStore.plan(deviceID: mac, on: connection) == changed)
    }

    @Test("Macs with equal plans but for their id share one stored shape; each reads back with its own id")
    func sameShapeDifferentMacs() async throws {
        let database = try await TestDatabase.create()
        defer { database.drop() }
        let connection = try DatabaseConnection.connect(database.configuration)
        let macs: [UUID] = try connection.query(
            "INSERT INTO devices (enrollment_id) SELECT 'm' || n FROM generate_series(1, 3) n RETURNING id"
        ).rows.map { try $0.decode("id") }
        let instant = try Date("2026-08-10T12:00:00Z", strategy: .iso8601)
        let plans = try macs.map { try Self.plan(at: instant, mac: $0) }
        #expect(Set(try PlanStore.write(plans.map { .init(plan: $0, itemIDs: []) }, on: connection)) == Set(macs))
        #expect(try connection.query("SELECT count(*) AS n FROM plan_shapes").first!.decode("n", as: Int.self) == 1)
        for plan in plans {
            #expect(try PlanStore.plan(deviceID: plan.macID, on: connection) == plan)
            // The stored document is exactly what JSONEncoder writes for the Mac's plan.
            #expect(try PlanStore.document(deviceID: plan.macID, on: connection) == PostgresJSON(encoding: plan).text)
            // The digest, computed here straight from JSONEncoder over the plan without its id and instant,
            // is what was stored.
            var blanked = plan
            blanked.macID = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
            blanked.evaluatedAt = Date(timeIntervalSince1970: 0)
            let expected = SHA256Hex.digest(of: try PostgresJSON(encoding: blanked).text)
            #expect(try PlanStore.digest(of: plan) == expected)
            let stored: String = try connection.query(
                "SELECT plan_digest FROM mac_plans WHERE device_id = $1::uuid", [plan.macID]
            ).first!.decode("plan_digest")
            #expect(stored == expected)
        }
    }

    @Test("shapes no plan names are deleted; named and recent ones stay; a plan naming a deleted shape stores it again")
    func unusedShapesAreDeleted() async throws {
        let database = try await TestDatabase.create()
        defer { database.drop() }
        let connection = try DatabaseConnection.connect(database.configuration)
        let macs: [UUID] = try connection.query(
            "INSERT INTO devices (enrollment_id) SELECT 'm' || n FROM generate_series(1, 2) n RETURNING id"
        ).rows.map { try $0.decode("id") }
        let instant = try Date("2026-08-10T12:00:00Z", strategy: .iso8601)
        let first = try macs.map { try Self.plan(at: instant, mac: $0) }
        try PlanStore.write(first.map { .init(plan: $0, itemIDs: []) }, on: connection)
        // Three days later the first Mac's plan has a new shape; the second still names the first shape.
        let later = try Self.plan(at: instant.addingTimeInterval(3 * 86_400), mac: macs[0])
        try PlanStore.write([.init(plan: later, itemIDs: [])], on: connection)
        func shapes() throws -> Int { try connection.query("SELECT count(*) AS n FROM plan_shapes").first!.decode("n") }
        #expect(try shapes() == 2)
        // Stored just now: kept when only older ones may go.
        #expect(try PlanStore.deleteUnusedShapes(createdBefore: Date().addingTimeInterval(-3600), on: connection) == 0)
        // The second Mac moves to the new shape: the first is named by no plan and goes.
        let secondLater = try Self.plan(at: instant.addingTimeInterval(3 * 86_400), mac: macs[1])
        try PlanStore.write([.init(plan: secondLater, itemIDs: [])], on: connection)
        #expect(try PlanStore.deleteUnusedShapes(createdBefore: Date().addingTimeInterval(60), on: connection) == 1)
        #expect(try shapes() == 1)
        #expect(try PlanStore.plan(deviceID: macs[0], on: connection) == later)
        #expect(try PlanStore.plan(deviceID: macs[1], on: connection) == secondLater)
        // Back to the first situation: its shape is stored again and the plan reads back.
        try PlanStore.write([.init(plan: first[0], itemIDs: [])], on: connection)
        #expect(try shapes() == 2)
        #expect(try PlanStore.plan(deviceID: macs[0], on: connection) == first[0])
    }
}
