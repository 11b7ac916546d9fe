// ConsoleRouteTests: the admin console's routes without a browser: sign-in cookie, CSRF, validation, and
// that a console save writes exactly what the JSON API writes.

import Database
import Foundation
import HTTPTypes
import ManagedOSDomain
import TestSupport
import Testing

@testable import LibraryAPIService

@Suite("Console routes", .serialized, .enabled(if: TestDatabase.isEnabled))
struct ConsoleRouteTests {
    @Test func signInSetsASecureHttpOnlyStrictSessionCookie() async throws {
        try await LibraryAPIHarness.run { api in
            var console = ConsoleClient(api)
            let login = try await console.get("/console/login")
            #expect(login.status == .ok)
            #expect(login.body.contains(#"<label for="token">"#))
            let answer = try await console.signIn(token: api.writeToken)
            #expect(answer.status == .seeOther)
            #expect(answer.headers[.location] == "/console/library")
            let session = try #require(answer.setCookies.first { $0.hasPrefix("\(ConsoleSession.cookieName)=") })
            let attributes = Set(session.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(attributes.contains("Secure"))
            #expect(attributes.contains("HttpOnly"))
            #expect(attributes.contains("SameSite=Strict"))
            #expect(attributes.contains("Path=/console"))
            #expect(!session.contains(api.writeToken), "the cookie must not carry the token")
            let library = try await console.get("/console/library")
            #expect(library.status == .ok)
            #expect(library.body.contains("Signed in as writer"))
        }
    }

    @Test func wrongTokenOrMissingLoginCSRFDoesNotSignIn() async throws {
        try await LibraryAPIHarness.run { api in
            var console = ConsoleClient(api)
            let wrong = try await console.signIn(token: "mos_not-a-token")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.body.contains("not valid"))
            #expect(console.cookies[ConsoleSession.cookieName] == nil)

            var forged = ConsoleClient(api)
            _ = try await forged.get("/console/login")
            let noToken = try await forged.post("/console/login", ["csrf": "0000", "token": api.writeToken])
            #expect(noToken.status == .forbidden)
            #expect(forged.cookies[ConsoleSession.cookieName] == nil)
        }
    }

