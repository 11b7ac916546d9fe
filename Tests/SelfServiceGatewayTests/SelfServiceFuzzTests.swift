// SelfServiceFuzzTests: seeded random requests to the Self Service API and page — credentials, majors, request
// ids, idempotency keys, long-poll queries, bodies and form posts, hostile strings and bytes — never a 5xx, every
// refusal named (a JSON error on /v1/me, an HTML page saying what is wrong on the page routes), and every refused
// request leaves every table as it was.

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SelfServiceGatewayService
import TestSupport
import Testing

@Suite("self-service-gateway hostile input (fuzz)", .enabled(if: TestDatabase.isEnabled))
struct SelfServiceFuzzTests {
    struct Request {
        var method: HTTPRequest.Method
        var uri: String
        var headers: HTTPFields
        var body: [UInt8]?
        var description: String
        /// A page route: refusals are HTML pages, not JSON.
        var page = false
    }

    static let majors = [
        "26", "26", "26", "15", "27", "0", "-1", "999", "1000", "tahoe", "99999999999999999999", "%FF", "26.0", "026",
        "%2026", "2%006", "", "%C3%28",
    ]
    static let hostileIDs = [
        "not-a-uuid", "00000000-0000-0000-0000-00000000000G", String(repeating: "a", count: 3000), "%C3%28", "%00",
        "..%2F..%2Fupdates", "{00000000-0000-0000-0000-000000000001}", "%F0%9F%98%80",
    ]

    static func credentialHeaders(
        _ mine: GatewayHarness.Mac, _ other: GatewayHarness.Mac, notes: inout [String],
        using random: inout SeededGenerator
    ) -> HTTPFields {
        switch random.int(0...99) {
        case 0..<78: return mine.bearer
        case 78..<83:
            notes.append("other Mac")
            return other.bearer
        case 83..<88:
            notes.append("cookie")
            return [.cookie: "\(MacCredential.cookieName)=\(mine.credential)"]
        default:
            let value = random.pick([
                "Bearer ", "Bearer mss_", "Bearer mss_" + String(repeating: "0", count: 64), "Basic \(mine.credential)",
                "Bearer \(mine.credential)x", "Bearer " + String(repeating: "m", count: 8000),
                "bearer \(mine.credential)",
                "Bearer %00", "Bearer \(mine.credential) \(mine.credential)",
            ])
            notes.append("authorization \(value.prefix(24))")
            return [.authorization: value]
        }
    }

