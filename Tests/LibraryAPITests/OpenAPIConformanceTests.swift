// OpenAPIConformanceTests: the served OpenAPI document matches the API: every documented operation exists,
// answers its documented success status with the documented shape, and every tested route is documented.

import Database
import Foundation
import HTTPTypes
import ManagedOSDomain
import TestSupport
import Testing

@testable import LibraryAPIService

@Suite("OpenAPI document", .enabled(if: TestDatabase.isEnabled))
struct OpenAPIConformanceTests {
    /// Checks `value` against the subset of JSON Schema the document uses (`$ref`, `required`, `properties`,
    /// `items`, `type`); returns the problems found.
    static func problems(_ value: JSONValue, _ schema: JSONValue, document: JSONValue, path: String = "$") -> [String] {
        if let reference = schema["$ref"].string {
            let name = String(reference.split(separator: "/").last ?? "")
            return problems(value, document["components"]["schemas"][name], document: document, path: path)
        }
        var found: [String] = []
        let types: [String] = schema["type"].string.map { [$0] } ?? schema["type"].array.compactMap(\.string)
        if !types.isEmpty {
            let actual: String
            switch value {
            case .null: actual = "null"
            case .bool: actual = "boolean"
            case .number(let number): actual = number.rounded() == number ? "integer" : "number"
            case .string: actual = "string"
            case .array: actual = "array"
            case .object: actual = "object"
            }
            let matches = types.contains(actual) || (actual == "integer" && types.contains("number"))
            if !matches { found.append("\(path): \(actual), expected \(types)") }
        }
        if case .object(let members) = value {
            for key in schema["required"].array.compactMap(\.string) where members[key] == nil {
                found.append("\(path).\(key) is missing")
            }
            if case .object(let properties) = schema["properties"] {
                for (key, propertySchema) in properties {
                    if let member = members[key] {
                        found += problems(member, propertySchema, document: document, path: "\(path).\(key)")
                    }
                }
            }
        }
        if case .array(let elements) = value, schema["items"] != .null {
            for (index, element) in elements.enumerated() {
                found += problems(element, schema["items"], document: document, path: "\(path)[\(index)]")
            }
        }
        return found
    }

    @Test("every documented operation answers its documented success status and shape, and 401 without a token")
    func documentMatchesAPI() async throws {
        try await LibraryAPIHarness.run { api in
            let served = try await api.read("/v1/openapi.json")
            #expect(served.status == .ok)
            let document = served.json
            #expect(document["openapi"].string == "3.1.0")

            let item = try #require(
                try await api.write(.post, "/v1/library-items", body: Bodies.item()).json["item"]["id"].string)
            let blueprint = try #require(
                try await api.write(.post, "/v1/blueprints", body: #"{"name":"Docs","itemIds":["\#(item)"]}"#)
                    .json["id"].string)
            let device = try #require(
                try await api.write(.post, "/v1/devices", body: #"{"enrollmentId":"docs","blueprintId":"\#(blueprint)"}"#)
                    .json["device"]["id"].string)

            let map = try #require(
                try await api.write(.post, "/v1/assignment-maps", body: #"{"name":"Docs map","root":{"itemIds":["\#(item)"]}}"#)
                    .json["id"].string)

            var operations: [(path: String, method: String, operation: JSONValue)] = []
            if case .object(let paths) = document["paths"] {
                for (path, item) in paths {
                    if case .object(let methods) = item {
                        for (method, operation) in methods { operations.append((path, method, operation)) }
                    }
                }
            }
            #expect(operations.count >= 18)
            // Deletions last, in an order that keeps the ids of the others valid.
            let deleteOrder = [
                "unassignItemFromBlueprint", "deleteDevice", "deleteLibraryItem", "deleteBlueprint", "deleteAssignmentMap",
            ]
            operations.sort { lhs, rhs in
                let l = deleteOrder.firstIndex(of: lhs.operation["operationId"].string ?? "") ?? -1
                let r = deleteOrder.firstIndex(of: rhs.operation["operationId"].string ?? "") ?? -1
                return l != r ? l < r : (lhs.path, lhs.method) < (rhs.path, rhs.method)
            }
            let bodies: [String: String] = [
                "createLibraryItem": Bodies.item(label: "Docs"),
                "updateLibraryItem": Bodies.item(label: "Docs 2"),
                "createBlueprint": #"{"name":"Docs 2"}"#,
                "updateBlueprint": #"{"name":"Docs renamed","itemIds":["\#(item)"]}"#,
                "registerDevice": #"{"enrollmentId":"docs-2"}"#,
                "updateDevice": #"{"enrollmentId":"docs","blueprintId":"\#(blueprint)","tags":["a"]}"#,
                "setReleaseApproval": #"{"releaseId":"\#(LibraryAPIHarness.catalog.releases[0].id)","decision":"held"}"#,
                "setCatalogSettings": #"{"holdDays":3}"#,
                "previewNewLibraryItem": Bodies.item(label: "Docs 3", ["blueprintIds": #"["\#(blueprint)"]"#]),
                "previewLibraryItem": Bodies.item(label: "Docs 2"),
                "createAssignmentMap": #"{"name":"Docs map 2","root":{"conditions":[{"attribute":"tag","anyOf":["a"]}]}}"#,
                "updateAssignmentMap":
                    #"{"name":"Docs map","root":{"children":[{"conditions":[{"attribute":"currentMajor","anyOf":[15]}],"itemIds":["\#(item)"]}]}}"#,
            ]
            for (path, method, operation) in operations {
                let operationID = operation["operationId"].string ?? "?"
                let idValue =
                    path.hasPrefix("/v1/library-items")
                    ? item : path.hasPrefix("/v1/devices") ? device : path.hasPrefix("/v1/assignment-maps") ? map : blueprint
                var uri = path.replacingOccurrences(of: "{id}", with: idValue)
                    .replacingOccurrences(of: "{itemId}", with: item)
                if method == "delete" && operationID != "unassignItemFromBlueprint" && operationID != "deleteDevice" {
                    uri += "?force=true"
                }
                let httpMethod = HTTPRequest.Method(rawValue: method.uppercased())!
                let body = bodies[operationID]

                let unauthenticated = try await api.send(httpMethod, uri, token: nil, body: body)
                #expect(unauthenticated.status == .unauthorized, "\(operationID)")
                #expect(operation["responses"]["401"] != .null, "\(operationID) documents 401")

                let reply = try await api.write(httpMethod, uri, body: body)
                let documented = operation["responses"]["\(reply.status.code)"]
                #expect(documented != .null, "\(operationID) answered undocumented \(reply.status.code)")
                #expect((200..<300).contains(reply.status.code), "\(operationID) answered \(reply.status.code)")
                let schema = documented["content"]["application/json"]["schema"]
                if schema != .null {
                    let found = Self.problems(reply.json, schema, document: document)
                    #expect(found.isEmpty, "\(operationID): \(found)")
                }
            }
        }
    }

    @Test("every route of the API is in the document")
    func everyRouteDocumented() async throws {
        try await LibraryAPIHarness.run { api in
            let document = try await api.read("/v1/openapi.json").json
            for route in AuthTests.routes {
                let template = route.path.replacingOccurrences(
                    of: "/items/\(AuthTests.someID)", with: "/items/{itemId}"
                ).replacingOccurrences(of: AuthTests.someID, with: "{id}")
                #expect(
                    document["paths"][template][route.method.rawValue.lowercased()] != .null,
                    "\(route.method) \(template) is not documented")
            }
        }
    }
}
