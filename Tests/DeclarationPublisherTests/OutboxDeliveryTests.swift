// OutboxDeliveryTests: commands reach a recording MDM API in order, with retries, once per burst, and survive restarts.

import Database
import DeclarationPublisherService
import DeclarativeManagement
import FleetStore
import Foundation
import HTTPTypes
import Logging
import TestSupport
import Testing

@Suite("outbox delivery", .enabled(if: TestDatabase.isEnabled))
struct OutboxDeliveryTests {
    static func settings(_ url: URL?, attempts: Int = 12, lease: Duration = .seconds(60)) -> DeclarationPublisherSettings {
        DeclarationPublisherSettings(
            mdmAPIURL: url, mdmAPIKey: "secret", maximumAttempts: attempts, initialBackoff: .milliseconds(50),
            maximumBackoff: .milliseconds(200), lease: lease, pollInterval: .milliseconds(50),
            requestTimeout: .seconds(30))
    }

    /// Runs a delivery service over `database` until `body` returns.
    static func withDelivery<T: Sendable>(
        _ database: TestDatabase, _ settings: DeclarationPublisherSettings, _ body: () async throws -> T
    ) async throws -> T {
        let pool = database.makePool(maximumConnections: 4)
        let service = CommandDeliveryService(pool: pool, settings: settings, logger: PublisherHarness.logger)
        let task = Task { try await service.run() }
        do {
            let value = try await body()
            task.cancel()
            _ = try? await task.value
            await pool.close()
            return value
        } catch {
            task.cancel()
            _ = try? await task.value
            await pool.close()
            throw error
        }
    }

    /// `(state, attempts)` of outbox row `id`, read through a pool (never blocking the test's threads).
    static func state(_ database: TestDatabase, _ id: Int64 = 1) async throws -> (String, Int) {
        try await probe(database) { connection in
            guard let row = try connection.query("SELECT state, attempts FROM command_outbox WHERE id = $1", [id]).first
            else { return ("missing", -1) }
            return (try row.decode("state"), try row.decode("attempts"))
        }
    }

    /// Runs `body` on a short-lived pool connection, off the test's threads.
    static func probe<T: Sendable>(
        _ database: TestDatabase, _ body: @escaping @Sendable (DatabaseConnection) throws -> T
    ) async throws -> T {
        let pool = database.makePool(maximumConnections: 1)
        do {
            let value = try await pool.withConnection(body)
            await pool.close()
            return value
        } catch {
            await pool.close()
            throw error
        }
    }

    /// Number of delivered rows.
    static func deliveredCount(_ database: TestDatabase) async throws -> Int {
        try await probe(database) {
            try $0.query("SELECT count(*) AS n FROM command_outbox WHERE state = 'delivered'").first!.decode("n")
        }
    }

    /// A fresh database with one Mac whose set was stored (one DeclarativeManagement command queued).
    static func databaseWithQueuedSync() async throws -> (TestDatabase, UUID, DeclarationSet) {
        let database = try await TestDatabase.create()
        let harness = PublisherHarness(database: database, pool: database.makePool(maximumConnections: 2))
        let mac = try harness.register("mac-out")
        let set = PublisherFixtures.set(
            mac, macOS: "15.6", plan: PublisherFixtures.plan(mac, os: PublisherFixtures.enforcement("15.7.2")))
        try await harness.replace(mac, "mac-out", set)
        await harness.pool.close()
        return (database, mac, set)
    }

    @Test func retriesAfterServerErrorsThenDelivers() async throws {
        let (database, _, set) = try await Self.databaseWithQueuedSync()
        defer { database.drop() }
        let server = RecordingMDMServer { index in index < 2 ? .internalServerError : .ok }
        try await server.run { url in
            try await Self.withDelivery(database, Self.settings(url)) {
                let held1 = try await eventually { try await Self.state(database).0 == "delivered" }
                #expect(held1)
            }
        }
        let final = try await Self.state(database)
        #expect(final == ("delivered", 3))
        let received = server.received
        #expect(received.count == 3)
        let last = try #require(received.last)
        #expect(last.enrollmentID == "mac-out")
        #expect(last.authorization == "Basic " + Data("nanomdm:secret".utf8).base64EncodedString())
        #expect(last.requestType == "DeclarativeManagement")
        let tokens = (last.command?["Data"] as? Data).map { String(decoding: $0, as: UTF8.self) }
        #expect(tokens?.contains(set.declarationsToken) == true)
    }

    @Test func givesUpAfterTheLastAttemptAndKeepsTheRowVisible() async throws {
        let (database, _, _) = try await Self.databaseWithQueuedSync()
        defer { database.drop() }
        let server = RecordingMDMServer { _ in .internalServerError }
        try await server.run { url in
            try await Self.withDelivery(database, Self.settings(url, attempts: 3)) {
                let held2 = try await eventually { try await Self.state(database).0 == "failed" }
                #expect(held2)
            }
        }
        let final = try await Self.state(database)
        #expect(final == ("failed", 3))
        #expect(server.received.count == 3)
        let error: String? = try database.query("SELECT last_error FROM command_outbox").first?.decodeIfPresent("last_error")
        #expect(error?.hasPrefix("HTTP 500") == true)
    }

    @Test func withoutAnMDMURLCommandsStayQueued() async throws {
        let (database, _, _) = try await Self.databaseWithQueuedSync()
        defer { database.drop() }
        try await Self.withDelivery(database, Self.settings(nil)) {
            try await Task.sleep(for: .milliseconds(500))
        }
        let final = try await Self.state(database)
        #expect(final == ("queued", 0))
    }

