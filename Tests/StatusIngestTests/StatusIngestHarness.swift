// StatusIngestHarness: a fresh database, a pool and a status-ingest application for one test.

import Database
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StatusIngestService
import TestSupport

/// Runs a test against an in-process status-ingest over a fresh, migrated database.
struct StatusIngestHarness {
    let database: TestDatabase
    let pool: ConnectionPool

    /// Creates the database, runs `body` with a router test client, then drops the database.
    static func run(
        settings: StatusIngestSettings = StatusIngestSettings(),
        _ body: @escaping @Sendable (any TestClientProtocol, StatusIngestHarness) async throws -> Void
    ) async throws {
        let database = try await TestDatabase.create()
        let pool = database.makePool()
        let harness = StatusIngestHarness(database: database, pool: pool)
        do {
            let app = StatusIngestService.makeApplication(pool: pool, settings: settings, logger: TestDatabase.logger)
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

    /// The Mac's current state row.
    func state(_ deviceID: UUID) throws -> Row? {
        try database.query("SELECT * FROM device_status WHERE device_id = $1::uuid", [deviceID]).first
    }

    /// One column of the Mac's state.
    func column(_ deviceID: UUID, _ name: String) throws -> String? {
        try state(deviceID)?.rawValue(name)
    }

    /// Row count of a table.
    func count(_ table: String, _ condition: String = "true") throws -> Int {
        try database.query("SELECT count(*) AS n FROM \(table) WHERE \(condition)").first!.decode("n")
    }

    /// Every row of every table status-ingest writes, as text, to compare before and after.
    func snapshot() throws -> [String] {
        try [
            "devices", "device_status", "device_status_history", "status_reports_raw", "status_parse_errors",
            "bus_events",
        ].map { table in
            let rows = try database.query("SELECT t::text AS row FROM \(table) t ORDER BY 1").rows
            return "\(table): " + (try rows.map { try $0.decode("row", as: String.self) }.joined(separator: "\n"))
        }
    }
}

extension TestClientProtocol {
    /// `PUT path` with a status body and optional headers.
    func putStatus(
        _ body: String, enrollment: String?, signature: String? = nil, path: String = "/status"
    ) async throws -> TestResponse {
        try await putStatus(bytes: Array(body.utf8), enrollment: enrollment, signature: signature, path: path)
    }

    /// `PUT path` with raw body bytes.
    func putStatus(
        bytes: [UInt8], enrollment: String?, signature: String? = nil, path: String = "/status"
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let enrollment { headers[StatusRoutes.enrollmentHeader] = enrollment }
        if let signature { headers[StatusRoutes.signatureHeader] = signature }
        return try await execute(uri: path, method: .put, headers: headers, body: ByteBuffer(bytes: bytes))
    }
}

extension TestResponse {
    /// The error code of a JSON error body.
    var errorCode: String? {
        struct Envelope: Decodable {
            struct Body: Decodable { var code: String }
            var error: Body
        }
        return try? JSONDecoder().decode(Envelope.self, from: Data(body.readableBytesView)).error.code
    }
}
