// Migrations apply once under concurrency, refuse edited files, and report a schema that is behind.

import Database
import TestSupport
import Testing

@Suite(.enabled(if: TestDatabase.isEnabled))
struct MigrationTests {
    static let sample = [
        try! Migration(name: "0001_first.sql", sql: "CREATE TABLE first (id int); INSERT INTO first VALUES (1);"),
        try! Migration(name: "0002_second.sql", sql: "CREATE TABLE second (id int); SELECT pg_sleep(0.2);"),
    ]

    @Test func twoRunnersAtOnceApplyEachFileOnce() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let poolA = database.makePool()
        let poolB = database.makePool()
        async let appliedA = MigrationRunner(pool: poolA, logger: TestDatabase.logger, migrations: Self.sample)
            .applyPending()
        async let appliedB = MigrationRunner(pool: poolB, logger: TestDatabase.logger, migrations: Self.sample)
            .applyPending()
        let (a, b) = try await (appliedA, appliedB)
        #expect((a + b).sorted() == ["0001_first.sql", "0002_second.sql"])
        let rows = try database.query("SELECT count(*) AS n FROM first").first!.decode("n", as: Int.self)
        #expect(rows == 1)
        let recorded = try database.query("SELECT count(*) AS n FROM schema_migrations").first!.decode("n", as: Int.self)
        #expect(recorded == 2)
        await poolA.close()
        await poolB.close()
    }

    @Test func changedChecksumIsRefused() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let pool = database.makePool()
        try await MigrationRunner(pool: pool, logger: TestDatabase.logger, migrations: Self.sample).applyPending()
        let edited = [
            try Migration(name: "0001_first.sql", sql: "CREATE TABLE first (id bigint);"), Self.sample[1],
        ]
        let runner = MigrationRunner(pool: pool, logger: TestDatabase.logger, migrations: edited)
        await #expect(throws: MigrationError.checksumMismatch(name: "0001_first.sql")) { try await runner.applyPending() }
        await #expect(throws: MigrationError.checksumMismatch(name: "0001_first.sql")) { try await runner.verifyUpToDate() }
        await pool.close()
    }

    @Test func verifyReportsASchemaThatIsBehind() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let pool = database.makePool()
        let runner = MigrationRunner(pool: pool, logger: TestDatabase.logger)
        let bundled = try Migration.bundled().map(\.name)
        #expect(bundled.prefix(2) == ["0001_event_bus.sql", "0002_devices.sql"])
        await #expect(throws: MigrationError.schemaBehind(pending: bundled)) { try await runner.verifyUpToDate() }
        try await runner.applyPending()
        try await runner.verifyUpToDate()
        #expect(try await runner.applyPending().isEmpty)
        await pool.close()
    }

    @Test func fileNamesMustBeNumbered() {
        #expect(throws: MigrationError.invalidFileName("first.sql")) { try Migration(name: "first.sql", sql: "") }
        #expect(throws: MigrationError.duplicateVersion(1)) {
            try Migration.ordered([
                try Migration(name: "0001_a.sql", sql: ""), try Migration(name: "0001_b.sql", sql: ""),
            ])
        }
    }
}
