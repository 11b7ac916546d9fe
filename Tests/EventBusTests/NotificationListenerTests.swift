// LISTEN/NOTIFY through the listener: committed notifications arrive, rolled-back ones never do.

import Database
import Foundation
import TestSupport
import Testing

@Suite(.enabled(if: TestDatabase.isEnabled))
struct NotificationListenerTests {
    @Test func committedNotificationArrivesAndRolledBackOneNever() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let listener = NotificationListener(
            configuration: database.configuration, channels: ["library"], idleInterval: .milliseconds(300),
            logger: TestDatabase.logger)
        let iterator = listener.makeAsyncIterator()
        #expect(try await iterator.next() == .connected)

        let publisher = try DatabaseConnection.connect(database.configuration)
        struct Rollback: Error {}
        _ = try? publisher.withTransaction { connection in
            try connection.notify("library", payload: "rolled-back")
            throw Rollback()
        }
        try publisher.withTransaction { try $0.notify("library", payload: "committed") }

        var payloads: [String] = []
        for _ in 0..<4 {
            guard let event = try await iterator.next() else { break }
            if case .notifications(let received) = event { payloads += received.map(\.payload) }
        }
        #expect(payloads == ["committed"])
    }

    @Test func listenerReconnectsAfterItsBackendIsTerminated() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let configuration = database.configuration.with("application_name", "listener-under-test")
        let listener = NotificationListener(
            configuration: configuration, channels: ["device"], idleInterval: .milliseconds(200),
            logger: TestDatabase.logger)
        let iterator = listener.makeAsyncIterator()
        #expect(try await iterator.next() == .connected)
        let admin = try DatabaseConnection.connect(database.configuration)
        try admin.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'listener-under-test'")
        var reconnected = false
        for _ in 0..<50 {
            if try await iterator.next() == .connected {
                reconnected = true
                break
            }
        }
        #expect(reconnected)
        try admin.notify("device", payload: "after")
        var payloads: [String] = []
        for _ in 0..<10 where payloads.isEmpty {
            if case .notifications(let received) = try await iterator.next() { payloads = received.map(\.payload) }
        }
        #expect(payloads == ["after"])
    }

    @Test func channelNamesAreQuotedNotSpliced() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let hostile = "x\"; DROP TABLE canary; --"
        try database.query("CREATE TABLE canary (id int)")
        let listener = NotificationListener(
            configuration: database.configuration, channels: [hostile], idleInterval: .milliseconds(200),
            logger: TestDatabase.logger)
        let iterator = listener.makeAsyncIterator()
        #expect(try await iterator.next() == .connected)
        try DatabaseConnection.connect(database.configuration).notify(hostile, payload: "ok")
        var payloads: [String] = []
        for _ in 0..<10 where payloads.isEmpty {
            if case .notifications(let received) = try await iterator.next() { payloads = received.map(\.payload) }
        }
        #expect(payloads == ["ok"])
        #expect(try database.query("SELECT to_regclass('canary') IS NOT NULL AS present").first!.decode("present", as: Bool.self))
    }
}
