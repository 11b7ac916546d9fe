// StatusColumnsParityTests: the typed device_status columns status-ingest writes (migration 0022) are the ones
// PostgreSQL derives from the stored items — the generated columns' rules, kept by the trigger for other writers.

import Database
import Foundation
import HTTPTypes
import HummingbirdTesting
import StatusIngestService
import TestSupport
import Testing

@Suite("status-ingest writes device_status's typed columns as PostgreSQL derives them", .enabled(if: TestDatabase.isEnabled))
struct StatusColumnsParityTests {
    /// Reports in the order sent, each to one of three Macs: full and incremental, every fixture shape, items
    /// carried and then left out, declarations with a duplicate identifier and a missing server token.
    static let reports: [(mac: String, body: String)] = [
        ("mac-a", StatusReportFixtures.macOSFirst),
        ("mac-b", StatusReportFixtures.iPhoneBeta),
        ("mac-a", StatusReportFixtures.pending("downloading", version: "15.7.2", build: "24G325")),
        ("mac-c", StatusReportFixtures.notReferenced),
        ("mac-a", StatusReportFixtures.failed),
        ("mac-b", StatusReportFixtures.installState("installing")),
        ("mac-a", StatusReportFixtures.installed(version: "15.7.2", build: "24G325")),
        (
            "mac-c",
            #"""
            {"StatusItems":{"softwareupdate":{"pending-version":{"os-version":"26.2"},"failure-reason":{"count":1}},
             "management":{"declarations":{"configurations":[
                {"identifier":"dup","server-token":"first"},{"identifier":"dup","server-token":"second"},
                {"identifier":"no-token","active":false}],"activations":[]}}}}
            """#
        ),
        ("mac-b", StatusReportFixtures.full(version: "26.1", build: "25B78", state: "waiting", token: "t9")),
        // A full report without the OS and update items: their columns become NULL, the tokens empty.
        ("mac-c", #"{"StatusItems":{"device":{"model":{"family":"Mac"}}},"FullReport":true}"#),
        ("mac-a", #"{"StatusItems":{"device":{"model":{"identifier":"Mac15,3"}}}}"#),
    ]

    static let columns = """
        device_id, os_version, build_version, supplemental_build_version, supplemental_extra_version,
        model_identifier, model_family, install_state, pending_os_version, pending_build_version,
        target_local_date_time, failure_count, failure_reason, declaration_server_tokens::text AS tokens
        """

    @Test("after every report, the written columns equal those derived from the stored items")
    func writtenColumnsEqualDerivedOnes() async throws {
        try await StatusIngestHarness.run { client, harness in
            for mac in ["mac-a", "mac-b", "mac-c"] { try harness.register(mac) }
            var nonNullColumns = 0
            for (index, report) in Self.reports.enumerated() {
                #expect(try await client.putStatus(report.body, enrollment: report.mac).status == .ok)
                let written = try Self.columns(harness)
                // Any writer but status-ingest gets the columns from the trigger: make it derive them again.
                try harness.database.query("UPDATE device_status SET status_items = status_items")
                let derived = try Self.columns(harness)
                #expect(written == derived, "after report \(index) (\(report.mac))")
                nonNullColumns += written.joined().filter { $0 != "NULL" }.count
            }
            #expect(nonNullColumns > 100)
            // Spot checks that the comparison is about real values.
            let a = try #require(try harness.state(try Self.device("mac-a", harness)))
            #expect(try a.decode("os_version", as: String.self) == "15.7.2")
            #expect(try a.decode("model_identifier", as: String.self) == "Mac15,3")
            let c = try #require(try harness.state(try Self.device("mac-c", harness)))
            #expect(try c.decodeIfPresent("os_version", as: String.self) == nil)
            #expect(try c.decode("declaration_server_tokens", as: String.self) == "{}")
            #expect(try c.decode("model_family", as: String.self) == "Mac")
        }
    }

    @Test("a duplicate identifier keeps the later token and a missing token is stored as JSON null")
    func tokensFollowTheFunctionsRules() async throws {
        try await StatusIngestHarness.run { client, harness in
            let device = try harness.register("mac-c")
            #expect(try await client.putStatus(Self.reports[7].body, enrollment: "mac-c").status == .ok)
            #expect(
                try harness.column(device, "declaration_server_tokens")
                    == #"{"configurations/dup": "second", "configurations/no-token": null}"#)
            #expect(try harness.column(device, "pending_os_version") == "26.2")
            #expect(try harness.column(device, "failure_count") == "1")
            #expect(try harness.column(device, "failure_reason") == nil)
        }
    }

    @Test("tokens written as PostgreSQL prints them: the same report again is no change and publishes nothing")
    func sameTokensAgainAreNoChange() async throws {
        try await StatusIngestHarness.run { client, harness in
            let device = try harness.register("mac-tokens")
            // Identifiers of equal and different lengths, escapes, control characters and non-ASCII text.
            let identifiers = [
                "b", "a", "ab", "é", "日本", "quote\"", "back\\slash", "tab\t", "bell\u{07}", "bs\u{08}", "ff\u{0C}",
                "emoji🍎", "zz", "Zz",
            ]
            var declarations: [JSONValue] = identifiers.enumerated().map { index, identifier in
                .object(["identifier": .string(identifier), "server-token": .string("token \(index) \"\u{01}\n")])
            }
            declarations.append(.object(["identifier": .string("no-token")]))
            let body = JSONValue.object([
                "StatusItems": .object([
                    "management": .object(["declarations": .object(["configurations": .array(declarations)])])
                ])
            ]).jsonText
            #expect(try await client.putStatus(body, enrollment: "mac-tokens").status == .ok)
            #expect(try harness.count("bus_events", "topic = 'device'") == 1)
            let tokens = try #require(try harness.column(device, "declaration_server_tokens"))
            #expect(tokens.contains(#""configurations/quote\"": "token 5 \"\u0001\n""#))
            #expect(try await client.putStatus(body, enrollment: "mac-tokens").status == .ok)
            #expect(try harness.count("bus_events", "topic = 'device'") == 1)
            #expect(try harness.count("device_status_history", "relevant") == 1)
            // One token changed is a change.
            let changed = body.replacingOccurrences(of: "token 3 ", with: "token 3b ")
            #expect(try await client.putStatus(changed, enrollment: "mac-tokens").status == .ok)
            #expect(try harness.count("bus_events", "topic = 'device'") == 2)
        }
    }

    @Test("online_since restarts when a Mac reports after more than 72 hours of silence, and only then")
    func onlineSinceRestartsAfterSilence() async throws {
        try await StatusIngestHarness.run { client, harness in
            let device = try harness.register("mac-away")
            let report = StatusReportFixtures.installState("none")
            #expect(try await client.putStatus(report, enrollment: "mac-away").status == .ok)
            #expect(try harness.column(device, "online_since") == nil)
            // Its last report four days ago; the next one starts a new online period.
            try harness.database.query(
                "UPDATE device_status SET last_received_at = now() - interval '4 days' WHERE device_id = $1::uuid",
                [device])
            #expect(try await client.putStatus(report, enrollment: "mac-away").status == .ok)
            let since = try #require(try harness.state(device)?.decodeIfPresent("online_since", as: Date.self))
            #expect(abs(since.timeIntervalSinceNow) < 60)
            #expect(try harness.state(device)?.decode("last_received_at", as: Date.self) == since)
            // A report an hour later keeps it.
            try harness.database.query(
                "UPDATE device_status SET last_received_at = now() - interval '1 hour' WHERE device_id = $1::uuid",
                [device])
            #expect(try await client.putStatus(report, enrollment: "mac-away").status == .ok)
            #expect(try harness.state(device)?.decodeIfPresent("online_since", as: Date.self) == since)
        }
    }

    private static func columns(_ harness: StatusIngestHarness) throws -> [[String]] {
        try harness.database.query("SELECT \(columns) FROM device_status ORDER BY device_id").rows.map {
            $0.values.map { $0 ?? "NULL" }
        }
    }

    private static func device(_ enrollmentID: String, _ harness: StatusIngestHarness) throws -> UUID {
        try harness.database.query("SELECT id FROM devices WHERE enrollment_id = $1", [enrollmentID]).first!
            .decode("id")
    }
}
