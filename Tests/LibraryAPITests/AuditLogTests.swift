// AuditLogTests: the audit trail of a create-update-delete and the audit-log filters.

import Database
import Foundation
import HTTPTypes
import TestSupport
import Testing

@testable import LibraryAPIService

@Suite("Audit log", .enabled(if: TestDatabase.isEnabled))
struct AuditLogTests {
    @Test("create, update and delete of an item leave who, when, before and after in the audit log")
    func itemTrail() async throws {
        try await LibraryAPIHarness.run { api in
            let id = try #require(
                try await api.write(.post, "/v1/library-items", body: Bodies.item(label: "One")).json["item"]["id"].string)
            _ = try await api.write(.put, "/v1/library-items/\(id)", body: Bodies.item(label: "Two"))
            _ = try await api.write(.delete, "/v1/library-items/\(id)")

            let reply = try await api.read("/v1/audit-log?entityType=item&entityId=\(id.lowercased())")
            #expect(reply.status == .ok)
            let entries = reply.json["items"].array
            #expect(entries.map { $0["action"].string } == ["item.delete", "item.update", "item.create"])
            #expect(entries.allSatisfy { $0["actor"].string == "writer" && $0["occurredAt"].string != nil })
            let (delete, update, create) = (entries[0], entries[1], entries[2])
            #expect(create["before"] == .null)
            #expect(create["after"]["label"].string == "One")
            #expect(update["before"]["label"].string == "One")
            #expect(update["after"]["label"].string == "Two")
            #expect(delete["before"]["label"].string == "Two")
            #expect(delete["after"] == .null)
        }
    }

    @Test("the audit log filters by action and actor and honours the limit")
    func filters() async throws {
        try await LibraryAPIHarness.run { api in
            _ = try await api.write(.post, "/v1/library-items", body: Bodies.item())
            _ = try await api.write(.post, "/v1/blueprints", body: #"{"name":"B"}"#)
            _ = try await api.write(.post, "/v1/devices", body: #"{"enrollmentId":"e"}"#)
            // Three writes, after the harness created its two tokens (audited too).
            #expect(try await api.read("/v1/audit-log").json["items"].array.count == 5)
            #expect(try await api.read("/v1/audit-log?action=blueprint.create").json["items"].array.count == 1)
            #expect(try await api.read("/v1/audit-log?entityType=device").json["items"].array.count == 1)
            #expect(try await api.read("/v1/audit-log?actor=reader").json["items"].array.isEmpty)
            #expect(try await api.read("/v1/audit-log?limit=2").json["items"].array.count == 2)
            #expect(try await api.read("/v1/audit-log?since=2000-01-01T00:00:00Z").json["items"].array.count == 5)
            #expect(try await api.read("/v1/audit-log?until=2000-01-01T00:00:00Z").json["items"].array.isEmpty)
            #expect(try await api.read("/v1/audit-log?limit=0").status == .badRequest)
            #expect(try await api.read("/v1/audit-log?since=yesterday").status == .badRequest)
        }
    }

    @Test("a failed write leaves no audit row")
    func failedWriteNotAudited() async throws {
        try await LibraryAPIHarness.run { api in
            let before = try api.count("SELECT count(*) AS n FROM audit_log")
            _ = try await api.write(.post, "/v1/library-items", body: Bodies.item(["enforcementTime": "\"25:00\""]))
            #expect(try api.count("SELECT count(*) AS n FROM audit_log") == before)
        }
    }

    @Test("creating and revoking a token are audited with its name and scopes, never the token or its digest")
    func tokenTrail() async throws {
        try await LibraryAPIHarness.run { api in
            let connection = try DatabaseConnection.connect(api.database.configuration)
            try TokenStore.revoke(name: "reader", actor: "ops on call", on: connection)
            #expect(throws: TokenStore.TokenError.unknownName("reader")) {
                try TokenStore.revoke(name: "reader", actor: "ops on call", on: connection)
            }
            let entries = try await api.write(.get, "/v1/audit-log?entityType=apiToken").json["items"].array
            #expect(entries.map { $0["action"].string } == ["apiToken.revoke", "apiToken.create", "apiToken.create"])
            #expect(entries.map { $0["entityId"].string } == ["reader", "writer", "reader"])
            #expect(entries[0]["actor"].string == "ops on call")
            #expect(entries[1]["actor"].string == TokenStore.commandLineActor)
            #expect(entries[0]["before"]["scopes"].array.map(\.string) == ["read"])
            #expect(entries[0]["after"] == .null)
            #expect(entries[1]["before"] == .null)
            #expect(entries[1]["after"]["scopes"].array.map(\.string) == ["write"])
            let stored: String = try api.database.query(
                "SELECT string_agg(t::text, ' ') AS rows FROM audit_log t"
            ).first!.decode("rows")
            for secret in [api.readToken, api.writeToken, TokenStore.digest(api.readToken), TokenStore.digest(api.writeToken)] {
                #expect(!stored.contains(secret))
            }
        }
    }
}
