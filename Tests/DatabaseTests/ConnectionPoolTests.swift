// The pool bounds connections, times out waiters, and replaces broken connections.

import Database
import Foundation
import TestSupport
import Testing

@Suite(.enabled(if: TestDatabase.isEnabled))
struct ConnectionPoolTests {
    @Test func sixtyFourTasksShareAPoolOfFour() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        // A generous acquire timeout: other suites may load the machine heavily meanwhile.
        let pool = database.makePool(maximumConnections: 4, acquireTimeout: .seconds(120))
        let pids = try await withThrowingTaskGroup(of: Int32.self) { group in
            for index in 0..<64 {
                group.addTask {
                    try await pool.withConnection { connection in
                        try connection.query("SELECT pg_sleep(0.01), $1::int AS n", [index])
                        return connection.backendPID
                    }
                }
            }
            var pids: [Int32] = []
            for try await pid in group { pids.append(pid) }
            return pids
        }
        #expect(pids.count == 64)
        #expect(Set(pids).count <= 4)
        #expect(pool.statistics.open <= 4)
        await pool.close()
    }

    @Test func waiterTimesOutWhenEveryConnectionIsBusy() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let pool = database.makePool(maximumConnections: 1, acquireTimeout: .milliseconds(200))
        async let holder: Void = pool.withConnection { try $0.query("SELECT pg_sleep(1.5)") }
        try await Task.sleep(for: .milliseconds(300))
        let error = await #expect(throws: DatabaseError.self) {
            try await pool.withConnection { try $0.query("SELECT 1") }
        }
        #expect(error?.code == .poolTimeout)
        try await holder
        await pool.close()
    }

    @Test func terminatedConnectionIsReplacedAndTheNextQuerySucceeds() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let pool = database.makePool(maximumConnections: 1)
        let firstPID = try await pool.withConnection { $0.backendPID }
        let killer = try DatabaseConnection.connect(database.configuration)
        try killer.query("SELECT pg_terminate_backend($1::int)", [firstPID])
        // Wait until the server process is really gone.
        for _ in 0..<100 {
            let alive = try killer.query("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1::int", [firstPID])
            if try alive.first!.decode("n", as: Int.self) == 0 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let (value, secondPID) = try await pool.withConnection { connection in
            (try connection.query("SELECT 41 + 1 AS n").first!.decode("n", as: Int.self), connection.backendPID)
        }
        #expect(value == 42)
        #expect(secondPID != firstPID)
        #expect(pool.statistics.open == 1)
        await pool.close()
    }

    @Test func pingAnswersTrueWhenTheDatabaseIsUpAndFalseWhenUnreachable() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let pool = database.makePool()
        #expect(await pool.ping(timeout: .seconds(60)))
        await pool.close()
        let unreachable = ConnectionPool(
            configuration: try DatabaseConfiguration(url: "postgres://nobody@127.0.0.1:1/none"),
            logger: TestDatabase.logger)
        #expect(await unreachable.ping() == false)
        await unreachable.close()
    }

    @Test func keywordConninfoConnectsLikeTheURL() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let url = try #require(URLComponents(string: try TestDatabase.serverURL()))
        var conninfo = "host=\(url.host ?? "127.0.0.1") port=\(url.port ?? 5432) dbname='\(database.name)'"
        if let user = url.user { conninfo += " user='\(user)'" }
        if let password = url.password { conninfo += " password='\(password)'" }
        // The same generous connect timeout the other test connections use: under hundreds of parallel tests a
        // (TLS) connection can wait longer than the product's 5 s default. Connected off the cooperative pool.
        let configuration = try DatabaseConfiguration(url: conninfo).with("connect_timeout", "60")
        let name = try await BlockingWork.run {
            let connection = try DatabaseConnection.connect(configuration)
            return try connection.query("SELECT current_database() AS name").first!.decode("name", as: String.self)
        }
        #expect(name == database.name)
    }

    @Test func invalidConnectionStringIsRefusedWithLibpqsMessage() {
        let error = #expect(throws: DatabaseError.self) {
            try DatabaseConfiguration(url: "postgres://host:notaport/db?nonsense=1")
        }
        #expect(error?.code == .invalidConfiguration)
    }
}
