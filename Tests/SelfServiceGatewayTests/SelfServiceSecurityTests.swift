// SelfServiceSecurityTests: credentials, one Mac per credential, rate limits and bad input (4xx, no writes).

import Database
import Foundation
import HTTPTypes
import HummingbirdTesting
import ManagedOSDomain
import NIOCore
import SelfServiceGatewayService
import ServiceSupport
import TestSupport
import Testing

@Suite("Self Service security and bad input", .enabled(if: TestDatabase.isEnabled))
struct SelfServiceSecurityTests {
    static let routes: [(HTTPRequest.Method, String)] = [
        (.get, "/v1/me/upgrades"), (.post, "/v1/me/upgrades/26/requests"), (.get, "/v1/me/requests"),
        (.get, "/v1/me/requests/00000000-0000-0000-0000-000000000001"),
        (.delete, "/v1/me/requests/00000000-0000-0000-0000-000000000001"),
        (.get, "/v1/me/requests/00000000-0000-0000-0000-000000000001/events"), (.get, "/v1/me/updates"),
    ]

    @Test func missingWrongMalformedAndRevokedCredentialsAre401OnEveryRoute() async throws {
        try await GatewayHarness.run { client, harness in
            let mac = try harness.registerMac("mac-1")
            let revoked = try harness.registerMac("mac-2")
            try harness.database.query(
                "UPDATE devices SET self_service_revoked_at = now() WHERE id = $1", [revoked.id])
            let before = try harness.snapshot()
            let credentials: [HTTPFields] = [
                [:], [.authorization: "Bearer mss_wrong"], [.authorization: "Basic \(mac.credential)"],
                [.authorization: "Bearer "], revoked.bearer,
            ]
            for (method, path) in Self.routes {
                for headers in credentials {
                    let response = try await client.execute(uri: path, method: method, headers: headers)
                    #expect(response.status == .unauthorized, "\(method) \(path) \(headers)")
                    #expect(response.errorCode == "unauthorized")
                }
            }
            #expect(try harness.snapshot() == before)
        }
    }

