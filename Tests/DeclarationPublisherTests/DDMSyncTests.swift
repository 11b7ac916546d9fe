// DDMSyncTests: a Mac's whole sync as it performs it (tokens → declaration-items → each declaration).

import DeclarationPublisherService
import DeclarativeManagement
import Foundation
import HTTPTypes
import HummingbirdTesting
import ManagedOSDomain
import TestSupport
import Testing

@Suite("DDM sync", .enabled(if: TestDatabase.isEnabled))
struct DDMSyncTests {
    /// Performs a sync like a Mac and returns the declaration bodies by "kind/identifier".
    static func sync(
        _ client: any TestClientProtocol, enrollment: String, expecting set: DeclarationSet
    ) async throws -> [String: [String: Any]] {
        let tokens = try await client.ddm("/tokens", enrollment: enrollment)
        #expect(tokens.status == .ok)
        #expect(tokens.headers[.contentType] == "application/json")
        let syncTokens = try #require(try jsonObject(tokens.text)["SyncTokens"] as? [String: Any])
        #expect(syncTokens["DeclarationsToken"] as? String == set.declarationsToken)
        let timestamp = try #require(syncTokens["Timestamp"] as? String)
        #expect(timestamp.hasSuffix("Z") && timestamp.count == 20)

        let items = try await client.ddm("/declaration-items", enrollment: enrollment)
        #expect(items.status == .ok)
        #expect(items.text == set.manifestJSON)
        let manifest = try jsonObject(items.text)
        #expect(manifest["DeclarationsToken"] as? String == set.declarationsToken)
        let declarations = try #require(manifest["Declarations"] as? [String: [[String: String]]])
        #expect(Set(declarations.keys) == ["Activations", "Assets", "Configurations", "Management"])

        var bodies: [String: [String: Any]] = [:]
        for (key, kind) in [("Activations", "activation"), ("Configurations", "configuration")] {
            for item in declarations[key] ?? [] {
                let identifier = try #require(item["Identifier"])
                let response = try await client.ddm("/declaration/\(kind)/\(identifier)", enrollment: enrollment)
                #expect(response.status == .ok)
                let body = try jsonObject(response.text)
                #expect(body["ServerToken"] as? String == item["ServerToken"])
                #expect(body["Identifier"] as? String == identifier)
                #expect(
                    response.text
                        == set.declaration(kind: DeclarationKind(rawValue: kind)!, identifier: identifier)?.body)
                bodies["\(kind)/\(identifier)"] = body
            }
        }
        return bodies
    }

    static func payload(_ bodies: [String: [String: Any]], _ key: String) -> [String: Any]? {
        bodies[key]?["Payload"] as? [String: Any]
    }

    @Test func macOS15MacDueFor157xSyncsItsEnforcement() async throws {
        try await PublisherHarness.run { client, harness in
            let mac = try harness.register("mac-15")
            let plan = PublisherFixtures.plan(mac, os: PublisherFixtures.enforcement("15.7.2", build: "24G325"))
            let set = PublisherFixtures.set(mac, macOS: "15.6", plan: plan)
            #expect(try await harness.replace(mac, "mac-15", set))

            let bodies = try await Self.sync(client, enrollment: "mac-15", expecting: set)
            let enforcement = try #require(Self.payload(bodies, "configuration/com.managedos.enforcement.os"))
            #expect(enforcement["TargetOSVersion"] as? String == "15.7.2")
            #expect(enforcement["TargetLocalDateTime"] as? String == "2026-01-15T09:00:00")
            #expect(enforcement["DetailsURL"] as? String == "https://it.example.com/macos")
            #expect(enforcement["TargetBuildVersion"] == nil)
            let activation = try #require(Self.payload(bodies, "activation/com.managedos.activation"))
            #expect(
                activation["StandardConfigurations"] as? [String]
                    == ["com.managedos.enforcement.os", "com.managedos.status-subscriptions"])
            #expect(bodies["configuration/com.managedos.status-subscriptions"] != nil)
        }
    }

    @Test func macOS13MacGetsNoEnforcementAndItsLegacyCommandStaysQueued() async throws {
        try await PublisherHarness.run { client, harness in
            let mac = try harness.register("mac-13")
            let plan = PublisherFixtures.plan(
                mac, os: PublisherFixtures.enforcement("13.7.8", channel: .legacyCommands), isLegacy: true)
            let set = PublisherFixtures.set(mac, macOS: "13.6", plan: plan)
            try await harness.replace(mac, "mac-13", set)
            // The scheduler queues the legacy command; with no MDM API configured it stays queued.
            let command = MDMCommand.scheduleOSUpdate(
                productVersion: "13.7.8", installAction: "InstallASAP", commandUUID: UUID())
            try harness.database.query(
                """
                INSERT INTO command_outbox (device_id, enrollment_id, command_uuid, request_type, payload, dedupe_key)
                VALUES ($1, 'mac-13', $2, 'ScheduleOSUpdate', $3, 'legacy:mac-13:13.7.8')
                """, [mac, command.commandUUID, command.plist])

            let bodies = try await Self.sync(client, enrollment: "mac-13", expecting: set)
            #expect(Set(bodies.keys) == ["activation/com.managedos.activation", "configuration/com.managedos.status-subscriptions"])
            let missing = try await client.ddm(
                "/declaration/configuration/com.managedos.enforcement.os", enrollment: "mac-13")
            #expect(missing.status == .notFound)
            #expect(missing.errorCode == "declaration_not_found")
            try await Task.sleep(for: .milliseconds(300))
            #expect(try harness.count("command_outbox", "request_type = 'ScheduleOSUpdate' AND state = 'queued' AND attempts = 0") == 1)
        }
    }

    @Test func bsiMacSyncsTheSupplementalBuildAndSettings() async throws {
        try await PublisherHarness.run { client, harness in
            let mac = try harness.register("mac-bsi")
            let plan = PublisherFixtures.plan(
                mac, bsi: PublisherFixtures.enforcement(
                    "26.3.1", build: "25D771280a", deadline: "2026-03-20T10:00:00",
                    reason: .backgroundSecurityImprovement))
            let set = PublisherFixtures.set(mac, macOS: "26.3.1", plan: plan, bsiItem: true)
            try await harness.replace(mac, "mac-bsi", set)

            let bodies = try await Self.sync(client, enrollment: "mac-bsi", expecting: set)
            let bsi = try #require(Self.payload(bodies, "configuration/com.managedos.enforcement.bsi"))
            #expect(bsi["TargetOSVersion"] as? String == "26.3.1")
            #expect(bsi["TargetBuildVersion"] as? String == "25D771280a")
            let settings = try #require(Self.payload(bodies, "configuration/com.managedos.softwareupdate.settings"))
            #expect((settings["AutomaticActions"] as? [String: String])?["InstallSecurityUpdate"] == "AlwaysOn")
        }
    }

    @Test func compliantMacGetsNoEnforcement() async throws {
        try await PublisherHarness.run { client, harness in
            let mac = try harness.register("mac-ok")
            let set = PublisherFixtures.set(mac, macOS: "15.7.2", plan: PublisherFixtures.plan(mac))
            try await harness.replace(mac, "mac-ok", set)
            let bodies = try await Self.sync(client, enrollment: "mac-ok", expecting: set)
            #expect(!bodies.keys.contains { $0.contains("enforcement") })
            #expect(bodies["configuration/com.managedos.status-subscriptions"] != nil)
        }
    }

    @Test func registeredMacWithoutASetGetsAnEmptyManifest() async throws {
        try await PublisherHarness.run { client, harness in
            try harness.register("mac-new")
            let items = try await client.ddm("/v1/declaration-items", enrollment: "mac-new")
            #expect(items.status == .ok)
            let declarations = try #require(try jsonObject(items.text)["Declarations"] as? [String: [Any]])
            #expect(declarations.values.allSatisfy { $0.isEmpty })
            #expect(declarations.count == 4)
            let tokens = try await client.ddm("/v1/tokens", enrollment: "mac-new")
            #expect(tokens.status == .ok)
        }
    }
}
