// Transactions roll back on any thrown error; server errors carry SQLSTATE and leak no SQL.

import Database
import TestSupport
import Testing

@Suite(.enabled(if: TestDatabase.isEnabled))
struct TransactionTests {
    @Test func failingStatementInsideTransactionLeavesNoRow() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let pool = database.makePool()
        try await pool.withConnection { try $0.executeScript("CREATE TABLE items (id int PRIMARY KEY)") }
        await #expect(throws: DatabaseError.self) {
            try await pool.withTransaction { connection in
                try connection.query("INSERT INTO items (id) VALUES (1)")
                try connection.query("INSERT INTO items (id) VALUES ('not an int')")
            }
        }
        let count = try await pool.withConnection { try $0.query("SELECT count(*) AS n FROM items").first!.decode("n", as: Int.self) }
        #expect(count == 0)
        await pool.close()
    }

    struct Abort: Error {}

    @Test func swiftErrorInsideTransactionRollsBack() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let pool = database.makePool()
        try await pool.withConnection { try $0.executeScript("CREATE TABLE items (id int PRIMARY KEY)") }
        await #expect(throws: Abort.self) {
            try await pool.withTransaction { connection in
                try connection.query("INSERT INTO items (id) VALUES (1)")
                throw Abort()
            }
        }
        let count = try await pool.withConnection { try $0.query("SELECT count(*) AS n FROM items").first!.decode("n", as: Int.self) }
        #expect(count == 0)
        // The connection went back to the pool usable, outside any transaction.
        let inTransaction = try await pool.withConnection { $0.isInTransaction }
        #expect(inTransaction == false)
        await pool.close()
    }

    @Test func uniqueViolationCarriesSQLStateAndConstraintButNoSQL() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try DatabaseConnection.connect(database.configuration)
        try connection.executeScript("CREATE TABLE labels (name text CONSTRAINT labels_name_key UNIQUE)")
        try connection.query("INSERT INTO labels (name) VALUES ($1)", ["secret-value"])
        let error = try #require(throws: DatabaseError.self) {
            try connection.query("INSERT INTO labels (name) VALUES ($1)", ["secret-value"])
        }
        #expect(error.sqlState == "23505")
        #expect(error.isUniqueViolation)
        #expect(error.constraintName == "labels_name_key")
        #expect(error.detail?.contains("already exists") == true)
        #expect(!error.description.contains("INSERT"))
        #expect(error.query?.contains("INSERT") == true)
    }
}