    static func body(notes: inout [String], using random: inout SeededGenerator) -> [UInt8]? {
        switch random.int(0...9) {
        case 0...4: return nil
        case 5: return Array("{}".utf8)
        case 6:
            let (mutated, what) = Hostile.mutateTree(.object([("note", .string("please"))]), using: &random)
            notes.append("body \(what)")
            return mutated.bytes
        case 7:
            notes.append("random body")
            return Hostile.anyValue(using: &random).bytes
        case 8:
            notes.append("invalid UTF-8 body")
            return Array(#"{"x":""#.utf8) + random.pick(Hostile.invalidUTF8) + Array(#""}"#.utf8)
        default:
            notes.append("huge body")
            return FuzzJSON.object([("pad", Hostile.hugeString(random.pick([100_000, 1_100_000]), using: &random))])
                .bytes
        }
    }

    static func apiRequest(
        _ mine: GatewayHarness.Mac, _ other: GatewayHarness.Mac, requestIDs: [String], otherIDs: [String],
        using random: inout SeededGenerator
    ) -> Request {
        var notes: [String] = []
        func id() -> String {
            switch random.int(0...9) {
            case 0...5 where !requestIDs.isEmpty: return random.pick(requestIDs)
            case 6 where !otherIDs.isEmpty:
                notes.append("another Mac's request")
                return random.pick(otherIDs)
            case 7: return UUID().uuidString.lowercased()
            default:
                let value = random.pick(hostileIDs)
                notes.append("id \(value.prefix(20))")
                return value
            }
        }
        var method = HTTPRequest.Method.get
        var uri: String
        var body: [UInt8]?
        var headers = credentialHeaders(mine, other, notes: &notes, using: &random)
        switch random.int(0...99) {
        case 0..<12: uri = "/v1/me/upgrades"
        case 12..<42:
            method = .post
            let major = random.pick(majors)
            uri = "/v1/me/upgrades/\(major)/requests"
            notes.append("major \(major.prefix(20))")
            body = Self.body(notes: &notes, using: &random)
            if random.chance(0.4) {
                let key = random.pick([
                    "k1", "k2", UUID().uuidString, String(repeating: "k", count: 128),
                    String(repeating: "k", count: 129), "",
                    "é", "a b", "key\u{7F}",
                ])
                headers[HTTPField.Name("Idempotency-Key")!] = key
                notes.append("key \(key.prefix(12).debugDescription)")
            }
        case 42..<52: uri = "/v1/me/requests"
        case 52..<70:
            uri = "/v1/me/requests/\(id())"
            if random.chance(0.4) {
                // Valid waits are 0 (and 1 at the 1 s maximum, rarely) so the run stays short.
                let wait = random.pick(["0", "0", "1", "2", "-1", "abc", "1e3", "9999999999999999999999", "", "%FF"])
                uri += "?waitSeconds=\(wait)"
                if random.chance(0.5) { uri += "&state=\(random.pick(["pending", "declared", "x", "", "%00"]))" }
                notes.append("long-poll \(wait)")
            }
        case 70..<80:
            method = .delete
            uri = "/v1/me/requests/\(id())"
        case 80..<82:
            uri = "/v1/me/requests/\(id())/events"
        case 82..<94: uri = "/v1/me/updates"
        default:
            method = random.pick([.get, .put, .patch, .post, .delete])
            uri = random.pick([
                "/v1/me", "/v1/me/", "/v1/me/unknown", "/v1/me/upgrades/26", "/v1/me/updates?x=%FF", "/v1/me//updates",
                "/v1/me/requests/\(id())/events/x",
            ])
            notes.append("odd route")
        }
        if body != nil { headers[.contentType] = random.chance(0.9) ? "application/json" : "text/plain" }
        return Request(
            method: method, uri: uri, headers: headers, body: body, description: notes.joined(separator: ", "))
    }

    static func pageRequest(
        _ mine: GatewayHarness.Mac, _ other: GatewayHarness.Mac, requestIDs: [String],
        using random: inout SeededGenerator
    ) -> Request {
        var notes: [String] = []
        var headers: HTTPFields = [:]
        let cookie: String = random.pick([
            mine.credential, mine.credential, other.credential, "", "mss_wrong", String(repeating: "c", count: 3000),
            "%FF",
            "%00", "\(mine.credential)%20",
        ])
        if random.chance(0.8) {
            headers[.cookie] = "\(MacCredential.cookieName)=\(cookie)"
            if cookie != mine.credential { notes.append("cookie \(cookie.prefix(12))") }
        }
        var method = HTTPRequest.Method.post
        var uri: String
        var body: [UInt8]?
        switch random.int(0...9) {
        case 0...1:
            method = .get
            uri = "/"
        case 2...4:
            uri = "/login"
            headers[.cookie] = nil
            let credential = random.pick([
                "credential=\(mine.credential)", "credential=mss_wrong", "credential=", "", "credential",
                "credential=%", "credential=%FF%FE", "credential=\(mine.credential)&credential=x",
                "credential=" + String(repeating: "x", count: 100_000), "x=y", "credential=%00",
            ])
            body =
                random.chance(0.1)
                ? Array("credential=".utf8) + random.pick(Hostile.invalidUTF8) : Array(credential.utf8)
            notes.append("login \(credential.prefix(24))")
        case 5: uri = "/logout"
        case 6...7:
            let major = random.pick(majors)
            uri = "/upgrades/\(major)"
            body = Array(random.pick(["", "key=k1", "key=" + String(repeating: "k", count: 500), "key=%FF"]).utf8)
            notes.append("major \(major.prefix(12))")
        default:
            let id = random.chance(0.6) && !requestIDs.isEmpty ? random.pick(requestIDs) : random.pick(hostileIDs)
            uri = "/requests/\(id)/cancel"
        }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        return Request(
            method: method, uri: uri, headers: headers, body: body,
            description: "page " + notes.joined(separator: ", "),
            page: true)
    }

    @Test("Self Service API and page: no 5xx, refusals are named and change nothing")
    func apiAndPage() async throws {
        let fuzz = FuzzRun(family: "self-service-gateway", defaultCases: 1000)
        let settings = SelfServiceSettings(
            rateLimitPerMinute: 100_000, longPollMaximum: .seconds(1), streamMaximum: .seconds(1),
            progressPollInterval: .milliseconds(50))
        try await GatewayHarness.run(settings: settings) { client, harness in
            let mine = try harness.registerMac("fuzz-mine")
            let other = try harness.registerMac("fuzz-other")
            let otherRequest = try #require(
                try await client.execute(uri: "/v1/me/upgrades/26/requests", method: .post, headers: other.bearer)
                    .request[string: "id"])
            try await harness.deliverEvents()
            // Every table, none excluded: the rate limiter is in memory. Events of accepted requests are handled
            // (the gateway's consumer advances its cursor) before the next digest, so a later refusal is judged alone.
            let digest = try DatabaseDigest(harness.database)
            var tally = FuzzTally(run: fuzz)
            var before = try await digest.digest()
            var requestIDs: [String] = []
            for index in 0..<fuzz.cases {
                var random = fuzz.generator(forCase: index)
                tally.begin()
                let request =
                    random.chance(0.75)
                    ? Self.apiRequest(mine, other, requestIDs: requestIDs, otherIDs: [otherRequest], using: &random)
                    : Self.pageRequest(mine, other, requestIDs: requestIDs, using: &random)
                let response = try await client.execute(
                    uri: request.uri, method: request.method, headers: request.headers,
                    body: request.body.map { ByteBuffer(bytes: $0) })
                let status = Int(response.status.code)
                let body = Array(response.body.readableBytesView)
                if (200..<300).contains(status) || status == 303 { try await harness.deliverEvents() }
                let after = try await digest.digest()
                var problems = FuzzTally.problems(
                    status: status, body: body, changedTables: DatabaseDigest.changed(before, after),
                    jsonErrors: !request.page)
                if request.page, (400..<500).contains(status), !FuzzTally.isNamedJSONError(body) {
                    let html = response.headers[.contentType]?.hasPrefix("text/html") == true
                    let text = String(decoding: body, as: UTF8.self)
                    if !html || !text.contains("class=\"error\"") && !text.contains("role=\"alert\"") {
                        problems.append("page refusal \(status) without an HTML page naming the problem")
                    }
                }
                if status == 201, let id = response.request[string: "id"] { requestIDs.append(id) }
                tally.record(
                    index: index, description: "\(request.method) \(request.uri.prefix(120)) \(request.description)",
                    status: status, problems: problems)
                before = after
            }
            tally.summary()
            for failure in tally.failures { Issue.record(Comment(rawValue: failure)) }
            #expect(tally.failureCount == 0)
            #expect(tally.count(200..<300) > 0)
            #expect(tally.count(400..<500) > 0)
        }
    }
}