    @Test func pagesNeedASessionAndARevokedTokenEndsIt() async throws {
        try await LibraryAPIHarness.run { api in
            var console = ConsoleClient(api)
            let anonymous = try await console.get("/console/library")
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers[.location] == "/console/login")
            let anonymousPost = try await console.post("/console/items", ConsoleForms.item(csrf: "x"))
            #expect(anonymousPost.status == .forbidden)

            try await console.signIn(token: api.writeToken)
            #expect(try await console.get("/console/library").status == .ok)
            try api.database.query("UPDATE api_tokens SET revoked_at = now() WHERE name = 'writer'")
            let after = try await console.get("/console/library")
            #expect(after.status == .seeOther)
            #expect(after.headers[.location] == "/console/login")
        }
    }

    @Test func postsWithoutAValidCSRFTokenAre403AndWriteNothing() async throws {
        try await LibraryAPIHarness.run { api in
            let created = try await api.write(.post, "/v1/library-items", body: Bodies.item())
            let itemID = try #require(created.json["item"]["id"].string)
            var console = ConsoleClient(api)
            try await console.signIn(token: api.writeToken)
            let csrf = try #require(try await console.get("/console/items/new").csrf)
            let before = try api.snapshot()

            // Another session's token is as bad as none.
            var other = ConsoleClient(api)
            try await other.signIn(token: api.writeToken)
            let otherCSRF = try #require(try await other.get("/console/items/new").csrf)
            #expect(otherCSRF != csrf)

            for bad in ["", "deadbeef", otherCSRF] {
                let create = try await console.post("/console/items", ConsoleForms.item(csrf: bad))
                #expect(create.status == .forbidden)
                #expect(create.body.contains("CSRF"))
                let delete = try await console.post("/console/items/\(itemID)/delete", ["csrf": bad, "confirm": "yes"])
                #expect(delete.status == .forbidden)
                let approve = try await console.post(
                    "/console/catalog/approvals", ["csrf": bad, "releaseId": "26.1/25B78", "decision": "revoked"])
                #expect(approve.status == .forbidden)
                let hold = try await console.post("/console/catalog/settings", ["csrf": bad, "holdDays": "9"])
                #expect(hold.status == .forbidden)
            }
            let noField = try await console.post("/console/items", ConsoleForms.item(csrf: "").filter { $0.0 != "csrf" })
            #expect(noField.status == .forbidden)
            #expect(try api.snapshot() == before)

            // The same form with the session's token goes through.
            let good = try await console.post("/console/items", ConsoleForms.item(csrf: csrf))
            #expect(good.status == .seeOther)
            #expect(try api.count("SELECT count(*)::integer AS n FROM items") == 2)
        }
    }

    @Test func aReadTokenMayLookButNotChange() async throws {
        try await LibraryAPIHarness.run { api in
            var console = ConsoleClient(api)
            try await console.signIn(token: api.readToken)
            let page = try await console.get("/console/items/new")
            #expect(page.status == .ok)
            let before = try api.snapshot()
            let answer = try await console.post("/console/items", ConsoleForms.item(csrf: try #require(page.csrf)))
            #expect(answer.status == .forbidden)
            #expect(try api.snapshot() == before)
        }
    }

    @Test func anInvalidItemShowsErrorsNextToTheirFieldsAndWritesNothing() async throws {
        try await LibraryAPIHarness.run { api in
            var console = ConsoleClient(api)
            try await console.signIn(token: api.writeToken)
            let csrf = try #require(try await console.get("/console/items/new").csrf)
            let before = try api.snapshot()
            let answer = try await console.post(
                "/console/items",
                ConsoleForms.item(
                    csrf: csrf, label: "",
                    [
                        "versionMode": "doNotManage", "enforcementTime": "25:00", "enforcementTimeZone": "Mars/Olympus",
                    ]))
            #expect(answer.status == .unprocessableContent)
            #expect(answer.body.contains(#"<p class="error" id="label-error">Enter a label.</p>"#))
            #expect(answer.body.contains(#"id="versionMode-error""#))
            #expect(answer.body.contains(#"data-code="doNotManageWithContinuous""#))
            #expect(answer.body.contains(#"id="enforcementTime-error""#))
            #expect(answer.body.contains(#"id="enforcementTimeZone-error""#))
            // The typed values come back.
            #expect(answer.body.contains(#"value="Mars/Olympus""#))
            #expect(try api.snapshot() == before)

            // A manual minimum outside the major, and an impossible date.
            let manual = try await console.post(
                "/console/items",
                ConsoleForms.item(
                    csrf: csrf, ["versionMode": "manualMinimum", "manualVersion": "15.2", "manualDeadline": "2026-02-30"]))
            #expect(manual.status == .unprocessableContent)
            #expect(manual.body.contains(#"id="manualVersion-error""#))
            #expect(manual.body.contains(#"id="manualDeadline-error""#))
            #expect(try api.snapshot() == before)
        }
    }

    @Test func warningsAreShownBeforeSavingAndAConfirmedSaveWritesWhatTheJSONAPIWrites() async throws {
        try await LibraryAPIHarness.run { api in
            let fleet = try await SeededFleet.make(api)
            var console = ConsoleClient(api)
            try await console.signIn(token: api.writeToken)
            let csrf = try #require(try await console.get("/console/items/new").csrf)
            let overrides = [
                "versionMode": "manualMinimum", "manualVersion": "26.3", "manualDeadline": "2026-08-01",
            ]
            // What the JSON preview says for the same configuration.
            let jsonPreview = try await api.write(
                .post, "/v1/library-items/preview",
                body: Bodies.item(
                    label: "Console item",
                    [
                        "versionEnforcement": #"{"mode":"manualMinimum","version":"26.3","deadlineDate":"2026-08-01"}"#,
                        "detailsURL": "", "blueprintIds": #"["\#(fleet.blueprintID)"]"#,
                    ]))
            let expected = try #require(jsonPreview.json["warnings"][0]["affectedMacCount"].int)
            #expect(expected == 6)
            let before = try api.snapshot()

            let warned = try await console.post(
                "/console/items", ConsoleForms.item(csrf: csrf, overrides, blueprints: [fleet.blueprintID]))
            #expect(warned.status == .ok)
            #expect(warned.body.contains("\(expected) Macs would have to update immediately."))
            #expect(warned.body.contains(#"data-code="manualDeadlineTooSoon" data-count="\#(expected)""#))
            #expect(warned.body.contains(#"id="confirm-save""#))
            #expect(warned.body.contains(#"<strong id="preview-reached">\#(fleet.expected.count)</strong>"#))
            #expect(try api.snapshot() == before, "a save with unconfirmed warnings writes nothing")

            var confirm = ConsoleForms.item(csrf: csrf, overrides, blueprints: [fleet.blueprintID])
            confirm.removeAll { $0.0 == "action" }
            confirm.append(("action", "confirm"))
            let saved = try await console.post("/console/items", confirm)
            #expect(saved.status == .seeOther)
            let items = try await api.read("/v1/library-items?label=Console%20item")
            let item = items.json["items"][0]
            let id = try #require(item["id"].string).lowercased()
            #expect(item["versionEnforcement"]["deadlineDate"].string == "2026-08-01")
            #expect(item["blueprintIds"].array.compactMap(\.string) == [fleet.blueprintID])
            let blueprintID = fleet.blueprintID.lowercased()
            // Audit rows and bus events as the JSON API writes them (item.create, then the assignment).
            let audit = try api.database.query(
                "SELECT actor, action, entity_id FROM audit_log WHERE id > (SELECT max(id) FROM audit_log "
                    + "WHERE action = 'blueprint.create') ORDER BY id"
            ).rows.map { "\(try $0.decode("actor", as: String.self)) \(try $0.decode("action", as: String.self)) \(try $0.decode("entity_id", as: String.self))" }
            #expect(audit == ["writer item.create \(id)", "writer blueprint.assignItem \(blueprintID)"])
            let events = try api.database.query(
                "SELECT topic, entity FROM bus_events ORDER BY id DESC LIMIT 2"
            ).rows.map { "\(try $0.decode("topic", as: String.self)) \(try $0.decode("entity", as: String.self))" }
            #expect(events == ["blueprint \(blueprintID)", "library \(id)"])

            let library = try await console.get("/console/library?saved=\(id)")
            #expect(library.body.contains("Saved Console item."))
            #expect(library.body.contains(#"data-item-id="\#(id)""#))
        }
    }

    @Test func itemsArePlacedOnAssignmentMapNodesAsTheMapRouteWouldStoreThem() async throws {
        try await LibraryAPIHarness.run { api in
            let root = "11111111-1111-4111-8111-111111111111"
            let child = "22222222-2222-4222-8222-222222222222"
            let map = try await api.write(
                .post, "/v1/assignment-maps",
                body: #"""
                    {"name":"By OS","root":{"id":"\#(root)","itemIds":[],"children":[
                      {"id":"\#(child)","conditions":[{"attribute":"tag","anyOf":["pilot"]}],"itemIds":[]}]}}
                    """#)
            let mapID = try #require(map.json["id"].string).lowercased()
            var console = ConsoleClient(api)
            try await console.signIn(token: api.writeToken)
            let editor = try await console.get("/console/items/new")
            #expect(editor.body.contains("Assignment map By OS"))
            #expect(editor.body.contains(#"value="\#(mapID)/\#(child)""#))
            #expect(editor.body.contains("tagged pilot"))
            let saved = try await console.post(
                "/console/items",
                ConsoleForms.item(csrf: try #require(editor.csrf), label: "Pilots") + [("node", "\(mapID)/\(child)")])
            #expect(saved.status == .seeOther)
            let after = try await api.read("/v1/assignment-maps/\(mapID)")
            let itemID = try #require(after.json["itemIds"][0].string)
            #expect(after.json["root"]["itemIds"].array.isEmpty)
            #expect(after.json["root"]["children"][0]["itemIds"].array.compactMap(\.string) == [itemID])
            #expect(try api.count("SELECT count(*)::integer AS n FROM audit_log WHERE action = 'assignmentMap.update'") == 1)
            #expect(try api.count("SELECT count(*)::integer AS n FROM bus_events WHERE topic = 'blueprint'") == 2)
            // The editor shows the placement, and saving it unchanged writes no map change.
            let edit = try await console.get("/console/items/\(itemID.lowercased())/edit")
            #expect(edit.body.contains(#"value="\#(mapID)/\#(child)" checked"#))
            let again = try await console.post(
                "/console/items/\(itemID.lowercased())",
                ConsoleForms.item(csrf: try #require(edit.csrf), label: "Pilots") + [("node", "\(mapID)/\(child)")])
            #expect(again.status == .seeOther)
            #expect(try api.count("SELECT count(*)::integer AS n FROM audit_log WHERE action = 'assignmentMap.update'") == 1)
        }
    }

    @Test func editDuplicateAndDeleteWithConfirmation() async throws {
        try await LibraryAPIHarness.run { api in
            let fleet = try await SeededFleet.make(api)
            var console = ConsoleClient(api)
            try await console.signIn(token: api.writeToken)
            let edit = try await console.get("/console/items/\(fleet.itemID)/edit")
            #expect(edit.status == .ok)
            #expect(edit.body.contains(#"value="26.3""#))
            let blueprintID = fleet.blueprintID.lowercased()
            #expect(edit.body.contains(#"id="blueprint-\#(blueprintID)" name="blueprint" value="\#(blueprintID)" checked"#))
            let duplicate = try await console.get("/console/items/new?duplicate=\(fleet.itemID)")
            #expect(duplicate.body.contains(#"value="Standard (copy)""#))
            #expect(duplicate.body.contains(#"action="/console/items""#))

            // Unassign through the editor: the blueprint change is audited like the JSON route's.
            let csrf = try #require(edit.csrf)
            let update = try await console.post(
                "/console/items/\(fleet.itemID)",
                ConsoleForms.item(
                    csrf: csrf, label: "Standard",
                    ["versionMode": "manualMinimum", "manualVersion": "26.3", "manualDeadline": "2026-09-15"]))
            #expect(update.status == .seeOther)
            #expect(try api.count("SELECT count(*)::integer AS n FROM blueprint_items") == 0)
            #expect(try api.count("SELECT count(*)::integer AS n FROM audit_log WHERE action = 'item.update'") == 1)
            #expect(try api.count("SELECT count(*)::integer AS n FROM audit_log WHERE action = 'blueprint.unassignItem'") == 1)

            let confirmPage = try await console.get("/console/items/\(fleet.itemID)/delete")
            #expect(confirmPage.body.contains(#"id="confirm-delete""#))
            let deleted = try await console.post(
                "/console/items/\(fleet.itemID)/delete", ["csrf": csrf, "confirm": "yes"])
            #expect(deleted.status == .seeOther)
            #expect(try api.count("SELECT count(*)::integer AS n FROM items") == 0)
            #expect(try api.count("SELECT count(*)::integer AS n FROM audit_log WHERE action = 'item.delete'") == 1)
        }
    }

    @Test func compliancePagesShowTheSeededNumbersAndExportCSV() async throws {
        try await LibraryAPIHarness.run { api in
            let fleet = try await SeededFleet.make(api)
            var console = ConsoleClient(api)
            try await console.signIn(token: api.writeToken)
            let page = try await console.get("/console/compliance/items/\(fleet.itemID)")
            #expect(page.status == .ok)
            for (status, count) in fleet.expectedCounts {
                #expect(page.body.contains(#"data-key="\#(status.rawValue)" data-label="#), "\(status)")
                #expect(page.body.contains(#"data-value="\#(count)"><title>\#(ConsoleFormat.label(for: status)): \#(count)</title>"#))
            }
            for enrollment in fleet.expected.keys {
                #expect(page.body.contains(#"data-enrollment-id="\#(enrollment)" data-state="\#(fleet.expected[enrollment]!.rawValue)""#))
            }
            let filtered = try await console.get("/console/compliance/items/\(fleet.itemID)?state=pending")
            #expect(filtered.body.components(separatedBy: #"class="mac-row""#).count - 1 == fleet.expectedCounts[.pending])
            #expect(filtered.body.contains("/console/compliance/macs.csv?item=\(fleet.itemID.lowercased())&amp;state=pending"))
            let csv = try await console.get("/console/compliance/macs.csv?item=\(fleet.itemID)")
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let json = try await api.read("/v1/compliance/macs.csv?item=\(fleet.itemID)")
            #expect(csv.body == String(decoding: json.data, as: UTF8.self))
            let blueprint = try await console.get("/console/compliance/blueprints/\(fleet.blueprintID)")
            #expect(blueprint.body.contains(#"<span id="scope-total">\#(fleet.expected.count)</span>"#))
            let mac = try await console.get("/console/macs/\(fleet.deviceIDs["c-failed"]!.uuidString.lowercased())")
            #expect(mac.status == .ok)
            #expect(mac.body.contains(#"<strong class="state-failed" id="mac-compliance">failed</strong>"#))
            #expect(try await console.get("/console/macs/\(UUID().uuidString.lowercased())").status == .notFound)
        }
    }

    @Test func catalogDecisionsAndAuditPage() async throws {
        try await LibraryAPIHarness.run { api in
            var console = ConsoleClient(api)
            try await console.signIn(token: api.writeToken)
            let catalog = try await console.get("/console/catalog")
            #expect(catalog.status == .ok)
            #expect(catalog.body.contains("actively exploited"))
            let release = try #require(
                catalog.body.range(of: #"data-release-id=""#).map { catalog.body[$0.upperBound...].prefix { $0 != "\"" } })
            let csrf = try #require(catalog.csrf)
            let revoked = try await console.post(
                "/console/catalog/approvals", ["csrf": csrf, "releaseId": String(release), "decision": "revoked"])
            #expect(revoked.status == .seeOther)
            let hold = try await console.post("/console/catalog/settings", ["csrf": csrf, "holdDays": "9"])
            #expect(hold.status == .seeOther)
            let json = try await api.read("/v1/catalog/settings")
            #expect(json.json["holdDays"].int == 9)
            let audit = try await console.get("/console/audit?action=catalog.revoked")
            #expect(audit.body.components(separatedBy: #"class="audit-row""#).count - 1 == 1)
            #expect(audit.body.contains(String(release)))
            let all = try await console.get("/console/audit?actor=writer")
            #expect(all.body.components(separatedBy: #"class="audit-row""#).count - 1 == 2)
            #expect(try await console.get("/console/audit?since=yesterday").status == .badRequest)
        }
    }
}
