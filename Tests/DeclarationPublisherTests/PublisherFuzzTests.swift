// PublisherFuzzTests: seeded random DDM check-ins (enrollment ids, kinds, identifiers, encodings, methods) and
// mutated real-shaped NanoMDM webhook events (JSON and their base64 result plists) — never a 5xx, every
// refusal a JSON error naming the problem, and every refused request leaves every table as it was.

import DeclarationPublisherService
import DeclarativeManagement
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@Suite("declaration-publisher hostile input (fuzz)", .enabled(if: TestDatabase.isEnabled))
struct PublisherFuzzTests {
    struct Request {
        var method: HTTPRequest.Method
        var uri: String
        var headers: HTTPFields
        var body: [UInt8]?
        var description: String
    }

    static let enrollments = [
        "mac-due", "mac-due", "mac-due", "mac-ok", "mac-unknown", "", String(repeating: "e", count: 513),
        String(repeating: "e", count: 512), "MAC-DUE", "mac-due ", "😀", "' OR 1=1 --", "%00", "mac-due,mac-ok",
    ]
    static let kinds = [
        "configuration", "activation", "asset", "management", "profile", "", "CONFIGURATION", "..", "%00",
    ]
    static let identifiers = [
        "com.managedos.enforcement.os", "com.managedos.activation", "com.managedos.enforcement.os.bsi", "x",
        String(repeating: "a", count: 64), String(repeating: "a", count: 65), String(repeating: "é", count: 40), "..",
        ".", "a..b", "..%2F..%2Ftokens", "%2e%2e", "a%2Fb", "a%5Cb", "%00", "%FF", "%C3%28", "%E2%80%AE", "a b",
        "com.managedos.enforcement.os%00", "com.managedos.enforcement.os?x=1", "com.managedos.enforcement.os#x",
    ]

    static func ddmRequest(using random: inout SeededGenerator) -> Request {
        let prefix = random.chance(0.3) ? "/v1" : ""
        var notes: [String] = []
        let uri: String
        switch random.int(0...9) {
        case 0...2: uri = prefix + "/tokens"
        case 3...5: uri = prefix + "/declaration-items"
        case 6...8:
            let kind = random.chance(0.7) ? "configuration" : random.pick(kinds)
            uri = prefix + "/declaration/\(kind)/\(random.pick(identifiers))"
        default:
            uri =
                prefix
                + random.pick([
                    "/declaration/configuration", "/declaration/", "/declaration/configuration/a/b", "/tokens/",
                    "/declaration-items?x=%FF", "/tokens?" + String(repeating: "q", count: 4000), "//tokens",
                ])
        }
        var headers: HTTPFields = [:]
        if random.chance(0.93) {
            let enrollment = random.pick(enrollments)
            headers[DDMRoutes.enrollmentHeader] = enrollment
            if enrollment != "mac-due" { notes.append("enrollment \(enrollment.prefix(20))") }
        } else {
            notes.append("no enrollment")
        }
        if random.chance(0.5) {
            headers[HTTPField.Name("X-Enrollment-Type")!] = random.pick(["Device", "User", "", "x"])
        }
        var method = HTTPRequest.Method.get
        var body: [UInt8]?
        if random.chance(0.08) {
            method = random.pick([.post, .put, .delete, .patch, .head])
            notes.append("method \(method)")
        }
        if random.chance(0.05) {
            body = Hostile.anyValue(using: &random).bytes
            notes.append("with a body")
        }
        return Request(method: method, uri: uri, headers: headers, body: body, description: "DDM \(notes)")
    }

    /// A result plist as a Mac sends it, with fields sometimes mutated.
    static func resultPlist(_ commandUUID: UUID?, status: String, using random: inout SeededGenerator) -> Data {
        var root: [String: Any] = ["Status": status, "UDID": WebhookTests.enrollment]
        if let commandUUID { root["CommandUUID"] = commandUUID.uuidString }
        if random.chance(0.2) { root["ErrorChain"] = [["ErrorCode": random.int(-5...5), "ErrorDomain": "x"]] }
        if random.chance(0.1) {
            root["CommandUUID"] = random.pick([42, "", String(repeating: "u", count: 5000)] as [Any])
        }
        if random.chance(0.1) { root["Status"] = random.pick([true, "", "Acknowledged\u{0}"] as [Any]) }
        return
            (try? PropertyListSerialization.data(
                fromPropertyList: root, format: random.chance(0.8) ? .xml : .binary, options: 0)) ?? Data()
    }

