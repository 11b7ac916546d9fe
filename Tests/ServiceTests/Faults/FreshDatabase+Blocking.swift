// FreshDatabase+Blocking: the fault tests' SQL, each statement on its own thread and connection.

import Database
import TestSupport

extension FreshDatabase {
    /// Runs one statement on a new connection, off the cooperative pool (`BlockingWork`): the fault tests
    /// query while services hammer the server, and after restarts, when no old connection is usable.
    /// Parameters are text; the SQL casts them.
    @discardableResult
    func sql(_ text: String, _ parameters: [String] = []) async throws -> QueryResult {
        let database = self.database
        return try await BlockingWork.run { try database.query(text, parameters) }
    }

    /// `SELECT count(*) AS n …` as an Int.
    func count(_ text: String, _ parameters: [String] = []) async throws -> Int {
        try await sql(text, parameters).first!.decode("n", as: Int.self)
    }
}
