// TestDatabase: a fresh, uniquely named database per test on the server named by DATABASE_URL.

import Database
import Foundation
import Logging

/// A fresh database for one test, created on the server that `DATABASE_URL` names and dropped by
/// `drop()`. LISTEN channels are per database, so notifications never cross tests.
///
/// Tests that need a database fail loudly when `DATABASE_URL` is missing; they are skipped only
/// when `SKIP_DB_TESTS=1` is set explicitly (use `TestDatabase.isEnabled` in a `.enabled(if:)` trait).
public struct TestDatabase: Sendable {
    /// Settings for the fresh database.
    public let configuration: DatabaseConfiguration
    /// The database's name.
    public let name: String
    /// Settings for the server's maintenance database.
    public let serverConfiguration: DatabaseConfiguration

    /// False only when `SKIP_DB_TESTS=1`.
    public static var isEnabled: Bool { ProcessInfo.processInfo.environment["SKIP_DB_TESTS"] != "1" }

    /// A logger for tests (warnings and above to stderr).
    public static let logger: Logger = {
        var logger = Logger(label: "tests")
        logger.logLevel = .warning
        return logger
    }()

    /// The server URL from the environment, or an error telling how to get one.
    public static func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else {
            throw TestDatabaseError.noDatabase
        }
        return url
    }

    /// Creates a uniquely named empty database; with `migrated`, a copy of a template database that has the
    /// bundled migrations applied (created once per schema version and reused, so hundreds of tests do not
    /// each run every migration). The blocking SQL runs on its own thread, never on the cooperative pool
    /// that hundreds of parallel tests share.
    public static func create(migrated: Bool = true, maximumConnections: Int = 8) async throws -> TestDatabase {
        // Hundreds of tests start at once: connecting may queue behind the server's other work for a while.
        let server = try DatabaseConfiguration(url: try serverURL(), maximumConnections: 1).with("connect_timeout", "60")
        let name = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let template = migrated ? try await MigratedTemplate.shared.name(on: server) : nil
        // A few copies at a time: a burst of hundreds of CREATE DATABASE stalls every other connection.
        await creations.wait()
        do {
            try await BlockingWork.run {
                let admin = try DatabaseConnection.connect(server)
                let quoted = try admin.quotedIdentifier(name)
                if let template {
                    try admin.executeScript("CREATE DATABASE \(quoted) TEMPLATE \(try admin.quotedIdentifier(template))")
                } else {
                    try admin.executeScript("CREATE DATABASE \(quoted)")
                }
            }
        } catch {
            await creations.signal()
            throw error
        }
        await creations.signal()
        var configuration = server.with(database: name)
        configuration.maximumConnections = maximumConnections
        return TestDatabase(configuration: configuration, name: name, serverConfiguration: server)
    }

    private static let creations = AsyncGate(width: 4)

    /// A pool on this database (close it with `close()`).
    public func makePool(maximumConnections: Int? = nil, acquireTimeout: Duration? = nil) -> ConnectionPool {
        var configuration = self.configuration
        if let maximumConnections { configuration.maximumConnections = maximumConnections }
        if let acquireTimeout { configuration.acquireTimeout = acquireTimeout }
        return ConnectionPool(configuration: configuration, logger: Self.logger)
    }

    /// Runs SQL on a new, short-lived connection to this database.
    @discardableResult
    public func query(_ sql: String, _ parameters: [(any PostgresBindable)?] = []) throws -> QueryResult {
        try DatabaseConnection.connect(configuration).query(sql, parameters)
    }

    /// Drops the database, disconnecting whatever is still connected. Returns at once: the drop runs on its
    /// own thread, so a test's `defer` never blocks the cooperative pool (the throwaway cluster is deleted
    /// after the run anyway).
    public func drop() {
        let name = self.name
        let server = serverConfiguration
        BlockingWork.start { Self.drop(name, on: server) }
    }

    /// Drops the database and returns once it is gone (for tests about a database disappearing).
    public func dropAndWait() async throws {
        let name = self.name
        let server = serverConfiguration
        try await BlockingWork.run { Self.drop(name, on: server) }
    }

    /// Ends every other session connected to database `name` (it can then be dropped or renamed).
    static func disconnectEveryone(from name: String, on admin: DatabaseConnection) throws {
        try admin.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            [name])
    }

    /// `WITH (FORCE)` (PostgreSQL 13+) ends the sessions and drops in one command: ending them first and
    /// dropping after let a service's listener reconnect in between, so the drop failed and the database stayed.
    static func drop(_ name: String, on server: DatabaseConfiguration) {
        guard let admin = try? DatabaseConnection.connect(server) else { return }
        if let quoted = try? admin.quotedIdentifier(name) {
            _ = try? admin.executeScript("DROP DATABASE IF EXISTS \(quoted) WITH (FORCE)")
        }
    }
}

/// Why a database test could not get a database.
public enum TestDatabaseError: Error, CustomStringConvertible {
    case noDatabase

    public var description: String {
        "DATABASE_URL is not set: run the tests with `make test` (which starts a throwaway PostgreSQL), "
            + "set DATABASE_URL, or set SKIP_DB_TESTS=1 to skip database tests explicitly"
    }
}
