// WebhookTests: NanoMDM's webhook events record command results, publish device events, and refuse bad input.

import Database
import DeclarationPublisherService
import DeclarativeManagement
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@Suite("MDM webhook", .enabled(if: TestDatabase.isEnabled))
struct WebhookTests {
    static let key = Array("shared-webhook-key".utf8)
    static let enrollment = "5F1F2E3D-0000-4000-8000-00000000A013"

    /// A legacy Mac with a download-only and an install `ScheduleOSUpdate`, and its DeclarativeManagement command.
    struct Setup {
        var deviceID: UUID
        var download: UUID
        var install: UUID
        var declarative: UUID
    }

    static func setUp(_ harness: PublisherHarness) throws -> Setup {
        let deviceID = try harness.register(enrollment)
        var ids: [UUID] = []
        for (type, action) in [
            ("ScheduleOSUpdate", "DownloadOnly"), ("ScheduleOSUpdate", "InstallASAP"),
            ("DeclarativeManagement", nil),
        ] {
            let command =
                action.map {
                    MDMCommand.scheduleOSUpdate(productVersion: "13.7.8", installAction: $0, commandUUID: UUID())
                } ?? MDMCommand.declarativeManagement(tokensJSON: "{}", commandUUID: UUID())
            try harness.database.query(
                """
                INSERT INTO command_outbox (device_id, enrollment_id, command_uuid, request_type, payload, state)
                VALUES ($1, $2, $3, $4, $5, 'delivered')
                """, [deviceID, enrollment, command.commandUUID, type, command.plist])
            ids.append(command.commandUUID)
        }
        return Setup(deviceID: deviceID, download: ids[0], install: ids[1], declarative: ids[2])
    }

    /// A result plist as a Mac sends it.
    static func resultPlist(_ commandUUID: UUID?, status: String, extra: [String: Any] = [:]) throws -> Data {
        var root = extra
        root["Status"] = status
        root["UDID"] = enrollment
        if let commandUUID { root["CommandUUID"] = commandUUID.uuidString }
        return try PropertyListSerialization.data(fromPropertyList: root, format: .xml, options: 0)
    }

