// AdminAPIFuzzTests: requests generated from the served OpenAPI document for every operation — schema-valid
// bodies, type, range, enum and required-field mutations, unknown fields, wrong content types, random path ids
// and query values, huge and invalid-UTF-8 strings, deep nesting, broken bytes, missing and weak tokens — never
// a 5xx, every refusal a JSON error naming the problem, and every refused request leaves every table as it was.

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@testable import LibraryAPIService

@Suite("library-api hostile input (fuzz from the OpenAPI document)", .enabled(if: TestDatabase.isEnabled))
struct AdminAPIFuzzTests {
    /// One documented operation.
    struct Operation {
        var method: HTTPRequest.Method
        var path: String
        var operationID: String
        /// Query and path parameters: name, location, schema.
        var parameters: [(name: String, location: String, schema: FuzzJSON)]
        var body: FuzzJSON?
    }

    /// Reads every operation of the document.
    static func operations(_ document: FuzzJSON) -> [Operation] {
        guard case .object(let paths)? = document["paths"] else { return [] }
        var found: [Operation] = []
        for (path, item) in paths {
            guard case .object(let methods) = item else { continue }
            for (method, operation) in methods {
                guard let httpMethod = HTTPRequest.Method(rawValue: method.uppercased()) else { continue }
                var parameters: [(name: String, location: String, schema: FuzzJSON)] = []
                if case .array(let list)? = operation["parameters"] {
                    for parameter in list {
                        guard case .string(let name)? = parameter["name"], case .string(let location)? = parameter["in"]
                        else { continue }
                        parameters.append((name, location, parameter["schema"] ?? .object([])))
                    }
                }
                var operationID = "\(method) \(path)"
                if case .string(let id)? = operation["operationId"] { operationID = id }
                found.append(
                    Operation(
                        method: httpMethod, path: path, operationID: operationID, parameters: parameters,
                        body: operation["requestBody"]?["content"]?["application/json"]?["schema"]))
            }
        }
        return found.sorted { ($0.path, $0.method.rawValue) < ($1.path, $1.method.rawValue) }
    }

    /// Ids the generator can use, per collection, growing as creations succeed.
    struct Pools {
        var ids: [String: [String]] = [:]
        /// The collection a path's `{id}` refers to.
        static func collection(of path: String) -> String {
            for name in ["library-items", "blueprints", "devices", "assignment-maps"]
            where path.hasPrefix("/v1/\(name)") {
                return name
            }
            return "library-items"
        }
        func id(_ collection: String, using random: inout SeededGenerator) -> String {
            let known = ids[collection] ?? []
            return known.isEmpty || random.chance(0.15) ? UUID().uuidString.lowercased() : random.pick(known)
        }
    }

    /// Generates schema-valid values (valid by the schema; the rules may still refuse them with 422).
    struct Generator {
        let document: FuzzJSON
        let pools: Pools

        func resolve(_ schema: FuzzJSON) -> FuzzJSON {
            if case .string(let reference)? = schema["$ref"] {
                let name = String(reference.split(separator: "/").last ?? "")
                return document["components"]?["schemas"]?[name] ?? .object([])
            }
            return schema
        }

        func types(_ schema: FuzzJSON) -> [String] {
            switch schema["type"] {
            case .string(let type)?: return [type]
            case .array(let list)?: return list.compactMap { if case .string(let t) = $0 { t } else { nil } }
            default: return schema["properties"] != nil ? ["object"] : ["string"]
            }
        }

