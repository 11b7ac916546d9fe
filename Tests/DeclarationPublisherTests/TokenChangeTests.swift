// TokenChangeTests: tokens change exactly when content changes; a burst is one command; replicas agree byte for byte.

import Database
import DeclarationPublisherService
import DeclarativeManagement
import FleetStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import TestSupport
import Testing

@Suite("DDM tokens and replicas", .enabled(if: TestDatabase.isEnabled))
struct TokenChangeTests {
    /// The tokens JSON of the Mac's queued DeclarativeManagement command, as delivery renders it when it claims
    /// the command.
    static func queuedTokens(_ harness: PublisherHarness, _ mac: UUID) async throws -> String? {
        let claimed = try await CommandOutbox(pool: harness.pool).claim(limit: 10, lease: .seconds(60))
        guard let command = claimed.first(where: { $0.deviceID == mac && $0.requestType == "DeclarativeManagement" })
        else { return nil }
        let root =
            try PropertyListSerialization.propertyList(from: Data(command.payload.utf8), format: nil) as? [String: Any]
        #expect(root?["CommandUUID"] as? String == command.commandUUID.uuidString)
        let data = (root?["Command"] as? [String: Any])?["Data"] as? Data
        return data.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func noOpReEvaluationChangesNothingAndAChangeChangesTheTokens() async throws {
        try await PublisherHarness.run { client, harness in
            let mac = try harness.register("mac-1")
            let plan = PublisherFixtures.plan(mac, os: PublisherFixtures.enforcement("15.7.2"))
            let first = PublisherFixtures.set(mac, macOS: "15.6", plan: plan)
            #expect(try await harness.replace(mac, "mac-1", first))
            let tokensBefore = try await client.ddm("/tokens", enrollment: "mac-1").text
            let snapshot = try harness.snapshot()

            // The same content evaluated a day later: nothing written, no event, no command.
            let again = PublisherFixtures.set(
                mac, macOS: "15.6", plan: plan, at: PublisherFixtures.evaluatedAt.addingTimeInterval(86_400))
            #expect(try await !harness.replace(mac, "mac-1", again))
            #expect(try harness.snapshot() == snapshot)
            #expect(try await client.ddm("/tokens", enrollment: "mac-1").text == tokensBefore)

            // A moved deadline: new token, served once the replica has read the plan event.
            let moved = PublisherFixtures.set(
                mac, macOS: "15.6",
                plan: PublisherFixtures.plan(
                    mac, os: PublisherFixtures.enforcement("15.7.2", deadline: "2026-01-20T09:00:00")),
                at: PublisherFixtures.evaluatedAt.addingTimeInterval(3600))
            #expect(moved.declarationsToken != first.declarationsToken)
            #expect(try await harness.replace(mac, "mac-1", moved))
            let converged1 = try await eventually {
                    try await client.ddm("/declaration-items", enrollment: "mac-1").text == moved.manifestJSON
                }
            #expect(converged1)
            let tokens = try await client.ddm("/tokens", enrollment: "mac-1").text
            #expect(tokens.contains(moved.declarationsToken))
            #expect(tokens.contains("2026-01-01T01:00:00Z"))
            #expect(try harness.count("bus_events", "topic = 'plan'") == 2)
        }
    }

    @Test func aBurstOfChangesQueuesOneCommandCarryingTheLatestTokens() async throws {
        try await PublisherHarness.run { client, harness in
            let mac = try harness.register("mac-burst")
            var last: DeclarationSet?
            for day in 10...19 {
                let set = PublisherFixtures.set(
                    mac, macOS: "15.6",
                    plan: PublisherFixtures.plan(
                        mac, os: PublisherFixtures.enforcement("15.7.2", deadline: "2026-01-\(day)T09:00:00")),
                    at: PublisherFixtures.evaluatedAt.addingTimeInterval(Double(day)))
                #expect(try await harness.replace(mac, "mac-burst", set))
                last = set
            }
            #expect(try harness.count("command_outbox") == 1)
            // Nine changes coalesced into the first command: its revision moved, no payload was stored.
            #expect(try harness.count("command_outbox", "revision = 9 AND payload IS NULL") == 1)
            let queued = try #require(try await Self.queuedTokens(harness, mac))
            #expect(queued.contains(try #require(last).declarationsToken))
            // The command carries exactly what the tokens endpoint serves.
            let held1 = try await eventually { try await client.ddm("/tokens", enrollment: "mac-burst").text == queued }
            #expect(held1)
        }
    }

    @Test func twoReplicasServeByteIdenticalAnswers() async throws {
        let database = try await TestDatabase.create()
        defer { database.drop() }
        let poolA = database.makePool(maximumConnections: 4)
        let poolB = database.makePool(maximumConnections: 4)
        let setup = PublisherHarness(database: database, pool: poolA)
        var macs: [(UUID, String)] = []
        for index in 0..<3 {
            let enrollment = "mac-r\(index)"
            let mac = try setup.register(enrollment)
            let plan = PublisherFixtures.plan(mac, os: PublisherFixtures.enforcement("15.7.\(index + 2)"))
            try await setup.replace(mac, enrollment, PublisherFixtures.set(mac, macOS: "15.6", plan: plan))
            macs.append((mac, enrollment))
        }
        let registered = macs
        let (_, appA) = DeclarationPublisherService.makeApplication(
            pool: poolA, settings: DeclarationPublisherSettings(), logger: PublisherHarness.logger,
            invalidationInterval: .milliseconds(200))
        let (_, appB) = DeclarationPublisherService.makeApplication(
            pool: poolB, settings: DeclarationPublisherSettings(), logger: PublisherHarness.logger,
            invalidationInterval: .milliseconds(200))
        let paths = [
            "/tokens", "/declaration-items", "/declaration/activation/com.managedos.activation",
            "/declaration/configuration/com.managedos.enforcement.os",
            "/declaration/configuration/com.managedos.status-subscriptions",
        ]
        try await appA.test(.router) { a in
            try await appB.test(.router) { b in
                @Sendable func answers(_ client: any TestClientProtocol, _ enrollment: String) async throws -> [String] {
                    var texts: [String] = []
                    for path in paths { texts.append(try await client.ddm(path, enrollment: enrollment).text) }
                    return texts
                }
                for (_, enrollment) in registered {
                    let warm = try await answers(a, enrollment)
                    let cached = try await answers(a, enrollment)  // from A's cache
                    let cold = try await answers(b, enrollment)  // B cold
                    #expect(cached == warm)
                    #expect(cold == warm)
                }
                // A change reaches both replicas, and they agree again.
                let (mac, enrollment) = registered[0]
                let changed = PublisherFixtures.set(
                    mac, macOS: "15.6",
                    plan: PublisherFixtures.plan(
                        mac, os: PublisherFixtures.enforcement("15.7.4", deadline: "2026-02-01T09:00:00")),
                    at: PublisherFixtures.evaluatedAt.addingTimeInterval(7200))
                try await setup.replace(mac, enrollment, changed)
                let converged2 = try await eventually {
                        let fromA = try await a.ddm("/declaration-items", enrollment: enrollment).text
                        let fromB = try await b.ddm("/declaration-items", enrollment: enrollment).text
                        return fromA == changed.manifestJSON && fromB == changed.manifestJSON
                    }
                #expect(converged2)
                let answersA = try await answers(a, enrollment)
                let answersB = try await answers(b, enrollment)
                #expect(answersA == answersB)
                let body = try await b.ddm(
                    "/declaration/configuration/com.managedos.enforcement.os", enrollment: enrollment
                ).text
                #expect(body.contains("\"TargetOSVersion\":\"15.7.4\""))
            }
        }
        await poolA.close()
        await poolB.close()
    }
}