    /// A NanoMDM `mdm.Connect` event for a result (the shape of NanoMDM's `service/webhook` events).
    static func event(
        _ commandUUID: UUID?, status: String, udid: String = enrollment, extra: [String: Any] = [:]
    ) throws -> String {
        var acknowledgement: [String: Any] = [
            "udid": udid, "status": status,
            "raw_payload": try resultPlist(commandUUID, status: status, extra: extra).base64EncodedString(),
            "url_params": [String: String](),
        ]
        if let commandUUID { acknowledgement["command_uuid"] = commandUUID.uuidString.lowercased() }
        let event: [String: Any] = [
            "topic": "mdm.Connect", "created_at": "2026-11-29T08:00:00Z", "acknowledge_event": acknowledgement,
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: event), as: UTF8.self)
    }

    static func resultStatus(_ harness: PublisherHarness, _ commandUUID: UUID) throws -> String? {
        try harness.database.query(
            "SELECT result_status, result_at FROM command_outbox WHERE command_uuid = $1", [commandUUID]
        ).first?.decodeIfPresent("result_status")
    }

    static func deviceEvents(_ harness: PublisherHarness, _ deviceID: UUID) throws -> Int {
        try harness.count("bus_events", "topic = 'device' AND entity = '\(deviceID.uuidString.lowercased())'")
    }

    static func snapshot(_ harness: PublisherHarness) throws -> [String] {
        let results = try harness.database.query(
            "SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') AS rows FROM legacy_update_results t"
        ).first!.decode("rows", as: String.self)
        return try harness.snapshot() + [results]
    }

    @Test func aScheduleOSUpdateResultIsRecordedAndWakesTheScheduler() async throws {
        try await PublisherHarness.run { client, harness in
            let setup = try Self.setUp(harness)
            let response = try await client.webhook(try Self.event(setup.install, status: "Error"))
            #expect(response.status == .ok)
            #expect(try jsonObject(response.text)["status"] as? String == "recorded")
            #expect(try Self.resultStatus(harness, setup.install) == "Error")
            #expect(try harness.count("command_outbox", "result_at IS NOT NULL") == 1)
            #expect(try Self.deviceEvents(harness, setup.deviceID) == 1)
            #expect(try harness.count("legacy_update_results", "last_result_at IS NOT NULL") == 1)

            // The same result again (NanoMDM re-sending) writes and publishes nothing.
            let before = try Self.snapshot(harness)
            let again = try await client.webhook(try Self.event(setup.install, status: "Error"))
            #expect(try jsonObject(again.text)["status"] as? String == "unchanged")
            #expect(try Self.snapshot(harness) == before)
        }
    }

    @Test func aLateNotNowNeverReplacesAFinalAnswer() async throws {
        try await PublisherHarness.run { client, harness in
            let setup = try Self.setUp(harness)
            _ = try await client.webhook(try Self.event(setup.download, status: "NotNow"))
            #expect(try Self.resultStatus(harness, setup.download) == "NotNow")
            _ = try await client.webhook(try Self.event(setup.download, status: "Acknowledged"))
            #expect(try Self.resultStatus(harness, setup.download) == "Acknowledged")
            _ = try await client.webhook(try Self.event(setup.download, status: "NotNow"))
            #expect(try Self.resultStatus(harness, setup.download) == "Acknowledged")
            #expect(try Self.deviceEvents(harness, setup.deviceID) == 2)
        }
    }

    @Test func anAcknowledgedDownloadOnlyIsNotADownloadedUpdate() async throws {
        try await PublisherHarness.run { client, harness in
            let setup = try Self.setUp(harness)
            _ = try await client.webhook(try Self.event(setup.download, status: "Acknowledged"))
            #expect(try Self.resultStatus(harness, setup.download) == "Acknowledged")
            #expect(try harness.count("legacy_update_results", "downloaded_version IS NOT NULL") == 0)
        }
    }

    @Test func anOSUpdateStatusResultRecordsTheDownloadedVersion() async throws {
        try await PublisherHarness.run { client, harness in
            let setup = try Self.setUp(harness)
            let updates: [[String: Any]] = [
                ["ProductKey": "MSU_UPDATE_22H730_patch_13.7.8", "IsDownloaded": true, "DownloadPercentComplete": 1.0],
                [
                    "ProductKey": "MSU_UPDATE_24G325_major_15.7.2", "IsDownloaded": false,
                    "DownloadPercentComplete": 0.2,
                ],
            ]
            // An OSUpdateStatus query another tool sent: its UUID is not ours, the Mac is.
            let response = try await client.webhook(
                try Self.event(UUID(), status: "Acknowledged", extra: ["OSUpdateStatus": updates]))
            #expect(try jsonObject(response.text)["status"] as? String == "recorded")
            let row = try #require(
                try harness.database.query(
                    "SELECT downloaded_version FROM legacy_update_results WHERE device_id = $1", [setup.deviceID]
                ).first)
            #expect(try row.decodeIfPresent("downloaded_version", as: String.self) == "13.7.8")
            #expect(try Self.deviceEvents(harness, setup.deviceID) == 1)

            // A later snapshot with nothing downloaded clears it.
            _ = try await client.webhook(
                try Self.event(UUID(), status: "Acknowledged", extra: ["OSUpdateStatus": [[String: Any]]()]))
            #expect(try harness.count("legacy_update_results", "downloaded_version IS NULL") == 1)
            #expect(try Self.deviceEvents(harness, setup.deviceID) == 2)
        }
    }

    @Test func aDeclarativeManagementResultIsRecordedWithoutAnEvent() async throws {
        try await PublisherHarness.run { client, harness in
            let setup = try Self.setUp(harness)
            _ = try await client.webhook(try Self.event(setup.declarative, status: "Acknowledged"))
            #expect(try Self.resultStatus(harness, setup.declarative) == "Acknowledged")
            #expect(try Self.deviceEvents(harness, setup.deviceID) == 0)
        }
    }

    @Test func unknownCommandsOtherMacsAndCheckInsAreAnsweredAndIgnored() async throws {
        try await PublisherHarness.run { client, harness in
            let setup = try Self.setUp(harness)
            let before = try Self.snapshot(harness)
            let checkIn =
                #"{"topic":"mdm.Authenticate","created_at":"2026-11-29T08:00:00Z","#
                + #""checkin_event":{"udid":"X","raw_payload":""}}"#
            for (body, reason) in [
                (try Self.event(UUID(), status: "Acknowledged"), "unknown_command"),
                (try Self.event(setup.install, status: "Acknowledged", udid: "another-mac"), "enrollment_mismatch"),
                (try Self.event(nil, status: "Idle"), "no_command"),
                (checkIn, "not_a_command_result"),
            ] {
                let response = try await client.webhook(body)
                #expect(response.status == .ok)
                let answer = try jsonObject(response.text)
                #expect(answer["status"] as? String == "ignored")
                #expect(answer["reason"] as? String == reason)
            }
            #expect(try Self.snapshot(harness) == before)
        }
    }

    @Test(arguments: [
        "not json",
        "[]",
        #"{"acknowledge_event":{"status":"Acknowledged","raw_payload":""}}"#,
        #"{"topic":"mdm.Connect","acknowledge_event":{"raw_payload":""}}"#,
        #"{"topic":"mdm.Connect","acknowledge_event":{"status":"Maybe","raw_payload":""}}"#,
        #"{"topic":"mdm.Connect","acknowledge_event":{"status":"Acknowledged","raw_payload":"***"}}"#,
        #"{"topic":"mdm.Connect","acknowledge_event":{"status":"Acknowledged","raw_payload":"","command_uuid":7}}"#,
        #"{"topic":17}"#,
    ])
    func malformedEventsAreRefusedAndChangeNothing(body: String) async throws {
        try await PublisherHarness.run { client, harness in
            let setup = try Self.setUp(harness)
            let before = try Self.snapshot(harness)
            let response = try await client.webhook(body)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid_event")
            #expect(try Self.snapshot(harness) == before)
            #expect(try Self.resultStatus(harness, setup.install) == nil)
        }
    }

    @Test func withAKeyEveryEventMustBeSigned() async throws {
        let settings = DeclarationPublisherSettings(webhookHMACKey: Self.key)
        try await PublisherHarness.run(settings: settings) { client, harness in
            let setup = try Self.setUp(harness)
            let body = try Self.event(setup.install, status: "Acknowledged")
            let before = try Self.snapshot(harness)
            for signature in [nil, "bm9wZQ==", DDMSignatureVerifier.sign(Array(body.utf8), key: Array("other".utf8))] {
                let response = try await client.webhook(body, signature: signature)
                #expect(response.status == .unauthorized)
                #expect(response.errorCode == "invalid_signature")
            }
            #expect(try Self.snapshot(harness) == before)
            let signed = try await client.webhook(
                body, signature: DDMSignatureVerifier.sign(Array(body.utf8), key: Self.key))
            #expect(signed.status == .ok)
            #expect(try Self.resultStatus(harness, setup.install) == "Acknowledged")
        }
    }

    @Test func theDDMKeyDoesNotGuardTheWebhook() async throws {
        // The two keys are separate: NanoMDM signs forwarded DDM requests, not webhook events.
        try await PublisherHarness.run(settings: DeclarationPublisherSettings(hmacKey: Self.key)) { client, harness in
            let setup = try Self.setUp(harness)
            let response = try await client.webhook(try Self.event(setup.install, status: "Acknowledged"))
            #expect(response.status == .ok)
        }
    }
}

extension TestClientProtocol {
    /// `POST /webhook` with `body` as NanoMDM sends it.
    func webhook(_ body: String, signature: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let signature { headers[DDMRoutes.signatureHeader] = signature }
        return try await execute(uri: "/webhook", method: .post, headers: headers, body: ByteBuffer(string: body))
    }
}