        func value(_ raw: FuzzJSON, name: String, depth: Int, using random: inout SeededGenerator) -> FuzzJSON {
            let schema = resolve(raw)
            if case .array(let choices)? = schema["enum"], !choices.isEmpty { return random.pick(choices) }
            var types = types(schema)
            if types.count > 1, types.contains("null"), random.chance(0.8) { types.removeAll { $0 == "null" } }
            switch random.pick(types) {
            case "null": return .null
            case "boolean": return .bool(random.chance(0.5))
            case "integer", "number":
                if case .int(let low)? = schema["minimum"], case .int(let high)? = schema["maximum"] {
                    return .int(Int64(random.int(Int(low)...Int(high))))
                }
                if name == "major" { return .int(Int64(random.pick([13, 14, 15, 26, 26, 26]))) }
                if name == "anyOf" { return .int(Int64(random.pick([13, 14, 15, 26]))) }
                return .int(Int64(random.int(0...30)))
            case "array":
                let count = depth > 2 ? 0 : random.int(0...2)
                return .array(
                    (0..<count).map { _ in
                        value(schema["items"] ?? .object([]), name: name, depth: depth + 1, using: &random)
                    })
            case "object":
                guard case .object(let properties)? = schema["properties"] else { return .object([]) }
                var required: Set<String> = []
                if case .array(let list)? = schema["required"] {
                    for case .string(let key) in list { required.insert(key) }
                }
                var members: [(key: String, value: FuzzJSON)] = []
                for (key, propertySchema) in properties where required.contains(key) || random.chance(0.5) {
                    if depth > 3 && key == "children" { continue }
                    members.append((key, value(propertySchema, name: key, depth: depth + 1, using: &random)))
                }
                return .object(members)
            default:
                return string(schema, name: name, using: &random)
            }
        }

        func string(_ schema: FuzzJSON, name: String, using random: inout SeededGenerator) -> FuzzJSON {
            if case .array(let examples)? = schema["examples"], !examples.isEmpty, random.chance(0.8) {
                return random.pick(examples)
            }
            switch (schema["format"], name) {
            case (.string("uuid")?, "itemIds"), (.string("uuid")?, "itemId"):
                return .string(pools.id("library-items", using: &random))
            case (.string("uuid")?, "blueprintId"), (.string("uuid")?, "blueprintIds"):
                return .string(pools.id(random.chance(0.8) ? "blueprints" : "assignment-maps", using: &random))
            case (.string("uuid")?, _): return .string(UUID().uuidString.lowercased())
            case (.string("date")?, _): return .string(random.pick(["2026-12-01", "2027-01-15", "2026-09-30"]))
            case (.string("date-time")?, _): return .string("2026-08-\(random.int(10...28))T09:00:00Z")
            case (.string("uri")?, _): return .string("https://example.com/\(random.int(0...99))")
            default: break
            }
            if schema["pattern"] != nil {
                return .string(String(format: "%02d:%02d", random.int(0...23), random.int(0...59)))
            }
            switch name {
            case "version": return .string(random.pick(["26.1", "26.0.1", "15.7.2", "14.8", "26"]))
            case "timeZone": return .string(random.pick(["Europe/Berlin", "America/New_York", "UTC"]))
            case "enrollmentId": return .string("fuzz-\(random.int(0...1_000_000))")
            case "label", "name": return .string("Fuzz \(random.int(0...1_000_000))")
            case "anyOf": return .string(random.pick(["Mac", "MacBookPro18,3", "a", "b"]))
            default: return .string(Hostile.randomText(using: &random))
            }
        }

