// SelfServiceUpdatesTests: GET /v1/me/updates from the scheduler's plan, days remaining and the cached flag.

import Database
import EventBus
import FleetStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import ManagedOSDomain
import TestSupport
import Testing

@Suite("Self Service updates", .enabled(if: TestDatabase.isEnabled))
struct SelfServiceUpdatesTests {
    static let now = Date(timeIntervalSince1970: 1_780_000_000)

    @Test func updatesShowTheDeclaredTargetDeadlineDaysRemainingAndWhetherItIsCached() async throws {
        try await GatewayHarness.run(now: { Self.now }) { client, harness in
            let mac = try harness.registerMac("mac-1")
            let none = try await client.execute(uri: "/v1/me/updates", method: .get, headers: mac.bearer)
            #expect(none.status == .ok)
            #expect(none.json["planned"] as? Bool == false)
            #expect((none.json["updates"] as? [Any])?.isEmpty == true)

            // The scheduler's plan: 15.7.2 due in 7.6 days.
            let plan = try #require(try harness.evaluate(mac, now: Self.now))
            var declared = try #require(plan.osEnforcement)
            declared.deadlineInstant = Self.now.addingTimeInterval(7.6 * 86_400)
            var stored = plan
            stored.osEnforcement = declared
            try harness.database.query("DELETE FROM mac_plans")
            let connection = try DatabaseConnection.connect(harness.database.configuration)
            // As the scheduler writes it: the plan and its `plan` event in one transaction.
            try connection.withTransaction { connection in
                try PlanStore.write([.init(plan: stored, itemIDs: [])], on: connection)
                try BusPublisher.publish(
                    BusEventDraft(topic: BusTopic.plan, entity: mac.id.uuidString.lowercased()), on: connection)
            }
            try await harness.settle()

            let answer = try await client.execute(uri: "/v1/me/updates", method: .get, headers: mac.bearer)
            #expect(answer.json["planned"] as? Bool == true)
            let update = try #require((answer.json["updates"] as? [[String: Any]])?.first)
            #expect(update[string: "kind"] == "os")
            #expect(update[string: "reason"] == "update")
            #expect(update[string: "targetVersion"] == "15.7.2")
            #expect(update[string: "targetBuild"] == "24G325")
            #expect(update["daysRemaining"] as? Int == 8)
            #expect(update["due"] as? Bool == false)
            #expect(update["cached"] as? Bool == false)
            #expect(update[string: "deadlineLocal"] == declared.targetLocalDateTime)

            try harness.report(
                mac,
                [
                    "softwareupdate.install-state": .string("prepared"),
                    "softwareupdate.pending-version": .object(["os-version": "15.7.2"]),
                ])
            try await harness.settle()
            let cached = try await client.execute(uri: "/v1/me/updates", method: .get, headers: mac.bearer)
            #expect((cached.json["updates"] as? [[String: Any]])?.first?["cached"] as? Bool == true)
        }
    }

    @Test func anOverdueMacIsDueNowWithNoDaysRemaining() async throws {
        try await GatewayHarness.run(now: { Self.now }) { client, harness in
            let mac = try harness.registerMac("mac-1")
            let plan = try #require(try harness.evaluate(mac, now: Self.now))
            #expect(plan.osEnforcement?.deadlineInstant == Self.now)
            try await harness.settle()
            let answer = try await client.execute(uri: "/v1/me/updates", method: .get, headers: mac.bearer)
            let update = try #require((answer.json["updates"] as? [[String: Any]])?.first)
            #expect(update["daysRemaining"] as? Int == 0)
            #expect(update["due"] as? Bool == true)
        }
    }
}
