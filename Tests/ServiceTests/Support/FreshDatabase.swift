// FreshDatabase: an empty database per test (TestSupport's TestDatabase) and the URL a child process needs.

import Foundation
import TestSupport

/// An empty, never migrated database of its own for one test; `url` is what the test passes to the
/// executable as `DATABASE_URL`.
struct FreshDatabase: Sendable {
    let database: TestDatabase
    let url: String

    /// Runs `body` with a new database and drops it afterwards, also when `body` throws.
    static func with<T: Sendable>(_ body: (FreshDatabase) async throws -> T) async throws -> T {
        let database = try await TestDatabase.create(migrated: false, maximumConnections: 1)
        let fresh = FreshDatabase(
            database: database, url: try url(TestDatabase.serverURL(), database: database.name, password: nil))
        do {
            let result = try await body(fresh)
            database.drop()
            return result
        } catch {
            database.drop()
            throw error
        }
    }

    /// The same database with a password in the URL (the test cluster trusts local connections, so any
    /// password works); used to check that secrets never reach the logs.
    func url(withPassword password: String) throws -> String {
        try Self.url(url, database: database.name, password: password)
    }

    private static func url(_ serverURL: String, database: String, password: String?) throws -> String {
        if serverURL.hasPrefix("postgres://") || serverURL.hasPrefix("postgresql://") {
            guard var components = URLComponents(string: serverURL) else {
                throw TestSetupError("DATABASE_URL is not a URL")
            }
            components.path = "/" + database
            if let password { components.password = password }
            guard let url = components.string else { throw TestSetupError("cannot build a database URL") }
            return url
        }
        // libpq conninfo: later keywords win.
        return serverURL + " dbname=\(database)" + (password.map { " password=\($0)" } ?? "")
    }
}