        /// A schema-aware mutation of a valid object: a required member removed, a member of the wrong type,
        /// out of range or outside its enum, an unknown member, a hostile string.
        func mutate(_ body: FuzzJSON, schema raw: FuzzJSON, using random: inout SeededGenerator) -> (FuzzJSON, String) {
            let schema = resolve(raw)
            guard case .object(var members) = body else { return (body, "not an object") }
            var required: [String] = []
            if case .array(let list)? = schema["required"] {
                for case .string(let key) in list { required.append(key) }
            }
            var properties: [(key: String, value: FuzzJSON)] = []
            if case .object(let list)? = schema["properties"] { properties = list }
            switch random.int(0...5) {
            case 0 where !required.isEmpty:
                let key = random.pick(required)
                members.removeAll { $0.key == key }
                return (.object(members), "required \(key) removed")
            case 1 where !properties.isEmpty:
                let property = random.pick(properties)
                let wrong: FuzzJSON = types(resolve(property.value)).contains("string") ? .int(42) : .string("wrong")
                members.removeAll { $0.key == property.key }
                members.append(
                    (
                        property.key,
                        random.chance(0.5) ? wrong : random.pick([.null, .array([]), .object([]), .bool(true)])
                    ))
                return (.object(members), "\(property.key) of the wrong type")
            case 2 where !properties.isEmpty:
                let property = random.pick(properties)
                let propertySchema = resolve(property.value)
                let bad: FuzzJSON
                if case .int(let high)? = propertySchema["maximum"] {
                    bad = random.chance(0.5) ? .int(high + 1) : .int(Int64.max)
                } else if case .int(let low)? = propertySchema["minimum"] {
                    bad = .int(low - 1)
                } else if propertySchema["enum"] != nil {
                    bad = .string(random.pick(["never", "", "AUTOMATIC", "automatic "]))
                } else {
                    bad = random.pick(Hostile.awkwardNumbers)
                }
                members.removeAll { $0.key == property.key }
                members.append((property.key, bad))
                return (.object(members), "\(property.key) out of range: \(bad.text.prefix(30))")
            case 3:
                members.append(
                    (
                        random.chance(0.5) ? "unknownField" : Hostile.randomText(using: &random),
                        Hostile.anyValue(using: &random)
                    ))
                return (.object(members), "unknown member")
            case 4 where !members.isEmpty:
                let index = random.int(0...(members.count - 1))
                let hostile: FuzzJSON =
                    random.chance(0.5)
                    ? random.pick(Hostile.awkwardStrings)
                    : .rawString(Array("v".utf8) + random.pick(Hostile.invalidUTF8))
                members[index].value = hostile
                return (
                    .object(members),
                    "\(members[index].key) = hostile string \(hostile.text.prefix(20).debugDescription)"
                )
            default:
                if members.isEmpty { return (.object(members), "unchanged") }
                let index = random.int(0...(members.count - 1))
                members[index].value = Hostile.hugeString(random.pick([5000, 200_000]), using: &random)
                return (.object(members), "\(members[index].key) = huge string")
            }
        }
    }

    /// Hostile path ids and query values.
    static let hostileIDs = [
        "not-a-uuid", "00000000-0000-0000-0000-00000000000G", String(repeating: "a", count: 5000), "%C3%28", "%FF",
        "..%2F..%2Fopenapi.json", "%00", "%F0%9F%98%80", "{00000000-0000-0000-0000-000000000001}",
        "00000000-0000-0000-0000-000000000001%20", "-1", "0", "null", "%2e%2e", "'%20OR%201=1",
    ]
    static let hostileQueryValues = [
        "", "-1", "0", "501", "99999999999999999999", "1.5", "abc", "%FF", "%C3%28", "%00", "true", "[]",
        String(repeating: "9", count: 400), String(repeating: "x", count: 5000), "2026-13-45T99:99:99Z", "%E2%80%AE",
        "not-a-cursor", "eyJ4IjoxfQ", "%",
    ]

    /// One generated request.
    struct Request {
        var method: HTTPRequest.Method
        var uri: String
        var headers: HTTPFields
        var body: [UInt8]?
        var description: String
    }

