// MigrationRunner: applies pending migrations under an advisory lock, or verifies the schema is current.

import Logging

/// Applies the bundled migrations in order under a session advisory lock (so concurrent runners
/// apply each file once), recording each in `schema_migrations` with its checksum.
public struct MigrationRunner: Sendable {
    /// Advisory lock key that serialises migration runs across processes.
    static let lockKey: Int64 = 0x4D4F_535F_4D49_4752  // "MOS_MIGR"

    private let pool: ConnectionPool
    private let logger: Logger
    private let migrations: [Migration]?

    /// A runner for the migrations bundled with this module (or the given ones, for tests).
    public init(pool: ConnectionPool, logger: Logger, migrations: [Migration]? = nil) {
        self.pool = pool
        self.logger = logger
        self.migrations = migrations
    }

    /// Applies every pending migration, each in its own transaction; returns the names applied.
    /// Refuses (throws `.checksumMismatch`) when an applied file has changed.
    @discardableResult
    public func applyPending() async throws -> [String] {
        let migrations = try self.migrations ?? Migration.bundled()
        let applied = try await pool.withConnection { connection -> [String] in
            try connection.query("SELECT pg_advisory_lock($1::bigint)", [Self.lockKey])
            defer { _ = try? connection.query("SELECT pg_advisory_unlock($1::bigint)", [Self.lockKey]) }
            try connection.executeScript(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer     PRIMARY KEY,
                    name       text        NOT NULL,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            let recorded = try Self.recorded(on: connection)
            try Self.verifyChecksums(migrations, recorded: recorded)
            var names: [String] = []
            for migration in migrations where recorded[migration.version] == nil {
                try connection.withTransaction { transaction in
                    try transaction.executeScript(migration.sql)
                    try transaction.query(
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1::integer, $2, $3)",
                        [migration.version, migration.name, migration.checksum])
                }
                names.append(migration.name)
            }
            return names
        }
        for name in applied { logger.info("Applied migration", metadata: ["db.migration": "\(name)"]) }
        return applied
    }

    /// Throws `.schemaBehind` when a bundled migration is not applied, `.checksumMismatch` when one changed.
    /// A database that is ahead (applied migrations this build does not know) is accepted.
    public func verifyUpToDate() async throws {
        let migrations = try self.migrations ?? Migration.bundled()
        let recorded = try await pool.withConnection { connection -> [Int: (name: String, checksum: String)] in
            let exists = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")
            guard try exists.first?.decode("present", as: Bool.self) == true else { return [:] }
            return try Self.recorded(on: connection)
        }
        try Self.verifyChecksums(migrations, recorded: recorded)
        let pending = migrations.filter { recorded[$0.version] == nil }.map(\.name)
        if !pending.isEmpty { throw MigrationError.schemaBehind(pending: pending) }
    }

    private static func recorded(on connection: DatabaseConnection) throws -> [Int: (name: String, checksum: String)] {
        var recorded: [Int: (name: String, checksum: String)] = [:]
        for row in try connection.query("SELECT version, name, checksum FROM schema_migrations").rows {
            recorded[try row.decode("version")] = (try row.decode("name"), try row.decode("checksum"))
        }
        return recorded
    }

    private static func verifyChecksums(
        _ migrations: [Migration], recorded: [Int: (name: String, checksum: String)]
    ) throws {
        for migration in migrations {
            if let applied = recorded[migration.version], applied.checksum != migration.checksum {
                throw MigrationError.checksumMismatch(name: migration.name)
            }
        }
    }
}
