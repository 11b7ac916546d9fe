// ItemRoutesTests: /v1/library-items create, read, list, update, delete, warnings and bus events.

import Database
import Foundation
import HTTPTypes
import ManagedOSDomain
import TestSupport
import Testing

@testable import LibraryAPIService

@Suite("Library item routes", .enabled(if: TestDatabase.isEnabled))
struct ItemRoutesTests {
    @Test("creating an item stores its configuration, answers 201 and publishes a library event")
    func createStoresItem() async throws {
        try await LibraryAPIHarness.run { api in
            let reply = try await api.write(.post, "/v1/library-items", body: Bodies.item())
            #expect(reply.status == .created)
            let item = reply.json["item"]
            #expect(item["label"].string == "Standard")
            #expect(item["major"].int == 26)
            #expect(item["versionEnforcement"]["timeframe"].string == "twoWeeks")
            #expect(item["enforcementTime"].string == "09:00")
            let id = try #require(item["id"].string)
            #expect(try api.count("SELECT count(*) AS n FROM items WHERE id = $1::uuid", [id]) == 1)
            #expect(
                try api.count("SELECT count(*) AS n FROM bus_events WHERE topic = 'library' AND entity = $1", [id.lowercased()]) == 1)

            let fetched = try await api.read("/v1/library-items/\(id)")
            #expect(fetched.status == .ok)
            #expect(fetched.json["label"].string == "Standard")
            #expect(fetched.json["detailsURL"].string == "https://example.com/os")
            #expect(fetched.json["bsiEnforcement"]["mode"].string == "none")
        }
    }

    @Test("the Beyond Iru settings (grace period, exploited-CVE timeframe) are stored, echoed and reach the domain item")
    func beyondIruSettings() async throws {
        try await LibraryAPIHarness.run { api in
            let reply = try await api.write(
                .post, "/v1/library-items",
                body: Bodies.item(["gracePeriodDays": "5", "exploitedCVETimeframe": "\"twoDays\""]))
            #expect(reply.status == .created)
            #expect(reply.json["item"]["gracePeriodDays"].int == 5)
            #expect(reply.json["item"]["exploitedCVETimeframe"].string == "twoDays")
            let id = try #require(reply.json["item"]["id"].string)
            let stored = try api.database.query("SELECT config::text AS config FROM items WHERE id = $1::uuid", [id])
                .first!.decode("config", as: String.self)
            let item = try PostgresJSON(text: stored).decode(ManagedOSItem.self)
            #expect(item.gracePeriodDays == 5)
            #expect(item.exploitedCVETimeframe == .twoDays)
            // Off by default: a plain item has neither.
            let plain = try await api.write(.post, "/v1/library-items", body: Bodies.item(["label": "\"Plain\""]))
            #expect(plain.json["item"]["gracePeriodDays"].int == nil)
            #expect(plain.json["item"]["exploitedCVETimeframe"].string == nil)
        }
    }

    @Test("the stored configuration decodes as the domain item the scheduler reads")
    func storedConfigIsDomainItem() async throws {
        try await LibraryAPIHarness.run { api in
            let body = Bodies.item([
                "versionEnforcement": #"{"mode":"manualMinimum","version":"26.1","deadlineDate":"2026-12-01"}"#,
                "bsiEnforcement": #"{"mode":"automatic","timeframe":"oneWeek","time":"10:30"}"#,
            ])
            let reply = try await api.write(.post, "/v1/library-items", body: body)
            let id = try #require(reply.json["item"]["id"].string)
            let text: String = try api.database.query("SELECT config::text AS c FROM items WHERE id = $1::uuid", [id])
                .first!.decode("c")
            let item = try JSONDecoder().decode(ManagedOSItem.self, from: Data(text.utf8))
            #expect(item.versionEnforcement == .manualMinimum(version: "26.1", deadlineDate: CivilDate(year: 2026, month: 12, day: 1)!))
            #expect(item.bsiEnforcement == .automatic(timeframe: .oneWeek, time: EnforcementTime(hour: 10, minute: 30)!))
        }
    }

    @Test("listing filters by major, label and blueprint")
    func listFilters() async throws {
        try await LibraryAPIHarness.run { api in
            let a = try await api.write(.post, "/v1/library-items", body: Bodies.item(label: "Pilot", major: 26))
            _ = try await api.write(.post, "/v1/library-items", body: Bodies.item(label: "Standard", major: 26))
            _ = try await api.write(.post, "/v1/library-items", body: Bodies.item(label: "Standard", major: 15))
            let pilotID = try #require(a.json["item"]["id"].string)
            let blueprint = try await api.write(
                .post, "/v1/blueprints", body: #"{"name":"Engineering","itemIds":["\#(pilotID)"]}"#)
            let blueprintID = try #require(blueprint.json["id"].string)

            #expect(try await api.read("/v1/library-items").json["items"].array.count == 3)
            #expect(try await api.read("/v1/library-items?major=26").json["items"].array.count == 2)
            #expect(try await api.read("/v1/library-items?label=Standard").json["items"].array.count == 2)
            let byBlueprint = try await api.read("/v1/library-items?blueprint=\(blueprintID)").json["items"].array
            #expect(byBlueprint.map { $0["id"].string } == [pilotID])
            #expect(byBlueprint.first?["blueprintIds"][0].string == blueprintID)
            #expect(try await api.read("/v1/library-items?major=abc").status == .badRequest)
        }
    }

    @Test("updating replaces the whole configuration and audits before and after")
    func updateReplacesConfiguration() async throws {
        try await LibraryAPIHarness.run { api in
            let created = try await api.write(.post, "/v1/library-items", body: Bodies.item())
            let id = try #require(created.json["item"]["id"].string)
            let reply = try await api.write(
                .put, "/v1/library-items/\(id)",
                body: Bodies.item(label: "Renamed", ["installationMethod": "\"selfService\"", "detailsURL": ""]))
            #expect(reply.status == .ok)
            #expect(reply.json["item"]["label"].string == "Renamed")
            #expect(reply.json["item"]["installationMethod"].string == "selfService")
            #expect(reply.json["item"]["detailsURL"] == .null)
            #expect(try await api.read("/v1/library-items/\(id)").json["label"].string == "Renamed")
            #expect(
                try api.count("SELECT count(*) AS n FROM bus_events WHERE topic = 'library' AND entity = $1", [id.lowercased()]) == 2)
        }
    }

    @Test("a manual deadline fewer than 5 days away warns with the number of registered Macs it forces now")
    func warningCountsFleet() async throws {
        try await LibraryAPIHarness.run { api in
            let connection = try DatabaseConnectionFactory.connect(api)
            let board = FleetSeeder.boardSupporting(major: 26)
            var macs = ["26.0", "26.0.1", "26.2", "26.5", "15.7"].enumerated().map { index, version in
                FleetSeeder.Mac(enrollmentID: "mac-\(index)", boardID: board, osVersion: version)
            }
            // Registered but never reported: its OS is unknown, so it is not counted.
            macs.append(FleetSeeder.Mac(enrollmentID: "silent", boardID: board))
            try FleetSeeder.insert(macs, on: connection)
            let body = Bodies.item([
                "installationMethod": "\"selfService\"",
                "versionEnforcement": #"{"mode":"manualMinimum","version":"26.3","deadlineDate":"2026-08-24"}"#,
            ])
            let reply = try await api.write(.post, "/v1/library-items", body: body)
            #expect(reply.status == .created)
            let warnings = reply.json["warnings"].array
            #expect(warnings.count == 1)
            #expect(warnings.first?["code"].string == "manualDeadlineTooSoon")
            #expect(warnings.first?["field"].string == "versionEnforcement.deadlineDate")
            // 26.0, 26.0.1 and 26.2 are below 26.3; 26.5 is above; 15.7 is not reached by a Self Service item.
            #expect(warnings.first?["affectedMacCount"].int == 3)
        }
    }

    @Test("a valid item far enough out has no warnings")
    func noWarnings() async throws {
        try await LibraryAPIHarness.run { api in
            let body = Bodies.item([
                "versionEnforcement": #"{"mode":"manualMinimum","version":"26.3","deadlineDate":"2026-10-01"}"#
            ])
            let reply = try await api.write(.post, "/v1/library-items", body: body)
            #expect(reply.status == .created)
            #expect(reply.json["warnings"].array.isEmpty)
        }
    }

    @Test("deleting an item that governs Macs needs force and says how many Macs lose it")
    func deleteNeedsForceWhenGoverning() async throws {
        try await LibraryAPIHarness.run { api in
            let created = try await api.write(.post, "/v1/library-items", body: Bodies.item())
            let id = try #require(created.json["item"]["id"].string)
            let blueprint = try await api.write(.post, "/v1/blueprints", body: #"{"name":"All","itemIds":["\#(id)"]}"#)
            let blueprintID = try #require(blueprint.json["id"].string)
            for serial in ["A", "B"] {
                let device = try await api.write(
                    .post, "/v1/devices", body: #"{"enrollmentId":"\#(serial)","blueprintId":"\#(blueprintID)"}"#)
                #expect(device.status == .created)
            }
            let before = try api.snapshot()
            let refused = try await api.write(.delete, "/v1/library-items/\(id)")
            #expect(refused.status == .conflict)
            #expect(refused.json["error"]["code"].string == "item_in_use")
            #expect(refused.json["error"]["governedMacCount"].int == 2)
            #expect(try api.snapshot() == before)

            let forced = try await api.write(.delete, "/v1/library-items/\(id)?force=true")
            #expect(forced.status == .ok)
            #expect(forced.json["macsLosingItem"].int == 2)
            #expect(try await api.read("/v1/library-items/\(id)").status == .notFound)
            #expect(try api.count("SELECT count(*) AS n FROM blueprint_items") == 0)
        }
    }

    @Test("deleting an item that governs no Mac needs no force")
    func deleteWithoutMacs() async throws {
        try await LibraryAPIHarness.run { api in
            let created = try await api.write(.post, "/v1/library-items", body: Bodies.item())
            let id = try #require(created.json["item"]["id"].string)
            let reply = try await api.write(.delete, "/v1/library-items/\(id)")
            #expect(reply.status == .ok)
            #expect(reply.json["macsLosingItem"].int == 0)
            #expect(try api.count("SELECT count(*) AS n FROM items") == 0)
        }
    }
}
