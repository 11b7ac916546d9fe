// PublisherHarness: a fresh database, a pool and an in-process declaration-publisher for one test.

import Database
import DeclarationPublisherService
import DeclarativeManagement
import FleetStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TestSupport
import Testing

/// Runs a test against declaration-publisher over a fresh, migrated database.
struct PublisherHarness: Sendable {
    let database: TestDatabase
    let pool: ConnectionPool

    static var logger: Logger {
        var logger = Logger(label: "publisher-tests")
        logger.logLevel = ProcessInfo.processInfo.environment["PUBLISHER_TEST_LOG"] == nil ? .critical : .debug
        return logger
    }

    /// Creates the database, runs `body` with a router test client (workers running), then drops it.
    static func run(
        settings: DeclarationPublisherSettings = DeclarationPublisherSettings(),
        _ body: @escaping @Sendable (any TestClientProtocol, PublisherHarness) async throws -> Void
    ) async throws {
        let database = try await TestDatabase.create()
        let pool = database.makePool()
        let harness = PublisherHarness(database: database, pool: pool)
        do {
            let (_, app) = DeclarationPublisherService.makeApplication(
                pool: pool, settings: settings, logger: logger, invalidationInterval: .milliseconds(200))
            try await app.test(.router) { client in try await body(client, harness) }
        } catch {
            await pool.close()
            database.drop()
            throw error
        }
        await pool.close()
        database.drop()
    }

    /// Registers a Mac and returns its id.
    @discardableResult
    func register(_ enrollmentID: String) throws -> UUID {
        try database.query("INSERT INTO devices (enrollment_id) VALUES ($1) RETURNING id", [enrollmentID])
            .first!.decode("id", as: UUID.self)
    }

    /// Stores `set` for the Mac as the scheduler does.
    @discardableResult
    func replace(_ deviceID: UUID, _ enrollmentID: String, _ set: DeclarationSet) async throws -> Bool {
        try await pool.withConnection {
            try DeclarationSetStore.replace(deviceID: deviceID, enrollmentID: enrollmentID, set: set, on: $0)
        }
    }

    /// Row count of a table.
    func count(_ table: String, _ condition: String = "true") throws -> Int {
        try database.query("SELECT count(*) AS n FROM \(table) WHERE \(condition)").first!.decode("n")
    }

    /// Every row of the tables the publisher could write, as text.
    func snapshot() throws -> [String] {
        try [
            "declaration_sets", "declaration_contents", "declaration_content_items", "command_outbox", "bus_events",
            "devices",
        ].map { table in
            let rows = try database.query("SELECT t::text AS row FROM \(table) t ORDER BY 1").rows
            return "\(table): " + (try rows.map { try $0.decode("row", as: String.self) }.joined(separator: "\n"))
        }
    }
}

extension TestClientProtocol {
    /// `GET path` as NanoMDM forwards it.
    func ddm(_ path: String, enrollment: String?, signature: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let enrollment {
            headers[DDMRoutes.enrollmentHeader] = enrollment
            headers[HTTPField.Name("X-Enrollment-Type")!] = "Device"
        }
        if let signature { headers[DDMRoutes.signatureHeader] = signature }
        return try await execute(uri: path, method: .get, headers: headers, body: nil)
    }
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }

    /// The error code of a JSON error body.
    var errorCode: String? {
        struct Envelope: Decodable {
            struct Body: Decodable { var code: String }
            var error: Body
        }
        return try? JSONDecoder().decode(Envelope.self, from: Data(body.readableBytesView)).error.code
    }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
func eventually(
    timeout: Duration = .seconds(90), _ condition: @Sendable () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}

/// Decodes JSON text into a dictionary.
func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}
