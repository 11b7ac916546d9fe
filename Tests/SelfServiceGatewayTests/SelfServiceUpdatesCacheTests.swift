// SelfServiceUpdatesCacheTests: GET /v1/me/updates is answered from the replica's memory until an event or the
// clock changes the answer.

import Database
import EventBus
import FleetStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import ManagedOSDomain
import Synchronization
import TestSupport
import Testing

@Suite("Self Service updates cache", .enabled(if: TestDatabase.isEnabled))
struct SelfServiceUpdatesCacheTests {
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    /// A clock the test moves.
    final class TestClock: Sendable {
        let instant = Mutex(SelfServiceUpdatesCacheTests.start)
        var now: Date { instant.withLock { $0 } }
        func advance(days: Double) { instant.withLock { $0 = $0.addingTimeInterval(days * 86_400) } }
    }

    /// Writes `mac`'s plan (evaluated once by the harness, which publishes) with its OS deadline `days` after
    /// `start`, as the scheduler would; publishes the `plan` event only when asked.
    static func writePlan(
        _ mac: GatewayHarness.Mac, deadlineInDays days: Double, publish: Bool, harness: GatewayHarness
    ) throws {
        let connection = try DatabaseConnection.connect(harness.database.configuration)
        var plan = try #require(try PlanStore.plan(deviceID: mac.id, on: connection))
        var declared = try #require(plan.osEnforcement)
        declared.deadlineInstant = start.addingTimeInterval(days * 86_400)
        plan.osEnforcement = declared
        try connection.withTransaction { connection in
            try PlanStore.write([.init(plan: plan, itemIDs: [])], on: connection)
            if publish {
                try BusPublisher.publish(
                    BusEventDraft(topic: BusTopic.plan, entity: mac.id.uuidString.lowercased()), on: connection)
            }
        }
    }

    static func daysRemaining(_ client: some TestClientProtocol, _ mac: GatewayHarness.Mac) async throws -> Int? {
        let answer = try await client.execute(uri: "/v1/me/updates", method: .get, headers: mac.bearer)
        #expect(answer.status == .ok)
        return (answer.json["updates"] as? [[String: Any]])?.first?["daysRemaining"] as? Int
    }

    @Test func anAnswerIsServedFromMemoryUntilAnEventNamesTheMac() async throws {
        let clock = TestClock()
        try await GatewayHarness.run(now: { clock.now }) { client, harness in
            let mac = try harness.registerMac("mac-1")
            try harness.evaluate(mac, now: Self.start)
            try Self.writePlan(mac, deadlineInDays: 7.6, publish: true, harness: harness)
            try await harness.settle()
            #expect(try await Self.daysRemaining(client, mac) == 8)

            // A plan written behind the gateway's back (no event): the answer in memory stands.
            try Self.writePlan(mac, deadlineInDays: 2.5, publish: false, harness: harness)
            #expect(try await Self.daysRemaining(client, mac) == 8)

            // The `plan` event naming the Mac drops it: the new plan is read.
            let connection = try DatabaseConnection.connect(harness.database.configuration)
            try connection.withTransaction {
                try BusPublisher.publish(
                    BusEventDraft(topic: BusTopic.plan, entity: mac.id.uuidString.lowercased()), on: $0)
            }
            try await harness.settle()
            #expect(try await Self.daysRemaining(client, mac) == 3)

            // An event naming another Mac leaves this one's answer alone.
            let other = try harness.registerMac("mac-2")
            try harness.evaluate(other, now: Self.start)
            try await harness.settle()
            try Self.writePlan(mac, deadlineInDays: 1.5, publish: false, harness: harness)
            try Self.writePlan(other, deadlineInDays: 4.5, publish: true, harness: harness)
            try await harness.settle()
            #expect(try await Self.daysRemaining(client, mac) == 3)
            #expect(try await Self.daysRemaining(client, other) == 5)
        }
    }

    @Test func daysRemainingAndDueFollowTheClockWithoutAnyEvent() async throws {
        let clock = TestClock()
        try await GatewayHarness.run(now: { clock.now }) { client, harness in
            let mac = try harness.registerMac("mac-1")
            try harness.evaluate(mac, now: Self.start)
            try Self.writePlan(mac, deadlineInDays: 1.5, publish: true, harness: harness)
            try await harness.settle()
            #expect(try await Self.daysRemaining(client, mac) == 2)
            clock.advance(days: 0.4)
            #expect(try await Self.daysRemaining(client, mac) == 2)
            clock.advance(days: 0.2)  // 0.9 days left
            #expect(try await Self.daysRemaining(client, mac) == 1)
            clock.advance(days: 1)  // past the deadline
            let answer = try await client.execute(uri: "/v1/me/updates", method: .get, headers: mac.bearer)
            let update = try #require((answer.json["updates"] as? [[String: Any]])?.first)
            #expect(update["daysRemaining"] as? Int == 0)
            #expect(update["due"] as? Bool == true)
        }
    }

    @Test func aCredentialRevokedInSQLIsRefusedAtOnceThoughItsAnswerWasInMemory() async throws {
        try await GatewayHarness.run { client, harness in
            let mac = try harness.registerMac("mac-1")
            try await harness.settle()
            #expect(try await client.execute(uri: "/v1/me/updates", method: .get, headers: mac.bearer).status == .ok)
            #expect(try await client.execute(uri: "/v1/me/updates", method: .get, headers: mac.bearer).status == .ok)

            // An operator revokes the credential by hand: migration 0016's trigger publishes the `device` event.
            try harness.database.query(
                "UPDATE devices SET self_service_revoked_at = now() WHERE id = $1", [mac.id])
            try await harness.settle()
            let refused = try await client.execute(uri: "/v1/me/updates", method: .get, headers: mac.bearer)
            #expect(refused.status == .unauthorized)

            // Restoring it publishes again.
            try harness.database.query("UPDATE devices SET self_service_revoked_at = NULL WHERE id = $1", [mac.id])
            try await harness.settle()
            #expect(try await client.execute(uri: "/v1/me/updates", method: .get, headers: mac.bearer).status == .ok)
        }
    }
}
