// AuthTests: the auth matrix (every route × no token / read / write), unknown and revoked tokens,
// and the unauthenticated health route.

import Database
import Foundation
import HTTPTypes
import TestSupport
import Testing

@testable import LibraryAPIService

@Suite("library-api authentication", .enabled(if: TestDatabase.isEnabled))
struct AuthTests {
    /// One route of the API, with a body that gets past authentication.
    struct Route: Sendable, CustomTestStringConvertible {
        var method: HTTPRequest.Method
        var path: String
        var body: String?

        var needsWrite: Bool { method != .get }
        var testDescription: String { "\(method) \(path)" }
    }

    static let someID = "00000000-0000-4000-8000-000000000001"

    /// Every route (ids that do not exist: past authentication they answer 404 or 400).
    static let routes: [Route] = [
        Route(method: .get, path: "/v1/library-items"),
        Route(method: .post, path: "/v1/library-items", body: "{}"),
        Route(method: .get, path: "/v1/library-items/\(someID)"),
        Route(method: .put, path: "/v1/library-items/\(someID)", body: Bodies.item()),
        Route(method: .delete, path: "/v1/library-items/\(someID)"),
        Route(method: .post, path: "/v1/library-items/preview", body: "{}"),
        Route(method: .post, path: "/v1/library-items/\(someID)/preview", body: Bodies.item()),
        Route(method: .get, path: "/v1/blueprints"),
        Route(method: .post, path: "/v1/blueprints", body: "{}"),
        Route(method: .get, path: "/v1/blueprints/\(someID)"),
        Route(method: .put, path: "/v1/blueprints/\(someID)", body: #"{"name":"x"}"#),
        Route(method: .delete, path: "/v1/blueprints/\(someID)"),
        Route(method: .put, path: "/v1/blueprints/\(someID)/items/\(someID)"),
        Route(method: .delete, path: "/v1/blueprints/\(someID)/items/\(someID)"),
        Route(method: .get, path: "/v1/assignment-maps"),
        Route(method: .post, path: "/v1/assignment-maps", body: "{}"),
        Route(method: .get, path: "/v1/assignment-maps/\(someID)"),
        Route(method: .put, path: "/v1/assignment-maps/\(someID)", body: #"{"name":"x","root":{}}"#),
        Route(method: .delete, path: "/v1/assignment-maps/\(someID)"),
        Route(method: .get, path: "/v1/devices"),
        Route(method: .post, path: "/v1/devices", body: "{}"),
        Route(method: .get, path: "/v1/devices/\(someID)"),
        Route(method: .put, path: "/v1/devices/\(someID)", body: #"{"enrollmentId":"x"}"#),
        Route(method: .delete, path: "/v1/devices/\(someID)"),
        Route(method: .get, path: "/v1/devices/\(someID)/plan"),
        Route(method: .get, path: "/v1/devices/\(someID)/status"),
        Route(method: .get, path: "/v1/devices/\(someID)/commands"),
        Route(method: .get, path: "/v1/commands"),
        Route(method: .get, path: "/v1/compliance/summary"),
        Route(method: .get, path: "/v1/compliance/macs"),
        Route(method: .get, path: "/v1/compliance/macs.csv"),
        Route(method: .get, path: "/v1/catalog/releases"),
        Route(method: .put, path: "/v1/catalog/approvals", body: "{}"),
        Route(method: .get, path: "/v1/catalog/settings"),
        Route(method: .put, path: "/v1/catalog/settings", body: "{}"),
        Route(method: .get, path: "/v1/catalog/sources"),
        Route(method: .get, path: "/v1/audit-log"),
        Route(method: .get, path: "/v1/openapi.json"),
    ]

    @Test("without a token every route answers 401 and changes nothing", arguments: routes)
    func noToken(_ route: Route) async throws {
        try await LibraryAPIHarness.run { api in
            let before = try api.snapshot()
            let reply = try await api.send(route.method, route.path, token: nil, body: route.body)
            #expect(reply.status == .unauthorized)
            #expect(reply.json["error"]["code"].string == "unauthorized")
            #expect(try api.snapshot() == before)
        }
    }

    @Test("with an unknown token every route answers 401", arguments: routes)
    func unknownToken(_ route: Route) async throws {
        try await LibraryAPIHarness.run { api in
            let reply = try await api.send(route.method, route.path, token: "mos_nope", body: route.body)
            #expect(reply.status == .unauthorized)
        }
    }

    @Test("a read token may read but answers 403 on writes, changing nothing", arguments: routes)
    func readToken(_ route: Route) async throws {
        try await LibraryAPIHarness.run { api in
            let before = try api.snapshot()
            let reply = try await api.send(route.method, route.path, token: api.readToken, body: route.body)
            if route.needsWrite {
                #expect(reply.status == .forbidden)
                #expect(reply.json["error"]["code"].string == "forbidden")
            } else {
                #expect(reply.status == .ok || reply.status == .notFound)
            }
            #expect(try api.snapshot() == before)
        }
    }

    @Test("a write token gets past authentication on every route", arguments: routes)
    func writeToken(_ route: Route) async throws {
        try await LibraryAPIHarness.run { api in
            let reply = try await api.send(route.method, route.path, token: api.writeToken, body: route.body)
            #expect(![.unauthorized, .forbidden].contains(reply.status))
            #expect([.ok, .notFound, .badRequest].contains(reply.status))
        }
    }

    @Test("a revoked token answers 401")
    func revokedToken() async throws {
        try await LibraryAPIHarness.run { api in
            #expect(try await api.read("/v1/library-items").status == .ok)
            let connection = try DatabaseConnectionFactory.connect(api)
            try TokenStore.revoke(name: "reader", on: connection)
            #expect(try await api.read("/v1/library-items").status == .unauthorized)
        }
    }

    @Test("with the change watcher a valid token's caller is kept, and revoking any token is heard within seconds")
    func keptCallerAndRevocation() async throws {
        try await LibraryAPIHarness.run(summaryMaxAge: .seconds(5), watchesChanges: true) { api in
            let cache = api.service.principalCache
            // Generous bounds (they end as soon as the condition holds): CI runs hundreds of tests on two cores.
            for _ in 0..<600 where !cache.isWatchingRevocations { try await Task.sleep(for: .milliseconds(50)) }
            #expect(cache.isWatchingRevocations)
            let reader = TokenStore.digest(api.readToken)
            #expect(try await api.read("/v1/library-items").status == .ok)
            #expect(cache.principal(forDigest: reader)?.name == "reader")
            #expect(try await api.send(.get, "/v1/library-items", token: "mos_nope").status == .unauthorized)
            #expect(cache.principal(forDigest: TokenStore.digest("mos_nope")) == nil)

            // Revoked by the CLI's code path, as another process would: the event reaches the watcher.
            let connection = try DatabaseConnectionFactory.connect(api)
            try TokenStore.revoke(name: "reader", on: connection)
            var status = try await api.read("/v1/library-items").status
            for _ in 0..<600 where status != .unauthorized {
                try await Task.sleep(for: .milliseconds(50))
                status = try await api.read("/v1/library-items").status
            }
            #expect(status == .unauthorized, "the revoked token is still accepted after 30 s")
            #expect(cache.principal(forDigest: reader) == nil)
            #expect(try await api.read("/v1/library-items").status == .unauthorized)
            // The other token is looked up again and kept under the new mark.
            #expect(try await api.write(.get, "/v1/library-items").status == .ok)
            #expect(cache.principal(forDigest: TokenStore.digest(api.writeToken))?.name == "writer")
            // The mark counts revoked tokens, so pruning the bus does not lower it (a lower mark could equal an
            // earlier one and hide a revocation).
            #expect(try TokenStore.revocationMark(on: connection) == 1)
            try connection.execute("DELETE FROM bus_events")
            #expect(try TokenStore.revocationMark(on: connection) == 1)
        }
    }

    @Test("tokens are stored only as SHA-256 digests")
    func tokensStoredHashed() async throws {
        try await LibraryAPIHarness.run { api in
            let hashes: [String] = try api.database.query("SELECT token_hash FROM api_tokens ORDER BY name").rows
                .map { try $0.decode("token_hash") }
            #expect(hashes == [TokenStore.digest(api.readToken), TokenStore.digest(api.writeToken)])
            #expect(!hashes.contains(api.readToken))
        }
    }

    @Test("a second active token with the same name is refused; after revoking, the name is free")
    func tokenNames() async throws {
        try await LibraryAPIHarness.run { api in
            let connection = try DatabaseConnectionFactory.connect(api)
            #expect(throws: TokenStore.TokenError.nameTaken("reader")) {
                try TokenStore.create(name: "reader", scopes: [.read], on: connection)
            }
            try TokenStore.revoke(name: "reader", on: connection)
            #expect(throws: TokenStore.TokenError.unknownName("reader")) {
                try TokenStore.revoke(name: "reader", on: connection)
            }
            _ = try TokenStore.create(name: "reader", scopes: [.read], on: connection)
        }
    }

    @Test("/healthz and /metrics answer without a token")
    func healthWithoutToken() async throws {
        try await LibraryAPIHarness.run { api in
            // The pool is not run as a service here, so the health check may report 503; it must not be 401.
            let health = try await api.send(.get, "/healthz", token: nil)
            #expect([.ok, .serviceUnavailable].contains(health.status))
            let metrics = try await api.send(.get, "/metrics", token: nil)
            #expect(metrics.status == .ok)
        }
    }
}

/// Opens a connection on the harness database.
enum DatabaseConnectionFactory {
    static func connect(_ api: LibraryAPIHarness) throws -> DatabaseConnection {
        try DatabaseConnection.connect(api.database.configuration)
    }
}
