// EndToEndTests+LegacyMac: a macOS 13 Mac gets its update through a legacy ScheduleOSUpdate command, not DDM.

import Database
import Foundation
import TestSupport
import Testing

extension EndToEndTests {
    @Test func macOS13MacGetsALegacyScheduleOSUpdateCommandInTheOutbox() async throws {
        try await FreshDatabase.with { database in
            let product = try await Product.start(databaseURL: database.url, schedulerNow: Self.now)
            defer { product.stop() }
            let enrollmentID = "e2e-ventura"

            // macOS 13.7.8 was released on 2025-08-20: a Mac on 13.7.7 under a one-week item is overdue.
            let fleet = try await product.blueprint(
                "Legacy fleet", items: [Product.item(13, "continuous", ["mode": "automatic", "timeframe": "oneWeek"])])
            let mac = try await product.register(enrollmentID, blueprintID: fleet.id)
            try await product.report(version: "13.7.7", build: "22H722", enrollmentID: enrollmentID)

            // The scheduler queues ScheduleOSUpdate for 13.7.8; library-api lists it with the Mac's commands.
            let command = try await product.eventually("a ScheduleOSUpdate command", timeout: .seconds(90)) {
                () async throws -> [String: Any]? in
                let answer = try await product.admin.json(
                    "GET", "/v1/devices/\(mac.deviceID)/commands", nil, expect: 200)
                let commands = answer["items"] as? [[String: Any]] ?? answer["commands"] as? [[String: Any]] ?? []
                return commands.first { $0["requestType"] as? String == "ScheduleOSUpdate" }
            }
            #expect(command["state"] as? String == "queued", "no MDM server configured, so it stays queued: \(command)")

            // In the outbox table: for this Mac, naming the target version in the command plist.
            let rows = try database.database.query(
                "SELECT enrollment_id, payload, state FROM command_outbox WHERE request_type = 'ScheduleOSUpdate'"
            ).rows
            #expect(!rows.isEmpty)
            for row in rows {
                #expect(try row.decode("enrollment_id", as: String.self) == enrollmentID)
                let payload = try row.decode("payload", as: String.self)
                #expect(payload.contains("13.7.8"), "payload: \(payload)")
            }

            // No declarative enforcement for a macOS 13 Mac.
            let manifest = try await product.manifestConfigurationIdentifiers(enrollmentID: enrollmentID)
            #expect(!manifest.contains(Product.enforcementIdentifier), "a legacy Mac was declared an enforcement")
        }
    }
}
