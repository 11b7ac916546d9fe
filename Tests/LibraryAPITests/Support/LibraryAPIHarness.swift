// LibraryAPIHarness: an in-process library-api on a fresh test database, with read and write tokens.

import AppleFeedSnapshots
import Database
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ManagedOSDomain
import NIOCore
import ServiceLifecycle
import ServiceSupport
import TestSupport

@testable import LibraryAPIService

/// Runs a test against the library-api router (with the standard middleware) on a fresh database.
struct LibraryAPIHarness: Sendable {
    /// The test database.
    let database: TestDatabase
    /// A token with the `read` scope, named `reader`.
    let readToken: String
    /// A token with the `write` scope, named `writer`.
    let writeToken: String
    /// The client.
    let client: any TestClientProtocol
    /// The service behind the router.
    let service: LibraryAPIService

    /// 2026-08-22 12:00 UTC, the day of the bundled Apple feed snapshots.
    static let now = Date(timeIntervalSince1970: 1_787_400_000)

    /// The bundled catalog, loaded once.
    static let catalog: ReleaseCatalog = {
        // The snapshots are part of the package; failing to load them is a broken checkout.
        try! AppleFeedSnapshots.defaultCatalog()
    }()

    /// Creates a database, tokens and the app, runs `body` and drops the database.
    ///
    /// - Parameters:
    ///   - mode: `.router` (no socket) or `.live` (a real listener on 127.0.0.1, for a browser).
    ///   - watchesChanges: runs the service's workers (the caches' change watcher) beside the app.
    static func run(
        summaryMaxAge: Duration = .zero, mode: TestingSetup = .router, watchesChanges: Bool = false,
        _ body: @escaping @Sendable (LibraryAPIHarness) async throws -> Void
    ) async throws {
        let database = try await TestDatabase.create()
        let pool = database.makePool()
        do {
            let connection = try DatabaseConnection.connect(database.configuration)
            let readToken = try TokenStore.create(name: "reader", scopes: [.read], on: connection)
            let writeToken = try TokenStore.create(name: "writer", scopes: [.write], on: connection)
            let service = try LibraryAPIService(
                pool: pool, fallbackCatalog: catalog, now: { now }, summaryMaxAge: summaryMaxAge,
                changeCheckInterval: .milliseconds(200), logger: TestDatabase.logger)
            let workers = Task {
                guard watchesChanges else { return }
                try await withThrowingDiscardingTaskGroup { group in
                    for worker in service.services { group.addTask { try await worker.run() } }
                }
            }
            let router = ServiceRunner.makeRouter(health: HealthRoutes(database: pool))
            service.addRoutes(to: router)
            let app = Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                logger: TestDatabase.logger)
            // The workers end before the pool closes, so none of them reads from a closed pool.
            do {
                try await app.test(mode) { client in
                    try await body(
                        LibraryAPIHarness(
                            database: database, readToken: readToken, writeToken: writeToken, client: client,
                            service: service))
                }
            } catch {
                workers.cancel()
                _ = await workers.result
                throw error
            }
            workers.cancel()
            _ = await workers.result
        } catch {
            await pool.close()
            database.drop()
            throw error
        }
        await pool.close()
        database.drop()
    }

    /// Sends a request; `token` nil sends no Authorization header.
    @discardableResult
    func send(_ method: HTTPRequest.Method, _ uri: String, token: String?, body: String? = nil) async throws -> Reply {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let body {
            headers[.contentType] = "application/json"
            headers[.contentLength] = String(body.utf8.count)
        }
        return try await client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
        ) { response in
            Reply(status: response.status, data: Data(response.body.readableBytesView))
        }
    }

    /// Sends with the write token.
    @discardableResult
    func write(_ method: HTTPRequest.Method, _ uri: String, body: String? = nil) async throws -> Reply {
        try await send(method, uri, token: writeToken, body: body)
    }

    /// GET with the read token.
    func read(_ uri: String) async throws -> Reply {
        try await send(.get, uri, token: readToken)
    }

    /// Every library-api table's rows as text, to prove a failed request changed nothing.
    func snapshot() throws -> [String] {
        try [
            "items", "blueprints", "blueprint_items", "assignment_map_items", "devices", "audit_log", "bus_events",
            "api_tokens", "catalog_release_overrides", "catalog_settings", "mac_plans", "plan_shapes",
        ].map {
            table in
            try database.query(
                "SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') AS rows FROM \(table) t"
            ).first!.decode("rows")
        }
    }

    /// The number of rows of `sql` (a `SELECT count(*) AS n …`).
    func count(_ sql: String, _ parameters: [(any PostgresBindable)?] = []) throws -> Int {
        try database.query(sql, parameters).first!.decode("n")
    }
}

/// One HTTP answer.
struct Reply: Sendable {
    var status: HTTPResponse.Status
    var data: Data

    /// The body as JSON (`.null` when it is not JSON).
    var json: JSONValue { (try? JSONDecoder().decode(JSONValue.self, from: data)) ?? .null }
}

extension JSONValue {
    /// The member `key` of an object (`.null` otherwise).
    subscript(key: String) -> JSONValue {
        if case .object(let members) = self { return members[key] ?? .null }
        return .null
    }

    /// The element at `index` of an array (`.null` otherwise).
    subscript(index: Int) -> JSONValue {
        if case .array(let elements) = self, elements.indices.contains(index) { return elements[index] }
        return .null
    }

    /// The text of a string.
    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The value of an integral number.
    var int: Int? {
        if case .number(let number) = self { return Int(exactly: number) }
        return nil
    }

    /// The elements of an array (empty otherwise).
    var array: [JSONValue] {
        if case .array(let elements) = self { return elements }
        return []
    }

    /// The `field` values of an error body's `fields`.
    var errorFields: [String] { self["error"]["fields"].array.compactMap { $0["field"].string } }

    /// The `code` values of an error body's `fields`.
    var errorFieldCodes: [String] { self["error"]["fields"].array.compactMap { $0["code"].string } }
}

/// Request bodies used by several tests.
enum Bodies {
    /// A valid item body; `overrides` replaces top-level members with raw JSON (`""` removes the member).
    static func item(
        label: String = "Standard", major: Int = 26, _ overrides: [String: String] = [:]
    ) -> String {
        var members: [String: String] = [
            "label": "\"\(label)\"", "major": "\(major)", "installationMethod": "\"continuous\"",
            "versionEnforcement": #"{"mode":"automatic","timeframe":"twoWeeks"}"#,
            "enforcementTime": "\"09:00\"", "enforcementTimeZone": "\"Europe/Berlin\"",
            "bsiEnforcement": #"{"mode":"none"}"#, "detailsURL": "\"https://example.com/os\"",
        ]
        for (key, value) in overrides { members[key] = value.isEmpty ? nil : value }
        return "{" + members.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    }
}
