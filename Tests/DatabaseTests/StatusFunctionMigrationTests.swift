// Migration 0018 rewrites the functions behind device_status's generated columns in PL/pgSQL: their results
// must not change, or every Mac's next report would look like a relevant change (and stored digests differ).

import Database
import Foundation
import TestSupport
import Testing

@Suite(.enabled(if: TestDatabase.isEnabled))
struct StatusFunctionMigrationTests {
    /// Reports as Macs send them: declarations of every kind, odd entries the functions must skip, and none.
    static let documents = [
        #"""
        {"device.operating-system.version": "15.7.8", "device.operating-system.build-version": "24G720",
         "softwareupdate.install-state": "downloading",
         "softwareupdate.pending-version": {"os-version": "15.7.9", "build-version": "24G830"},
         "softwareupdate.failure-reason": {"count": 2, "reason": "no space"},
         "management.declarations": {
            "activations": [{"identifier": "a1", "server-token": "t-a1", "active": true}],
            "configurations": [{"identifier": "c1", "server-token": "t-c1"}, {"identifier": "c2", "server-token": 7},
                               {"server-token": "no identifier"}, "not an object"],
            "assets": {"not": "an array"}, "management": []}}
        """#,
        #"{"device.operating-system.version": "26.1", "management.declarations": "not an object"}"#,
        "{}",
    ]

    @Test func tokensAndDigestAreTheSameBeforeAndAfterTheRewrite() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let pool = database.makePool()
        let all = try Migration.bundled()
        let rewrite = try #require(all.firstIndex { $0.name.hasPrefix("0018_") })
        try await MigrationRunner(pool: pool, logger: TestDatabase.logger, migrations: Array(all[..<rewrite]))
            .applyPending()
        let before = try Self.documents.map { try Self.results($0, database) }
        try await MigrationRunner(pool: pool, logger: TestDatabase.logger, migrations: all).applyPending()
        #expect(
            try database.query(
                "SELECT lanname FROM pg_proc JOIN pg_language l ON l.oid = prolang WHERE proname = 'status_relevant_digest'"
            )
            .first?.decode("lanname", as: String.self) == "plpgsql")
        let after = try Self.documents.map { try Self.results($0, database) }
        #expect(after == before)
        // The first document's tokens: only well-formed entries, keyed by kind and identifier.
        #expect(before[0].tokens == #"{"activations/a1": "t-a1", "configurations/c1": "t-c1", "configurations/c2": 7}"#)
        #expect(Set(before.map(\.digest)).count == 3)
        await pool.close()
    }

    private static func results(_ document: String, _ database: TestDatabase) throws -> Results {
        let row = try #require(
            try database.query(
                """
                SELECT status_declaration_tokens($1::jsonb)::text AS tokens, status_relevant_digest($1::jsonb) AS digest
                """, [document]
            ).first)
        return Results(tokens: try row.decode("tokens"), digest: try row.decode("digest"))
    }

    private struct Results: Equatable {
        var tokens: String
        var digest: String
    }
}
