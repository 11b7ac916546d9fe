// BlueprintRoutesTests: /v1/blueprints CRUD and item assignment.

import Database
import Foundation
import HTTPTypes
import TestSupport
import Testing

@testable import LibraryAPIService

@Suite("Blueprint routes", .enabled(if: TestDatabase.isEnabled))
struct BlueprintRoutesTests {
    @Test("a blueprint is created with its items, read, listed, renamed and deleted")
    func crud() async throws {
        try await LibraryAPIHarness.run { api in
            let item = try #require(
                try await api.write(.post, "/v1/library-items", body: Bodies.item()).json["item"]["id"].string)
            let created = try await api.write(
                .post, "/v1/blueprints", body: #"{"name":"Sales","description":"d","itemIds":["\#(item)"]}"#)
            #expect(created.status == .created)
            let id = try #require(created.json["id"].string)
            #expect(created.json["itemIds"].array.map(\.string) == [item])
            #expect(try await api.read("/v1/blueprints/\(id)").json["name"].string == "Sales")
            #expect(try await api.read("/v1/blueprints").json["items"].array.count == 1)

            let updated = try await api.write(.put, "/v1/blueprints/\(id)", body: #"{"name":"Sales EU","itemIds":[]}"#)
            #expect(updated.status == .ok)
            #expect(updated.json["name"].string == "Sales EU")
            #expect(updated.json["itemIds"].array.isEmpty)
            #expect(
                try api.count("SELECT count(*) AS n FROM bus_events WHERE topic = 'blueprint' AND entity = $1", [id.lowercased()])
                    == 2)

            #expect(try await api.write(.delete, "/v1/blueprints/\(id)").status == .ok)
            #expect(try await api.read("/v1/blueprints/\(id)").status == .notFound)
        }
    }

    @Test("items are assigned to and removed from a blueprint one by one")
    func assignItems() async throws {
        try await LibraryAPIHarness.run { api in
            let item = try #require(
                try await api.write(.post, "/v1/library-items", body: Bodies.item()).json["item"]["id"].string)
            let id = try #require(try await api.write(.post, "/v1/blueprints", body: #"{"name":"B"}"#).json["id"].string)
            let assigned = try await api.write(.put, "/v1/blueprints/\(id)/items/\(item)")
            #expect(assigned.status == .ok)
            #expect(assigned.json["itemIds"].array.map(\.string) == [item])
            #expect(try await api.write(.put, "/v1/blueprints/\(id)/items/\(UUID().uuidString)").status == .notFound)
            let removed = try await api.write(.delete, "/v1/blueprints/\(id)/items/\(item)")
            #expect(removed.status == .ok)
            #expect(removed.json["itemIds"].array.isEmpty)
            #expect(try await api.write(.delete, "/v1/blueprints/\(id)/items/\(item)").status == .notFound)
        }
    }

    @Test("unknown items, duplicate names and bad bodies are refused without changes")
    func badInput() async throws {
        try await LibraryAPIHarness.run { api in
            _ = try await api.write(.post, "/v1/blueprints", body: #"{"name":"Taken"}"#)
            let before = try api.snapshot()
            let unknown = try await api.write(
                .post, "/v1/blueprints", body: #"{"name":"X","itemIds":["\#(UUID().uuidString)"]}"#)
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.json.errorFields == ["itemIds[0]"])
            #expect(try await api.write(.post, "/v1/blueprints", body: #"{"name":"Taken"}"#).status == .conflict)
            #expect(try await api.write(.post, "/v1/blueprints", body: #"{"name":"Y","x":1}"#).status == .badRequest)
            #expect(try await api.write(.post, "/v1/blueprints", body: #"{"name":"Y","itemIds":"a"}"#).status == .badRequest)
            #expect(try api.snapshot() == before)
        }
    }

    @Test("deleting a blueprint with Macs needs force and leaves them without a blueprint")
    func deleteWithMacs() async throws {
        try await LibraryAPIHarness.run { api in
            let id = try #require(try await api.write(.post, "/v1/blueprints", body: #"{"name":"B"}"#).json["id"].string)
            let device = try #require(
                try await api.write(.post, "/v1/devices", body: #"{"enrollmentId":"E1","blueprintId":"\#(id)"}"#)
                    .json["device"]["id"].string)
            #expect(try await api.write(.delete, "/v1/blueprints/\(id)").status == .conflict)
            let forced = try await api.write(.delete, "/v1/blueprints/\(id)?force=true")
            #expect(forced.status == .ok)
            #expect(forced.json["macsUnassigned"].int == 1)
            #expect(try await api.read("/v1/devices/\(device)").json["blueprintId"] == .null)
        }
    }
}
