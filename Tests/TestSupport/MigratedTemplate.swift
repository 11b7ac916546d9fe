// MigratedTemplate: one database per schema version with every bundled migration applied, cloned by tests.

import Database
import Digests
import Foundation

/// The template database test databases are cloned from. Its name carries a digest of the bundled
/// migrations, so a changed schema gets a new template and an unchanged one is reused across runs (on a
/// developer's server as well as the throwaway cluster). Built under a temporary name and renamed when
/// complete, so a half-migrated template is never cloned.
actor MigratedTemplate {
    static let shared = MigratedTemplate()

    private var ready: String?

    /// The template's name, creating and migrating it on first use.
    func name(on server: DatabaseConfiguration) async throws -> String {
        if let ready { return ready }
        let migrations = try Migration.bundled()
        let digest = SHA256Hex.digest(of: migrations.map { "\($0.version):\($0.checksum)" }.joined(separator: "\n"))
        let name = "test_template_" + digest.prefix(16)
        let exists = try await BlockingWork.run { try Self.exists(name, on: DatabaseConnection.connect(server)) }
        if !exists { try await build(name, on: server) }
        ready = name
        return name
    }

    private func build(_ name: String, on server: DatabaseConfiguration) async throws {
        let building = "test_building_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await BlockingWork.run {
            let admin = try DatabaseConnection.connect(server)
            try admin.executeScript("CREATE DATABASE \(try admin.quotedIdentifier(building))")
        }
        let pool = ConnectionPool(configuration: server.with(database: building), logger: TestDatabase.logger)
        do {
            try await MigrationRunner(pool: pool, logger: TestDatabase.logger).applyPending()
            await pool.close()
        } catch {
            await pool.close()
            TestDatabase.drop(building, on: server)
            throw error
        }
        try await BlockingWork.run {
            let admin = try DatabaseConnection.connect(server)
            // The pool is closed; make sure none of its server processes still holds the database.
            try TestDatabase.disconnectEveryone(from: building, on: admin)
            do {
                try admin.executeScript(
                    "ALTER DATABASE \(try admin.quotedIdentifier(building)) RENAME TO \(try admin.quotedIdentifier(name))")
            } catch {
                // Another test process finished the same template first: use theirs.
                TestDatabase.drop(building, on: server)
                if try !Self.exists(name, on: admin) { throw error }
            }
        }
    }

    private static func exists(_ name: String, on admin: DatabaseConnection) throws -> Bool {
        try admin.query("SELECT count(*) AS n FROM pg_database WHERE datname = $1", [name])
            .first!.decode("n", as: Int.self) > 0
    }
}