    @Test func oneMacCannotSeeOrCancelAnothersRequest() async throws {
        try await GatewayHarness.run { client, harness in
            let owner = try harness.registerMac("owner")
            let other = try harness.registerMac("other")
            let id = try #require(
                try await client.execute(uri: "/v1/me/upgrades/26/requests", method: .post, headers: owner.bearer)
                    .request[string: "id"])
            let before = try harness.snapshot()
            for (method, path) in [
                (HTTPRequest.Method.get, "/v1/me/requests/\(id)"), (.delete, "/v1/me/requests/\(id)"),
                (.get, "/v1/me/requests/\(id)/events"), (.get, "/v1/me/requests/\(id)?waitSeconds=1"),
                (.get, "/v1/me/requests/not-a-uuid"),
            ] {
                let response = try await client.execute(uri: path, method: method, headers: other.bearer)
                #expect(response.status == .notFound, "\(method) \(path)")
                #expect(response.errorCode == "request_not_found")
                #expect(!response.text.contains(owner.enrollmentID))
            }
            let list = try await client.execute(uri: "/v1/me/requests", method: .get, headers: other.bearer)
            #expect((list.json["requests"] as? [Any])?.isEmpty == true)
            #expect(try harness.snapshot() == before)
            let mine = try await client.execute(uri: "/v1/me/requests/\(id)", method: .get, headers: owner.bearer)
            #expect(mine.status == .ok)
        }
    }

    @Test func eachMacIsRateLimitedOnItsOwnWithRetryAfter() async throws {
        try await GatewayHarness.run(settings: SelfServiceSettings(rateLimitPerMinute: 3)) { client, harness in
            let busy = try harness.registerMac("busy")
            let quiet = try harness.registerMac("quiet")
            for _ in 0..<3 {
                #expect(try await client.execute(uri: "/v1/me/updates", method: .get, headers: busy.bearer).status == .ok)
            }
            // The bucket refills one token every 20 s; on a starved machine one refill may slip in first.
            var limited = try await client.execute(uri: "/v1/me/updates", method: .get, headers: busy.bearer)
            for _ in 0..<3 where limited.status == .ok {
                limited = try await client.execute(uri: "/v1/me/updates", method: .get, headers: busy.bearer)
            }
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "too_many_requests")
            let retryAfter = try #require(limited.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...20).contains(retryAfter))
            #expect(try await client.execute(uri: "/v1/me/updates", method: .get, headers: quiet.bearer).status == .ok)
        }
    }

    @Test func unavailableOffersAre409WithTheReasonAndWriteNothing() async throws {
        try await GatewayHarness.run { client, harness in
            let intel = try harness.registerMac("intel", hardware: GatewayHarness.intel)
            let onTahoe = try harness.registerMac("tahoe", version: "26.1")
            let unknown = try harness.registerMac("silent", version: nil)
            let before = try harness.snapshot()

            let unsupported = try await client.execute(
                uri: "/v1/me/upgrades/26/requests", method: .post, headers: intel.bearer)
            #expect(unsupported.status == .conflict)
            #expect(unsupported.errorCode == "offer_unavailable")
            #expect(unsupported.errorFieldMessages == ["hardwareUnsupported"])
            let already = try await client.execute(
                uri: "/v1/me/upgrades/26/requests", method: .post, headers: onTahoe.bearer)
            #expect(already.status == .conflict)
            #expect(already.errorFieldMessages == ["alreadyOnMajor"])
            let silent = try await client.execute(
                uri: "/v1/me/upgrades/26/requests", method: .post, headers: unknown.bearer)
            #expect(silent.status == .conflict)
            #expect(silent.errorCode == "mac_status_unknown")
            #expect(try harness.snapshot() == before)
        }
    }

    @Test func unknownAndInvalidMajorsBadKeysBadBodiesAndOversizeBodiesAreRefusedWithoutWrites() async throws {
        try await GatewayHarness.run { client, harness in
            let mac = try harness.registerMac("mac-1")
            let before = try harness.snapshot()
            func post(_ path: String, headers: HTTPFields = [:], body: String? = nil) async throws -> TestResponse {
                var all = mac.bearer
                all.append(contentsOf: headers)
                return try await client.execute(
                    uri: path, method: .post, headers: all, body: body.map { ByteBuffer(string: $0) })
            }
            let unknown = try await post("/v1/me/upgrades/27/requests")
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == "unknown_major")
            let updateItemMajor = try await post("/v1/me/upgrades/15/requests")
            #expect(updateItemMajor.status == .notFound, "15 has no Self Service item")
            let invalid = try await post("/v1/me/upgrades/tahoe/requests")
            #expect(invalid.status == .badRequest)
            #expect(invalid.errorCode == "invalid_major")
            let array = try await post("/v1/me/upgrades/26/requests", body: "[1,2]")
            #expect(array.status == .badRequest)
            #expect(array.errorCode == "invalid_json")
            let broken = try await post("/v1/me/upgrades/26/requests", body: "{\"a\":")
            #expect(broken.errorCode == "invalid_json")
            let key = try await post(
                "/v1/me/upgrades/26/requests", headers: [HTTPField.Name("Idempotency-Key")!: String(repeating: "k", count: 129)])
            #expect(key.status == .badRequest)
            #expect(key.errorCode == "invalid_idempotency_key")
            let huge = try await post(
                "/v1/me/upgrades/26/requests",
                body: "{\"pad\":\"" + String(repeating: "x", count: RequestBodyLimitMiddleware<ServiceRequestContext>.defaultMaximumBytes) + "\"}")
            #expect(huge.status == .contentTooLarge)
            #expect(huge.errorCode == "content_too_large")
            let wait = try await client.execute(
                uri: "/v1/me/requests/00000000-0000-0000-0000-000000000001?waitSeconds=9999", method: .get,
                headers: mac.bearer)
            #expect(wait.status == .badRequest)
            #expect(wait.errorCode == "invalid_query")
            #expect(try harness.snapshot() == before)

            // A key used for one major cannot start another.
            let first = try await post("/v1/me/upgrades/26/requests", headers: [HTTPField.Name("Idempotency-Key")!: "k1"])
            #expect(first.status == .created)
            try harness.insertItem(
                .init(
                    id: UUID(), label: "Next", major: 27, installationMethod: .selfService, versionEnforcement: .doNotManage,
                    enforcementTime: .init(parsing: "09:00")!, enforcementTimeZone: "UTC"))
            let reused = try await post("/v1/me/upgrades/27/requests", headers: [HTTPField.Name("Idempotency-Key")!: "k1"])
            #expect(reused.status == .unprocessableContent)
            #expect(reused.errorCode == "idempotency_key_reused")
        }
    }
}