    static func webhookRequest(_ commands: [UUID], using random: inout SeededGenerator) -> Request {
        let command = random.chance(0.85) ? random.pick(commands) : UUID()
        let status = random.pick(["Acknowledged", "Error", "NotNow", "CommandFormatError", "Idle", "Unknown", ""])
        var payload = resultPlist(command, status: status, using: &random)
        var notes: [String] = ["\(status) for \(commands.contains(command) ? "a known" : "an unknown") command"]
        if random.chance(0.2) {
            var bytes = Array(payload)
            for _ in 0..<random.int(1...4) {
                let (mutated, what) = Hostile.mutateBytes(bytes, using: &random)
                bytes = mutated
                notes.append("plist \(what)")
            }
            payload = Data(bytes)
        }
        var rawPayload: FuzzJSON = .string(payload.base64EncodedString())
        if random.chance(0.08) {
            rawPayload = random.pick([
                .string("not base64!"), .string(""), .int(1), .null, .string("===="), .rawString([0xFF]),
            ])
            notes.append("raw_payload \(rawPayload.text.prefix(20))")
        }
        var acknowledgement: [(key: String, value: FuzzJSON)] = [
            ("udid", .string(random.chance(0.9) ? WebhookTests.enrollment : "another-mac")),
            ("status", .string(status)),
            ("raw_payload", rawPayload), ("url_params", .object([])),
        ]
        if random.chance(0.9) { acknowledgement.append(("command_uuid", .string(command.uuidString.lowercased()))) }
        var event = FuzzJSON.object([
            (
                "topic",
                .string(
                    random.chance(0.9) ? "mdm.Connect" : random.pick(["mdm.Authenticate", "mdm.CheckOut", "", "x"]))
            ),
            ("created_at", .string("2026-11-29T08:00:00Z")), ("acknowledge_event", .object(acknowledgement)),
        ])
        var body = event.bytes
        switch random.int(0...9) {
        case 0...3:
            for _ in 0..<random.int(1...2) {
                let (mutated, what) = Hostile.mutateTree(event, using: &random)
                event = mutated
                notes.append(what)
            }
            body = event.bytes
        case 4...5:
            let (mutated, what) = Hostile.mutateBytes(body, using: &random)
            body = mutated
            notes.append(what)
        case 6:
            body =
                random.chance(0.5)
                ? Hostile.nested(depth: random.pick([600, 100_000]), objects: random.chance(0.5)).bytes
                : FuzzJSON.object([("topic", Hostile.hugeString(random.pick([100_000, 1_100_000]), using: &random))])
                    .bytes
            notes.append("extreme body")
        default:
            break
        }
        var headers: HTTPFields = [.contentType: random.chance(0.9) ? "application/json; charset=utf-8" : "text/plain"]
        headers[.contentLength] = String(body.count)
        return Request(
            method: .post, uri: random.chance(0.2) ? "/v1/webhook" : "/webhook", headers: headers, body: body,
            description: "webhook \(notes.joined(separator: "; "))")
    }

    @Test("DDM check-ins and webhook events: no 5xx, refusals are named and change nothing")
    func checkInsAndWebhookEvents() async throws {
        let fuzz = FuzzRun(family: "declaration-publisher", defaultCases: 1200)
        try await PublisherHarness.run { client, harness in
            try await DDMBadInputTests.setUp(harness)
            let setup = try WebhookTests.setUp(harness)
            let commands = [setup.download, setup.install, setup.declarative]
            // Every table, none excluded: the publisher records nothing about a request it refuses.
            let digest = try DatabaseDigest(harness.database)
            var tally = FuzzTally(run: fuzz)
            var before = try await digest.digest()
            for index in 0..<fuzz.cases {
                var random = fuzz.generator(forCase: index)
                tally.begin()
                let request =
                    random.chance(0.55)
                    ? Self.ddmRequest(using: &random) : Self.webhookRequest(commands, using: &random)
                let response = try await client.execute(
                    uri: request.uri, method: request.method, headers: request.headers,
                    body: request.body.map { ByteBuffer(bytes: $0) })
                let status = Int(response.status.code)
                let after = try await digest.digest()
                let problems = FuzzTally.problems(
                    status: status, body: Array(response.body.readableBytesView),
                    changedTables: DatabaseDigest.changed(before, after), jsonErrors: request.method != .head)
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
