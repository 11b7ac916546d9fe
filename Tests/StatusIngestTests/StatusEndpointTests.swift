// StatusEndpointTests: real-shaped reports through PUT /status, install-state sequence, ordering, events.

import Database
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import StatusIngestService
import TestSupport
import Testing

@Suite("status reports are stored as each Mac's state", .enabled(if: TestDatabase.isEnabled))
struct StatusEndpointTests {
    @Test("the iPhone-shaped example report stores model, OS, declarations and their server tokens")
    func iPhoneExampleIsStored() async throws {
        try await StatusIngestHarness.run { client, harness in
            let device = try harness.register("iphone-1")
            let response = try await client.putStatus(StatusReportFixtures.iPhoneBeta, enrollment: "iphone-1")
            #expect(response.status == .ok)
            #expect(response.body.readableBytes == 0)
            let state = try #require(try harness.state(device))
            #expect(try state.decode("os_version", as: String.self) == "16.0")
            #expect(try state.decode("build_version", as: String.self) == "20A5303i")
            #expect(try state.decode("model_identifier", as: String.self) == "iPhone13,2")
            let tokens = try state.decode("declaration_server_tokens", as: PostgresJSON.self)
                .decode([String: String].self)
            #expect(
                tokens == [
                    "activations/ex.activation.base": "a1f0c3", "configurations/ex.config.passcode": "9d2e77",
                    "configurations/ex.config.legacy": "40b1aa", "management/ex.management.org": "77c0de",
                ])
            let items = try state.decode("status_items", as: PostgresJSON.self).decode([String: JSONValue].self)
            #expect(items["device.model.marketing-name"] == .string("iPhone 12"))
            #expect(
                items["management.client-capabilities"]?.objectValue?["supported-versions"]
                    == .array([.string("1.0.0")]))
            #expect(try harness.count("device_status_history") == 1)
            #expect(try harness.count("status_reports_raw") == 1)
        }
    }

    @Test("the macOS-shaped example report stores version, build and the BSI extra version")
    func macOSExampleIsStored() async throws {
        try await StatusIngestHarness.run { client, harness in
            let device = try harness.register("mac-1")
            let response = try await client.putStatus(
                StatusReportFixtures.macOSFirst, enrollment: "mac-1", path: "/v1/status")
            #expect(response.status == .ok)
            #expect(try harness.column(device, "os_version") == "13.3.1")
            #expect(try harness.column(device, "build_version") == "22E261")
            #expect(try harness.column(device, "supplemental_build_version") == "22E772610a")
            #expect(try harness.column(device, "supplemental_extra_version") == "(a)")
            #expect(try harness.column(device, "last_full_report_at") != nil)
        }
    }

    @Test("the not-referenced example report keeps the declaration's reasons")
    func notReferencedExampleKeepsReasons() async throws {
        try await StatusIngestHarness.run { client, harness in
            let device = try harness.register("mac-d0")
            #expect(try await client.putStatus(StatusReportFixtures.notReferenced, enrollment: "mac-d0").status == .ok)
            let items = try #require(try harness.state(device)).decode("status_items", as: PostgresJSON.self)
                .decode([String: JSONValue].self)
            let declarations = try #require(items["management.declarations"]?.objectValue)
            guard case .array(let configurations) = declarations["configurations"],
                case .array(let reasons) = configurations.first?.objectValue?["reasons"]
            else {
                Issue.record("declarations not stored")
                return
            }
            #expect(reasons.first?.objectValue?["code"] == .string("Info.NotReferencedByActivation"))
            #expect(
                try harness.column(device, "declaration_server_tokens") == #"{"configurations/ex.config.d0": "d0-1"}"#)
        }
    }

    @Test("a full update moves through waiting, downloading, prepared, installing and none with the new version")
    func installStatesThroughAFullUpdate() async throws {
        try await StatusIngestHarness.run { client, harness in
            let device = try harness.register("mac-update")
            #expect(
                try await client.putStatus(
                    StatusReportFixtures.full(version: "15.6", build: "24G84"), enrollment: "mac-update"
                )
                .status == .ok)
            for state in ["waiting", "downloading", "prepared", "installing"] {
                let body = StatusReportFixtures.pending(state, version: "15.7", build: "24G200")
                #expect(try await client.putStatus(body, enrollment: "mac-update").status == .ok)
                #expect(try harness.column(device, "install_state") == state)
                #expect(try harness.column(device, "pending_os_version") == "15.7")
                #expect(try harness.column(device, "pending_build_version") == "24G200")
                #expect(try harness.column(device, "target_local_date_time") == "2026-12-01T20:00:00")
                #expect(try harness.column(device, "os_version") == "15.6")
            }
            let done = StatusReportFixtures.installed(version: "15.7", build: "24G200")
            #expect(try await client.putStatus(done, enrollment: "mac-update").status == .ok)
            #expect(try harness.column(device, "install_state") == "none")
            #expect(try harness.column(device, "os_version") == "15.7")
            #expect(try harness.column(device, "build_version") == "24G200")
            #expect(try harness.column(device, "pending_os_version") == "")
            #expect(try harness.column(device, "target_local_date_time") == nil)
            // Untouched by the incremental reports: still from the full one.
            #expect(try harness.column(device, "model_identifier") == "Mac14,2")
            #expect(try harness.count("device_status_history") == 6)
        }
    }

    @Test("a failed update stores the failure count and reason")
    func failureWithReasonIsStored() async throws {
        try await StatusIngestHarness.run { client, harness in
            let device = try harness.register("mac-fail")
            #expect(try await client.putStatus(StatusReportFixtures.failed, enrollment: "mac-fail").status == .ok)
            #expect(try harness.column(device, "install_state") == "failed")
            #expect(try harness.column(device, "failure_count") == "2")
            #expect(try harness.column(device, "failure_reason") == "Not enough free disk space")
        }
    }

    @Test("incremental reports merge; a full report replaces what it does not carry")
    func fullReportReplacesIncrementalState() async throws {
        try await StatusIngestHarness.run { client, harness in
            let device = try harness.register("mac-full")
            let incremental = #"{"StatusItems":{"softwareupdate":{"install-state":"downloading"},"x":{"custom":1}}}"#
            #expect(try await client.putStatus(incremental, enrollment: "mac-full").status == .ok)
            let version = #"{"StatusItems":{"device":{"operating-system":{"version":"15.5"}}}}"#
            #expect(try await client.putStatus(version, enrollment: "mac-full").status == .ok)
            #expect(try harness.column(device, "install_state") == "downloading")
            #expect(try harness.column(device, "os_version") == "15.5")
            let full = #"{"StatusItems":{"device":{"operating-system":{"version":"15.6"}}},"FullReport":true}"#
            #expect(try await client.putStatus(full, enrollment: "mac-full").status == .ok)
            #expect(try harness.column(device, "os_version") == "15.6")
            #expect(try harness.column(device, "install_state") == nil)
            let items = try #require(try harness.state(device)).decode("status_items", as: PostgresJSON.self)
                .decode([String: JSONValue].self)
            #expect(items == ["device.operating-system.version": .string("15.6")])
        }
    }

    @Test("unknown items and unknown install states are kept")
    func unknownItemsAreKept() async throws {
        try await StatusIngestHarness.run { client, harness in
            let device = try harness.register("mac-unknown")
            let body =
                #"{"StatusItems":{"softwareupdate":{"install-state":"paused-by-user"},"diskmanagement":{"filevault":{"enabled":true}}}}"#
            #expect(try await client.putStatus(body, enrollment: "mac-unknown").status == .ok)
            #expect(try harness.column(device, "install_state") == "paused-by-user")
            let items = try #require(try harness.state(device)).decode("status_items", as: PostgresJSON.self)
                .decode([String: JSONValue].self)
            #expect(items["diskmanagement.filevault.enabled"] == .bool(true))
        }
    }

    @Test("a report received earlier but written later does not overwrite the later one")
    func earlierReportDoesNotWin() async throws {
        try await StatusIngestHarness.run { client, harness in
            let device = try harness.register("mac-order")
            let store = StatusStore(autoRegister: false)
            let now = Date()
            let later = IncomingStatusReport(
                enrollmentID: "mac-order", receivedAt: now,
                report: try StatusReportParser.parse(Array(StatusReportFixtures.installState("installing").utf8)),
                body: "{}")
            let earlier = IncomingStatusReport(
                enrollmentID: "mac-order", receivedAt: now.addingTimeInterval(-1),
                report: try StatusReportParser.parse(Array(StatusReportFixtures.installState("downloading").utf8)),
                body: "{}")
            let first = try await harness.pool.withTransaction { try store.write([later], on: $0) }
            let second = try await harness.pool.withTransaction { try store.write([earlier], on: $0) }
            guard case .stored(_, _, let laterApplied, _) = first[0],
                case .stored(_, _, let earlierApplied, _) = second[0]
            else {
                Issue.record("reports were not stored")
                return
            }
            #expect(laterApplied)
            #expect(!earlierApplied)
            #expect(try harness.column(device, "install_state") == "installing")
            #expect(try harness.count("device_status_history") == 2)
            #expect(try harness.count("device_status_history", "NOT applied") == 1)
        }
    }

    @Test("reports of one Mac in one batch apply in receipt order")
    func batchFoldsInReceiptOrder() async throws {
        try await StatusIngestHarness.run { _, harness in
            let device = try harness.register("mac-batch")
            let store = StatusStore(autoRegister: false)
            let now = Date()
            func incoming(_ body: String, _ offset: Double) throws -> IncomingStatusReport {
                IncomingStatusReport(
                    enrollmentID: "mac-batch", receivedAt: now.addingTimeInterval(offset),
                    report: try StatusReportParser.parse(Array(body.utf8)), body: body)
            }
            let reports = [
                try incoming(StatusReportFixtures.installState("prepared"), 2),
                try incoming(StatusReportFixtures.full(version: "15.1", build: "24B83"), 0),
                try incoming(StatusReportFixtures.installState("downloading"), 1),
            ]
            _ = try await harness.pool.withTransaction { try store.write(reports, on: $0) }
            #expect(try harness.column(device, "install_state") == "prepared")
            #expect(try harness.column(device, "os_version") == "15.1")
            #expect(try harness.count("device_status_history") == 3)
        }
    }

    @Test("in one batch a full report after an incremental one replaces it; the history keeps both as sent")
    func batchFullAfterIncrementalReplaces() async throws {
        try await StatusIngestHarness.run { _, harness in
            let device = try harness.register("mac-batch-full")
            let store = StatusStore(autoRegister: false)
            let now = Date()
            let pending = StatusReportFixtures.pending("downloading", version: "15.2", build: "24C101")
            let full = StatusReportFixtures.full(version: "15.1", build: "24B83")
            let reports = try [(pending, 0.0), (full, 1.0)].map { body, offset in
                IncomingStatusReport(
                    enrollmentID: "mac-batch-full", receivedAt: now.addingTimeInterval(offset),
                    report: try StatusReportParser.parse(Array(body.utf8)), body: body)
            }
            _ = try await harness.pool.withTransaction { try store.write(reports, on: $0) }
            // The full report's empty pending version replaced the incremental one's.
            #expect(try harness.column(device, "pending_os_version") == "")
            #expect(try harness.column(device, "install_state") == "none")
            #expect(try harness.column(device, "os_version") == "15.1")
            let history = try harness.database.query(
                "SELECT items->>'softwareupdate.install-state' AS state FROM device_status_history ORDER BY sequence"
            ).rows.map { try $0.decode("state", as: String.self) }
            #expect(history == ["downloading", "none"])
        }
    }

    @Test("a device event is published only when something relevant changed")
    func deviceEventOnlyOnRelevantChange() async throws {
        try await StatusIngestHarness.run { client, harness in
            let device = try harness.register("mac-events")
            let full = StatusReportFixtures.full(version: "15.6", build: "24G84")
            #expect(try await client.putStatus(full, enrollment: "mac-events").status == .ok)
            #expect(try harness.count("bus_events", "topic = 'device'") == 1)
            // Same relevant values again (model changes only): no event.
            let same =
                #"{"StatusItems":{"device":{"model":{"marketing-name":"MacBook Air"}},"softwareupdate":{"install-state":"none"}}}"#
            #expect(try await client.putStatus(same, enrollment: "mac-events").status == .ok)
            #expect(try harness.count("bus_events", "topic = 'device'") == 1)
            // A new server token is relevant.
            let token = StatusReportFixtures.full(version: "15.6", build: "24G84", token: "t2")
            #expect(try await client.putStatus(token, enrollment: "mac-events").status == .ok)
            #expect(try harness.count("bus_events", "topic = 'device'") == 2)
            // So is an install state.
            #expect(
                try await client.putStatus(StatusReportFixtures.installState("downloading"), enrollment: "mac-events")
                    .status == .ok)
            #expect(try harness.count("bus_events", "topic = 'device'") == 3)
            #expect(try harness.count("bus_events", "entity = '\(device.postgresText)'") == 3)
            #expect(try harness.count("device_status_history", "relevant") == 3)
        }
    }

    @Test("a wrong type inside one item stores the rest and records a parse error")
    func wrongTypeInsideAnItemIsRecorded() async throws {
        try await StatusIngestHarness.run { client, harness in
            let device = try harness.register("mac-bad-item")
            let body =
                #"{"StatusItems":{"device":{"operating-system":{"version":15,"build-version":"24G84"}},"softwareupdate":{"failure-reason":{"count":"x"}}}}"#
            let response = try await client.putStatus(body, enrollment: "mac-bad-item")
            #expect(response.status == .ok)
            #expect(try harness.column(device, "build_version") == "24G84")
            #expect(try harness.column(device, "os_version") == nil)
            let problems = try harness.database.query(
                "SELECT item, message FROM status_parse_errors WHERE device_id = $1::uuid ORDER BY item", [device]
            ).rows.map { try $0.decode("item", as: String.self) }
            #expect(problems == ["device.operating-system.version", "softwareupdate.failure-reason"])
            #expect(try harness.column(device, "parse_errors")?.contains("expected a string, got a number") == true)
        }
    }

    @Test("auto-registration stores reports of unknown enrollment ids")
    func autoRegistrationRegistersTheMac() async throws {
        try await StatusIngestHarness.run(settings: StatusIngestSettings(autoRegister: true)) { client, harness in
            let response = try await client.putStatus(StatusReportFixtures.macOSFirst, enrollment: "new-mac")
            #expect(response.status == .ok)
            #expect(try harness.count("devices", "enrollment_id = 'new-mac'") == 1)
            #expect(try harness.count("device_status", "os_version = '13.3.1'") == 1)
        }
    }

    @Test("a correctly signed report is accepted when an HMAC key is set")
    func goodSignatureIsAccepted() async throws {
        let key = Array("shared-secret".utf8)
        try await StatusIngestHarness.run(settings: StatusIngestSettings(hmacKey: key)) { client, harness in
            let device = try harness.register("mac-signed")
            let body = StatusReportFixtures.macOSFirst
            let signature = StatusSignatureVerifier.sign(Array(body.utf8), key: key)
            #expect(try await client.putStatus(body, enrollment: "mac-signed", signature: signature).status == .ok)
            #expect(try harness.column(device, "os_version") == "13.3.1")
        }
    }

    @Test("retention deletes old history, raw bodies and history beyond the per-Mac limit")
    func retentionPrunes() async throws {
        let settings = StatusIngestSettings(historyRetentionDays: 30, historyMaximumPerDevice: 2, rawRetentionDays: 1)
        try await StatusIngestHarness.run(settings: settings) { client, harness in
            let device = try harness.register("mac-prune")
            for state in ["waiting", "downloading", "prepared", "installing"] {
                #expect(
                    try await client.putStatus(StatusReportFixtures.installState(state), enrollment: "mac-prune")
                        .status == .ok)
            }
            try harness.database.query(
                """
                UPDATE status_reports_raw SET received_at = now() - interval '2 days'
                WHERE sequence = (SELECT min(sequence) FROM status_reports_raw)
                """)
            try harness.database.query(
                """
                UPDATE device_status_history SET received_at = now() - interval '40 days'
                WHERE sequence = (SELECT max(sequence) FROM device_status_history)
                """)
            let pruner = StatusRetentionPruner(pool: harness.pool, settings: settings, logger: TestDatabase.logger)
            try await pruner.pruneOnce()
            // 4 rows: the newest is 40 days old (deleted), of the other 3 the newest 2 remain.
            #expect(try harness.count("device_status_history") == 2)
            #expect(try harness.count("status_reports_raw") == 3)
            #expect(try harness.column(device, "install_state") == "installing")
        }
    }
}
