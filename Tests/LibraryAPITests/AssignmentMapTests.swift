// AssignmentMapTests: assignment-map blueprints: create/read/update/delete with a node tree, validation
// naming the node, item listing by map, and deleting an item a map still uses.

import Database
import Foundation
import HTTPTypes
import ManagedOSDomain
import TestSupport
import Testing

@testable import LibraryAPIService

@Suite("Assignment maps", .enabled(if: TestDatabase.isEnabled))
struct AssignmentMapTests {
    /// Three items: `a` for everyone, `b` for Macs on macOS 15, `c` for Macs tagged `pilot`.
    struct Items {
        var a: String
        var b: String
        var c: String
    }

    static func items(_ api: LibraryAPIHarness) async throws -> Items {
        func create(_ label: String, _ major: Int) async throws -> String {
            try #require(try await api.write(.post, "/v1/library-items", body: Bodies.item(label: label, major: major))
                .json["item"]["id"].string)
        }
        return Items(a: try await create("Everyone", 26), b: try await create("Sequoia", 15), c: try await create("Pilot", 26))
    }

    static func mapBody(_ items: Items, name: String = "By OS", root: String = "11111111-1111-4111-8111-111111111111")
        -> String
    {
        #"""
        {"name":"\#(name)","description":"first match wins","root":{"id":"\#(root)","itemIds":["\#(items.a)"],"children":[
          {"conditions":[{"attribute":"currentMajor","anyOf":[15]}],"itemIds":["\#(items.b)"]},
          {"conditions":[{"attribute":"tag","anyOf":["pilot"]}],"itemIds":["\#(items.c)"]}]}}
        """#
    }

    @Test("creating a map stores the tree as the domain map, lists its items and publishes a blueprint event")
    func createAndRead() async throws {
        try await LibraryAPIHarness.run { api in
            let items = try await Self.items(api)
            let reply = try await api.write(.post, "/v1/assignment-maps", body: Self.mapBody(items))
            #expect(reply.status == .created)
            let id = try #require(reply.json["id"].string)
            #expect(reply.json["kind"].string == "assignmentMap")
            #expect(reply.json["root"]["children"].array.count == 2)
            #expect(reply.json["root"]["children"][0]["conditions"][0]["anyOf"][0].int == 15)
            #expect(Set(reply.json["itemIds"].array.compactMap(\.string)) == Set([items.a, items.b, items.c].map { $0.uppercased() }))
            let stored: String = try api.database.query(
                "SELECT assignment_map::text AS m FROM blueprints WHERE id = $1::uuid AND kind = 'assignment_map'", [id]
            ).first!.decode("m")
            let map = try JSONDecoder().decode(AssignmentMap.self, from: Data(stored.utf8))
            #expect(map.itemIDs(for: MacAttributes(currentMajor: 15)).map(\.uuidString) == [items.a, items.b].map { $0.uppercased() })
            #expect(map.itemIDs(for: MacAttributes(currentMajor: 26, tags: ["pilot"])).map(\.uuidString) == [items.a, items.c].map { $0.uppercased() })
            #expect(try api.count("SELECT count(*) AS n FROM assignment_map_items WHERE blueprint_id = $1::uuid", [id]) == 3)
            #expect(try api.count("SELECT count(*) AS n FROM bus_events WHERE topic = 'blueprint' AND entity = $1", [id.lowercased()]) == 1)
            #expect(try await api.read("/v1/assignment-maps/\(id)").json["name"].string == "By OS")
            #expect(try await api.read("/v1/assignment-maps").json["items"].array.count == 1)
            // Items listed by the map, and the item shows the map among its blueprints.
            let byMap = try await api.read("/v1/library-items?blueprint=\(id)").json["items"].array
            #expect(Set(byMap.compactMap { $0["id"].string }) == Set([items.a, items.b, items.c].map { $0.uppercased() }))
            #expect(byMap.first?["blueprintIds"].array.compactMap(\.string) == [id.uppercased()])
            // The classic routes see it as a map and refuse to edit it.
            #expect(try await api.read("/v1/blueprints/\(id)").json["kind"].string == "assignmentMap")
            let classic = try await api.write(.put, "/v1/blueprints/\(id)", body: #"{"name":"x"}"#)
            #expect(classic.status == .conflict)
            #expect(classic.json["error"]["code"].string == "wrong_kind")
        }
    }

    @Test("updating replaces the tree; deleting a map with Macs needs force")
    func updateAndDelete() async throws {
        try await LibraryAPIHarness.run { api in
            let items = try await Self.items(api)
            let id = try #require(try await api.write(.post, "/v1/assignment-maps", body: Self.mapBody(items)).json["id"].string)
            let body = #"{"name":"Flat","root":{"itemIds":["\#(items.c)"]}}"#
            let updated = try await api.write(.put, "/v1/assignment-maps/\(id)", body: body)
            #expect(updated.status == .ok)
            #expect(updated.json["root"]["children"].array.isEmpty)
            #expect(try api.count("SELECT count(*) AS n FROM assignment_map_items WHERE blueprint_id = $1::uuid", [id]) == 1)
            let device = try await api.write(.post, "/v1/devices", body: #"{"enrollmentId":"m1","blueprintId":"\#(id)"}"#)
            #expect(device.status == .created)
            let refused = try await api.write(.delete, "/v1/assignment-maps/\(id)")
            #expect(refused.status == .conflict)
            #expect(refused.json["error"]["governedMacCount"].int == 1)
            let deleted = try await api.write(.delete, "/v1/assignment-maps/\(id)?force=true")
            #expect(deleted.json["macsUnassigned"].int == 1)
            #expect(try await api.read("/v1/assignment-maps/\(id)").status == .notFound)
            let audit = try await api.read("/v1/audit-log?entityType=blueprint&entityId=\(id.lowercased())").json["items"].array
            #expect(audit.compactMap { $0["action"].string } == ["assignmentMap.delete", "assignmentMap.update", "assignmentMap.create"])
        }
    }

    @Test("deleting an item a map uses needs force, says how many Macs lose it and removes it from the map")
    func deleteItemUsedByMap() async throws {
        try await LibraryAPIHarness.run { api in
            let items = try await Self.items(api)
            let id = try #require(try await api.write(.post, "/v1/assignment-maps", body: Self.mapBody(items)).json["id"].string)
            let board = FleetSeeder.boardSupporting(major: 26)
            let map = UUID(uuidString: id)
            // Three Macs on macOS 15 reach item b; two on 26 (one a pilot) do not.
            try FleetSeeder.insert(
                [
                    .init(enrollmentID: "s1", blueprintID: map, boardID: board, osVersion: "15.7"),
                    .init(enrollmentID: "s2", blueprintID: map, boardID: board, osVersion: "15.6"),
                    .init(enrollmentID: "s3", blueprintID: map, boardID: board, osVersion: "15.7.1"),
                    .init(enrollmentID: "t1", blueprintID: map, boardID: board, tags: ["pilot"], osVersion: "26.1"),
                    .init(enrollmentID: "t2", blueprintID: map, boardID: board, osVersion: "26.1"),
                ], on: try DatabaseConnectionFactory.connect(api))
            let before = try api.snapshot()
            let refused = try await api.write(.delete, "/v1/library-items/\(items.b)")
            #expect(refused.status == .conflict)
            #expect(refused.json["error"]["code"].string == "item_in_use")
            #expect(refused.json["error"]["governedMacCount"].int == 3)
            #expect(try api.snapshot() == before)
            // An item only one Mac reaches through the map.
            #expect(try await api.write(.delete, "/v1/library-items/\(items.c)").json["error"]["governedMacCount"].int == 1)

            let forced = try await api.write(.delete, "/v1/library-items/\(items.b)?force=true")
            #expect(forced.status == .ok)
            #expect(forced.json["macsLosingItem"].int == 3)
            let after = try await api.read("/v1/assignment-maps/\(id)").json
            #expect(after["root"]["children"][0]["itemIds"].array.isEmpty)
            #expect(!after["itemIds"].array.contains(.string(items.b.uppercased())))
            #expect(try api.count("SELECT count(*) AS n FROM bus_events WHERE topic = 'blueprint' AND entity = $1", [id.lowercased()]) == 2)
        }
    }

    /// One bad map body and what it must answer.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var body: @Sendable (Items) -> String
        var status: HTTPResponse.Status
        var field: String
        var code: String
        var testDescription: String { name }
    }

    static let node = "22222222-2222-4222-8222-222222222222"
    static let cases: [Case] = [
        Case(
            name: "unknown item in a child node",
            body: { _ in #"{"name":"M","root":{"children":[{"id":"\#(node)","itemIds":["\#(UUID().uuidString)"]}]}}"# },
            status: .unprocessableContent, field: "root.children[0].itemIds[0]", code: "unknownItem"),
        Case(
            name: "unknown attribute",
            body: { _ in #"{"name":"M","root":{"children":[{"conditions":[{"attribute":"colour","anyOf":["red"]}]}]}}"# },
            status: .unprocessableContent, field: "root.children[0].conditions[0].attribute", code: "invalidChoice"),
        Case(
            name: "empty anyOf",
            body: { _ in #"{"name":"M","root":{"conditions":[{"attribute":"tag","anyOf":[]}]}}"# },
            status: .unprocessableContent, field: "root.conditions[0].anyOf", code: "empty"),
        Case(
            name: "major that is not an integer",
            body: { _ in #"{"name":"M","root":{"conditions":[{"attribute":"currentMajor","anyOf":["15"]}]}}"# },
            status: .badRequest, field: "root.conditions[0].anyOf[0]", code: "wrong_type"),
        Case(
            name: "duplicate node id",
            body: { _ in #"{"name":"M","root":{"id":"\#(node)","children":[{"id":"\#(node)"}]}}"# },
            status: .unprocessableContent, field: "root.children[0].id", code: "duplicateNode"),
        Case(
            name: "unknown node field",
            body: { _ in #"{"name":"M","root":{"label":"x"}}"# }, status: .badRequest, field: "root.label",
            code: "unknown_field"),
        Case(name: "missing root", body: { _ in #"{"name":"M"}"# }, status: .badRequest, field: "root", code: "missing_field"),
        Case(
            name: "children not an array", body: { _ in #"{"name":"M","root":{"children":{}}}"# }, status: .badRequest,
            field: "root.children", code: "wrong_type"),
        Case(
            name: "empty name", body: { _ in #"{"name":" ","root":{}}"# }, status: .unprocessableContent, field: "name",
            code: "required"),
    ]

    @Test("a bad map answers 4xx naming the field (and the node) and changes nothing", arguments: cases)
    func badMaps(_ bad: Case) async throws {
        try await LibraryAPIHarness.run { api in
            let items = try await Self.items(api)
            let existing = try #require(
                try await api.write(.post, "/v1/assignment-maps", body: Self.mapBody(items)).json["id"].string)
            let before = try api.snapshot()
            for (method, path) in [(HTTPRequest.Method.post, "/v1/assignment-maps"), (.put, "/v1/assignment-maps/\(existing)")] {
                let reply = try await api.write(method, path, body: bad.body(items))
                #expect(reply.status == bad.status)
                #expect(reply.json.errorFields.first == bad.field)
                #expect(reply.json.errorFieldCodes.first == bad.code)
                if bad.code == "unknownItem" || bad.code == "duplicateNode" {
                    #expect(reply.json["error"]["fields"][0]["message"].string?.contains(Self.node.lowercased()) == true)
                }
            }
            #expect(try api.snapshot() == before)
        }
    }
}