    static func makeRequest(
        _ operations: [Operation], generator: Generator, tokens: (read: String, write: String),
        using random: inout SeededGenerator
    ) -> Request {
        let operation = random.pick(operations)
        var notes: [String] = [operation.operationID]

        // Path.
        var path = operation.path
        for parameter in operation.parameters where parameter.location == "path" {
            let value: String
            switch random.int(0...9) {
            case 0...5:
                value = generator.pools.id(
                    parameter.name == "itemId" ? "library-items" : Pools.collection(of: operation.path), using: &random)
            case 6: value = UUID().uuidString.lowercased()
            default:
                value = random.pick(hostileIDs)
                notes.append("\(parameter.name)=\(value.prefix(40))")
            }
            path = path.replacingOccurrences(of: "{\(parameter.name)}", with: value)
        }

        // Query.
        var query: [String] = []
        for parameter in operation.parameters where parameter.location == "query" && random.chance(0.4) {
            if random.chance(0.7) {
                let value = generator.value(parameter.schema, name: parameter.name, depth: 0, using: &random)
                let text: String
                switch value {
                case .string(let string):
                    text = string.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                case .int(let number): text = String(number)
                case .bool(let flag): text = flag ? "true" : "false"
                default: text = value.text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                }
                query.append("\(parameter.name)=\(text)")
            } else {
                let value = random.pick(hostileQueryValues)
                query.append("\(parameter.name)=\(value)")
                notes.append("?\(parameter.name)=\(value.prefix(40))")
            }
        }
        if random.chance(0.08) {
            query.append(random.pick(["unknown=1", "limit=1&limit=2", "force=yes", "=", "&&", "a[b]=c"]))
            notes.append("extra query \(query.last!)")
        }
        let uri = query.isEmpty ? path : path + "?" + query.joined(separator: "&")

        // Credentials.
        var headers: HTTPFields = [:]
        switch random.int(0...99) {
        case 0..<86: headers[.authorization] = "Bearer \(tokens.write)"
        case 86..<91:
            headers[.authorization] = "Bearer \(tokens.read)"
            notes.append("read token")
        case 91..<95: notes.append("no token")
        default:
            let value = random.pick([
                "Bearer ", "Bearer x", "Basic \(tokens.write)", "bearer \(tokens.write)", "Bearer \(tokens.write)x",
                "Bearer " + String(repeating: "t", count: 8000), "Bearer \(tokens.write) \(tokens.write)",
            ])
            headers[.authorization] = value
            notes.append("authorization \(value.prefix(20))")
        }

        // Body.
        var body: [UInt8]?
        var contentType: String? = "application/json"
        if let schema = operation.body {
            let valid = generator.value(schema, name: "", depth: 0, using: &random)
            switch random.int(0...99) {
            case 0..<22:
                body = valid.bytes
                notes.append("schema-valid body")
            case 22..<60:
                var mutated = valid
                for _ in 0..<random.int(1...2) {
                    let (next, what) = generator.mutate(mutated, schema: schema, using: &random)
                    mutated = next
                    notes.append(what)
                }
                body = mutated.bytes
            case 60..<75:
                let (mutated, what) = Hostile.mutateTree(valid, using: &random)
                body = mutated.bytes
                notes.append(what)
            case 75..<87:
                let (mutated, what) = Hostile.mutateBytes(valid.bytes, using: &random)
                body = mutated
                notes.append(what)
            case 87..<93:
                let choice = random.int(0...4)
                switch choice {
                case 0: body = []
                case 1:
                    body =
                        Hostile.nested(depth: random.pick([100, 600, 5000, 100_000]), objects: random.chance(0.5)).bytes
                case 2:
                    body = FuzzJSON.object([(key: "label", value: Hostile.hugeString(1_100_000, using: &random))]).bytes
                case 3: body = Hostile.anyValue(using: &random).bytes
                default: body = Array("label=x&major=26".utf8)
                }
                notes.append("special body \(choice)")
            default:
                body = valid.bytes
                contentType = random.pick([
                    nil, "text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data",
                    "application/json; charset=utf-16", "application/merge-patch+json",
                ])
                notes.append("valid body as \(String(describing: contentType))")
            }
        } else if random.chance(0.05) {
            body = Hostile.anyValue(using: &random).bytes
            notes.append("unexpected body")
        }
        if let body {
            if let contentType { headers[.contentType] = contentType }
            headers[.contentLength] = String(body.count)
        }
        return Request(
            method: operation.method, uri: uri, headers: headers, body: body, description: notes.joined(separator: ", ")
        )
    }

