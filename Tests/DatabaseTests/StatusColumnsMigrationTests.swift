// Migration 0022 turns device_status's generated columns into plain ones: a database upgraded with states in
// it keeps every Mac's values, and writers other than status-ingest still get them derived from the items.

import Database
import Foundation
import TestSupport
import Testing

@Suite(.enabled(if: TestDatabase.isEnabled))
struct StatusColumnsMigrationTests {
    static let columns = """
        os_version, build_version, supplemental_build_version, supplemental_extra_version, model_identifier,
        model_family, install_state, pending_os_version, pending_build_version, target_local_date_time,
        failure_count, failure_reason, declaration_server_tokens::text AS tokens
        """

    static let items = #"""
        {"device.operating-system.version": "15.7.8", "device.operating-system.build-version": "24G720",
         "device.operating-system.supplemental.build-version": "24G720a",
         "device.operating-system.supplemental.extra-version": "(a)", "device.model.identifier": "Mac14,2",
         "device.model.family": "Mac", "softwareupdate.install-state": "downloading",
         "softwareupdate.pending-version": {"os-version": "15.7.9", "build-version": "24G830",
                                            "target-local-date-time": "2026-12-01T20:00:00"},
         "softwareupdate.failure-reason": {"count": 2, "reason": "no space"},
         "management.declarations": {"configurations": [{"identifier": "c1", "server-token": "t-c1"}]}}
        """#

    @Test func upgradedStatesKeepTheirColumnsAndOtherWritersStillGetThemDerived() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let pool = database.makePool()
        let all = try Migration.bundled()
        let change = try #require(all.firstIndex { $0.name.hasPrefix("0022_") })
        try await MigrationRunner(pool: pool, logger: TestDatabase.logger, migrations: Array(all[..<change]))
            .applyPending()
        let device = try database.query("INSERT INTO devices (enrollment_id) VALUES ('mac-1') RETURNING id").first!
            .decode("id", as: UUID.self)
        try database.query(
            """
            INSERT INTO device_status (device_id, status_items, last_received_at, last_sequence)
            VALUES ($1::uuid, $2::jsonb, now(), 1)
            """, [device, Self.items])
        let before = try Self.columns(database)
        try await MigrationRunner(pool: pool, logger: TestDatabase.logger, migrations: all).applyPending()
        await pool.close()

        // The generated values survive the upgrade as plain values.
        #expect(try Self.columns(database) == before)
        #expect(before.first == "15.7.8")
        #expect(before.contains("no space"))
        #expect(before.last == #"{"configurations/c1": "t-c1"}"#)
        #expect(
            try database.query("SELECT attgenerated FROM pg_attribute WHERE attrelid = 'device_status'::regclass AND attname = 'os_version'")
                .first?.decode("attgenerated", as: String.self) == "")
        // A plain SQL writer changes the items: the trigger derives the columns from them, as before.
        try database.query(
            """
            UPDATE device_status SET status_items = status_items || '{"device.operating-system.version": "26.1",
                "management.declarations": {}}'::jsonb
            """)
        let after = try Self.columns(database)
        #expect(after.first == "26.1")
        #expect(after.last == "{}")
        #expect(Array(after.dropFirst().dropLast()) == Array(before.dropFirst().dropLast()))
        // With the setting status-ingest uses, the values written are kept as written.
        let connection = try DatabaseConnection.connect(database.configuration)
        try connection.executeScript(
            """
            BEGIN;
            SELECT set_config('managed_os.status_columns', 'supplied', true);
            UPDATE device_status SET os_version = 'as written';
            COMMIT;
            """)
        #expect(try Self.columns(database).first == "as written")
    }

    private static func columns(_ database: TestDatabase) throws -> [String] {
        try database.query("SELECT \(columns) FROM device_status").first!.values.map { $0 ?? "NULL" }
    }
}