    @Test func aBurstIsDeliveredAsOneCommandAndLegacyCommandsFollowInOrder() async throws {
        let (database, mac, _) = try await Self.databaseWithQueuedSync()
        defer { database.drop() }
        let harness = PublisherHarness(database: database, pool: database.makePool(maximumConnections: 2))
        var latest: DeclarationSet?
        for day in 20...25 {
            let set = PublisherFixtures.set(
                mac, macOS: "15.6",
                plan: PublisherFixtures.plan(
                    mac, os: PublisherFixtures.enforcement("15.7.2", deadline: "2026-01-\(day)T09:00:00")),
                at: PublisherFixtures.evaluatedAt.addingTimeInterval(Double(day)))
            try await harness.replace(mac, "mac-out", set)
            latest = set
        }
        await harness.pool.close()
        let legacy = MDMCommand.scheduleOSUpdate(productVersion: "15.7.2", installAction: "InstallASAP", commandUUID: UUID())
        try database.query(
            """
            INSERT INTO command_outbox (device_id, enrollment_id, command_uuid, request_type, payload, dedupe_key)
            VALUES ($1, 'mac-out', $2, 'ScheduleOSUpdate', $3, 'legacy:test')
            """, [mac, legacy.commandUUID, legacy.plist])
        #expect(try database.query("SELECT count(*) AS n FROM command_outbox").first!.decode("n", as: Int.self) == 2)

        let server = RecordingMDMServer()
        try await server.run { url in
            try await Self.withDelivery(database, Self.settings(url)) {
                let converged1 = try await eventually {
                        try await Self.deliveredCount(database) == 2
                    }
                #expect(converged1)
            }
        }
        let received = server.received
        #expect(received.map(\.requestType) == ["DeclarativeManagement", "ScheduleOSUpdate"])
        let tokens = (received.first?.command?["Data"] as? Data).map { String(decoding: $0, as: UTF8.self) }
        #expect(tokens?.contains(try #require(latest).declarationsToken) == true)
    }

    /// A change coalesced into the command while it is in flight: the first delivery is not marked delivered,
    /// the command is queued again under a new `CommandUUID` and goes out with the newer tokens.
    @Test func aChangeWhileInFlightIsDeliveredAgainUnderANewUUID() async throws {
        let (database, mac, first) = try await Self.databaseWithQueuedSync()
        defer { database.drop() }
        let harness = PublisherHarness(database: database, pool: database.makePool(maximumConnections: 2))
        let outbox = CommandOutbox(pool: harness.pool)
        let inFlight = try #require(try await outbox.claim(limit: 10, lease: .seconds(60)).first)
        #expect(inFlight.payload.contains(inFlight.commandUUID.uuidString))
        func tokens(_ command: OutboxCommand) throws -> String {
            let root =
                try PropertyListSerialization.propertyList(from: Data(command.payload.utf8), format: nil) as? [String: Any]
            let data = try #require((root?["Command"] as? [String: Any])?["Data"] as? Data)
            return String(decoding: data, as: UTF8.self)
        }
        #expect(try tokens(inFlight).contains(first.declarationsToken))

        let second = PublisherFixtures.set(
            mac, macOS: "15.6",
            plan: PublisherFixtures.plan(mac, os: PublisherFixtures.enforcement("15.7.2", deadline: "2026-02-01T09:00:00")),
            at: PublisherFixtures.evaluatedAt.addingTimeInterval(3600))
        #expect(second.declarationsToken != first.declarationsToken)
        #expect(try await harness.replace(mac, "mac-out", second))
        #expect(try harness.count("command_outbox") == 1)

        #expect(try await !outbox.markDelivered(inFlight))
        #expect(try harness.count("command_outbox", "state = 'queued' AND revision = 1") == 1)
        let again = try #require(try await outbox.claim(limit: 10, lease: .seconds(60)).first)
        #expect(again.id == inFlight.id)
        #expect(again.commandUUID != inFlight.commandUUID)
        #expect(try tokens(again).contains(second.declarationsToken))
        #expect(try await outbox.markDelivered(again))
        #expect(try harness.count("command_outbox", "state = 'delivered'") == 1)
        await harness.pool.close()
    }

    @Test func nothingIsLostWhenTheDelivererStopsMidDelivery() async throws {
        let (database, _, _) = try await Self.databaseWithQueuedSync()
        defer { database.drop() }
        // The first server takes the request and never answers; the deliverer is stopped while waiting.
        let hanging = RecordingMDMServer { _ in
            try? await Task.sleep(for: .seconds(60))
            return .ok
        }
        try await hanging.run { url in
            try await Self.withDelivery(database, Self.settings(url, lease: .seconds(1))) {
                let held3 = try await eventually { hanging.received.count == 1 }
                #expect(held3)
            }
        }
        let final = try await Self.state(database)
        #expect(final == ("queued", 1))
        // A new deliverer (a restart, or another replica) delivers it once the lease has passed.
        let answering = RecordingMDMServer()
        try await answering.run { url in
            try await Self.withDelivery(database, Self.settings(url, lease: .seconds(1))) {
                let held4 = try await eventually { try await Self.state(database).0 == "delivered" }
                #expect(held4)
            }
        }
        #expect(answering.received.count == 1)
        let afterRestart = try await Self.state(database)
        #expect(afterRestart == ("delivered", 2))
    }

    @Test(arguments: [(1, 50), (2, 100), (3, 200), (4, 400), (10, 1000), (60, 1000)])
    func backoffDoublesUpToTheMaximum(attempt: Int, milliseconds: Int) {
        #expect(
            CommandDeliveryService.backoff(attempt: attempt, initial: .milliseconds(50), maximum: .seconds(1))
                == .milliseconds(milliseconds))
    }
}