    @Test("every operation of the OpenAPI document: no 5xx, refusals are named and change nothing")
    func everyOperation() async throws {
        let fuzz = FuzzRun(family: "library-api admin API", defaultCases: 1200)
        try await LibraryAPIHarness.run { api in
            let served = try await api.read("/v1/openapi.json")
            let document = try JSONDecoder().decode(FuzzJSON.self, from: served.data)
            let operations = Self.operations(document)
            #expect(operations.count >= 30)

            // A small library to aim at: an item, a classic blueprint with it, a Mac in it, an assignment map.
            var pools = Pools()
            let item = try #require(
                try await api.write(.post, "/v1/library-items", body: Bodies.item()).json["item"]["id"].string)
            let item15 = try #require(
                try await api.write(.post, "/v1/library-items", body: Bodies.item(label: "Fifteen", major: 15)).json[
                    "item"]["id"].string)
            let blueprint = try #require(
                try await api.write(.post, "/v1/blueprints", body: #"{"name":"Fuzz","itemIds":["\#(item)"]}"#).json[
                    "id"
                ].string)
            let device = try #require(
                try await api.write(
                    .post, "/v1/devices", body: #"{"enrollmentId":"fuzz-mac","blueprintId":"\#(blueprint)"}"#
                )
                .json["device"]["id"].string)
            let map = try #require(
                try await api.write(
                    .post, "/v1/assignment-maps", body: #"{"name":"Fuzz map","root":{"itemIds":["\#(item15)"]}}"#
                )
                .json["id"].string)
            pools.ids = [
                "library-items": [item, item15], "blueprints": [blueprint], "devices": [device],
                "assignment-maps": [map],
            ]

            // Every table, none excluded: library-api keeps no request counters, and a token's use is not recorded.
            let digest = try DatabaseDigest(api.database)
            var tally = FuzzTally(run: fuzz)
            var before = try await digest.digest()
            var answeredPerOperation: [String: Int] = [:]
            for index in 0..<fuzz.cases {
                var random = fuzz.generator(forCase: index)
                tally.begin()
                let request = Self.makeRequest(
                    operations, generator: Generator(document: document, pools: pools),
                    tokens: (api.readToken, api.writeToken), using: &random)
                let (status, body) = try await api.client.execute(
                    uri: request.uri, method: request.method, headers: request.headers,
                    body: request.body.map { ByteBuffer(bytes: $0) }
                ) { response in (Int(response.status.code), Array(response.body.readableBytesView)) }
                let after = try await digest.digest()
                let problems = FuzzTally.problems(
                    status: status, body: body, changedTables: DatabaseDigest.changed(before, after))
                tally.record(
                    index: index, description: "\(request.method) \(request.uri.prefix(160)) — \(request.description)",
                    status: status, problems: problems)
                answeredPerOperation[
                    request.description.split(separator: ",").first.map(String.init) ?? "?", default: 0] += 1
                if (200..<300).contains(status), request.method == .post,
                    let created = try? JSONDecoder().decode(FuzzJSON.self, from: Data(body))
                {
                    let collection = Pools.collection(of: request.uri)
                    for candidate in [created["id"], created["item"]?["id"], created["device"]?["id"]] {
                        if case .string(let id)? = candidate { pools.ids[collection, default: []].append(id) }
                    }
                }
                before = after
            }
            tally.summary(extra: "over \(answeredPerOperation.count) operations")
            for failure in tally.failures { Issue.record(Comment(rawValue: failure)) }
            #expect(tally.failureCount == 0)
            #expect(answeredPerOperation.count == operations.count, "every operation was exercised")
            #expect(tally.count(200..<300) > 0)
            #expect(tally.count(400..<500) > 0)
        }
    }
}
