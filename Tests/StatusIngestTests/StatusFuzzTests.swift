// StatusFuzzTests: seeded random and mutated real-shaped status reports (deep nesting, huge strings, invalid
// UTF-8, wrong types, broken bytes, odd headers and methods) — never a 5xx, every refusal a JSON error naming the
// problem, and every refused report leaves every table as it was.

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import StatusIngestService
import TestSupport
import Testing

@Suite("status-ingest hostile input (fuzz)", .enabled(if: TestDatabase.isEnabled))
struct StatusFuzzTests {
    static let key = Array("fuzz-status-key".utf8)

    /// The real-shaped reports every mutation starts from.
    static let fixtures: [String] = [
        StatusReportFixtures.iPhoneBeta, StatusReportFixtures.macOSFirst, StatusReportFixtures.notReferenced,
        StatusReportFixtures.installState("downloading"),
        StatusReportFixtures.pending("scheduled", version: "15.7.2", build: "24G325"),
        StatusReportFixtures.installed(version: "15.7.2", build: "24G325"), StatusReportFixtures.failed,
        StatusReportFixtures.full(version: "15.6", build: "24G84"),
    ]
    static let trees = fixtures.map { FuzzJSON(parsing: $0) }

    /// One generated request.
    struct Request {
        var method: HTTPRequest.Method = .put
        var path = "/status"
        var enrollment: String? = "mac-known"
        var contentType: String? = "application/json"
        var body: [UInt8]
        var description: String
        /// Sign the body (signed runs only); false sends a wrong or missing signature.
        var signs = true
    }

    static func makeRequest(using random: inout SeededGenerator) -> Request {
        let base = random.int(0...(trees.count - 1))
        var request: Request
        switch random.int(0...99) {
        case 0..<40:
            var tree = trees[base]
            var steps: [String] = []
            for _ in 0..<random.int(1...3) {
                let (mutated, what) = Hostile.mutateTree(tree, using: &random)
                tree = mutated
                steps.append(what)
            }
            request = Request(body: tree.bytes, description: "fixture \(base) tree: \(steps.joined(separator: "; "))")
        case 40..<60:
            var bytes = Array(fixtures[base].utf8)
            var steps: [String] = []
            for _ in 0..<random.int(1...3) {
                let (mutated, what) = Hostile.mutateBytes(bytes, using: &random)
                bytes = mutated
                steps.append(what)
            }
            request = Request(body: bytes, description: "fixture \(base) bytes: \(steps.joined(separator: "; "))")
        case 60..<70:
            request = Request(body: Array(fixtures[base].utf8), description: "fixture \(base) as is")
        case 70..<82:
            request = extreme(using: &random)
        case 82..<90:
            // Invalid UTF-8 inside a string value or a key of a real report.
            let invalid = random.pick(Hostile.invalidUTF8)
            var text = Array(fixtures[base].utf8)
            let quotes = text.indices.filter { text[$0] == UInt8(ascii: "\"") }
            let at = random.pick(quotes) + 1
            text.insert(contentsOf: invalid, at: at)
            request = Request(body: text, description: "fixture \(base) with \(invalid) after byte \(at)")
        default:
            let value = Hostile.anyValue(using: &random)
            request = Request(
                body: random.chance(0.1) ? Array(random.pick(["", " ", "\n", "{}", "[]", "null"]).utf8) : value.bytes,
                description: "random top-level value")
        }
        // Odd requests around the body: headers, paths, methods.
        if random.chance(0.12) {
            request.enrollment = random.pick([
                nil, "", "mac-unknown", String(repeating: "m", count: 4096), "MAC-KNOWN", "mac-known ", "../mac-known",
                "mac-known,mac-known", "%00", "😀", "' OR 1=1 --",
            ])
            request.description += ", enrollment \(String(describing: request.enrollment?.prefix(20)))"
        }
        if random.chance(0.08) {
            request.path = random.pick([
                "/v1/status", "/status/", "/status?full=1&x=%ff", "/STATUS", "/status/../status", "/v1//status",
                "/status%00", "/status;x",
            ])
            request.description += ", path \(request.path)"
        }
        if random.chance(0.05) {
            request.method = random.pick([.post, .get, .delete, .patch, .head, .options])
            request.description += ", method \(request.method)"
        }
        if random.chance(0.1) {
            request.contentType = random.pick([
                nil, "text/plain", "application/xml", "multipart/form-data; boundary=x",
                "application/json; charset=latin1",
                "application/x-www-form-urlencoded",
            ])
            request.description += ", content type \(String(describing: request.contentType))"
        }
        return request
    }

    /// Structural extremes: deep nesting, huge strings, many members, long arrays, oversize bodies.
    static func extreme(using random: inout SeededGenerator) -> Request {
        let statusItems: FuzzJSON
        let what: String
        switch random.int(0...6) {
        case 0:
            let depth = random.pick([64, 511, 513, 2000, 100_000])
            statusItems = .object([
                (key: "device", value: Hostile.nested(depth: depth, objects: true, inner: .string("x")))
            ])
            what = "objects \(depth) deep"
        case 1:
            let depth = random.pick([64, 511, 513, 2000, 100_000])
            statusItems = .object([(key: "x", value: Hostile.nested(depth: depth, objects: false))])
            what = "arrays \(depth) deep"
        case 2:
            let size = random.pick([10_000, 500_000, 1_048_000, 1_100_000])
            statusItems = .object([
                (
                    key: "device",
                    value: .object([
                        (
                            key: "operating-system",
                            value: .object([(key: "version", value: Hostile.hugeString(size, using: &random))])
                        )
                    ])
                )
            ])
            what = "version string of \(size) bytes"
        case 3:
            let count = random.pick([1000, 5000])
            statusItems = .object((0..<count).map { (key: "k\($0)", value: .int(Int64($0))) })
            what = "\(count) members"
        case 4:
            let count = random.pick([1000, 10_000])
            statusItems = .object([
                (
                    key: "management",
                    value: .object([
                        (
                            key: "declarations",
                            value: .object([
                                (
                                    key: "configurations",
                                    value: .array(
                                        (0..<count).map { index in
                                            .object([
                                                (key: "identifier", value: .string("c\(index)")),
                                                (key: "active", value: .bool(true)),
                                            ])
                                        })
                                )
                            ])
                        )
                    ])
                )
            ])
            what = "\(count) declarations"
        case 5:
            let size = random.pick([100, 10_000])
            statusItems = .object([(key: String(repeating: "k", count: size), value: .string("v"))])
            what = "a key of \(size) bytes"
        default:
            let depth = random.pick([100, 1000])
            var key = ""
            for index in 0..<depth { key += index == 0 ? "a" : ".a" }
            statusItems = .object([(key: key, value: .string("dots"))])
            what = "a dotted key of \(depth) parts"
        }
        let body = FuzzJSON.object([(key: "StatusItems", value: statusItems), (key: "FullReport", value: .bool(false))])
        return Request(body: body.bytes, description: "extreme: \(what)")
    }

    @Test("random and mutated reports, unsigned: no 5xx, refusals are named and change nothing")
    func unsignedReports() async throws {
        try await run(family: "status-ingest", defaultCases: 400, settings: StatusIngestSettings())
    }

    @Test("random and mutated reports with an HMAC key: the signature is checked first, the rest as unsigned")
    func signedReports() async throws {
        try await run(
            family: "status-ingest (signed)", defaultCases: 150, settings: StatusIngestSettings(hmacKey: Self.key))
    }

    func run(family: String, defaultCases: Int, settings: StatusIngestSettings) async throws {
        let fuzz = FuzzRun(family: family, defaultCases: defaultCases)
        try await StatusIngestHarness.run(settings: settings) { client, harness in
            try harness.register("mac-known")
            // Every table, none excluded: status-ingest keeps no counters or audit rows that a refused request
            // may touch (rate limits and metrics are in memory).
            let digest = try DatabaseDigest(harness.database)
            var tally = FuzzTally(run: fuzz)
            var before = try await digest.digest()
            for index in 0..<fuzz.cases {
                var random = fuzz.generator(forCase: index)
                tally.begin()
                var request = Self.makeRequest(using: &random)
                var headers: HTTPFields = [:]
                if let contentType = request.contentType { headers[.contentType] = contentType }
                if let enrollment = request.enrollment { headers[StatusRoutes.enrollmentHeader] = enrollment }
                if settings.hmacKey != nil {
                    request.signs = random.chance(0.8)
                    headers[StatusRoutes.signatureHeader] =
                        request.signs
                        ? StatusSignatureVerifier.sign(request.body, key: Self.key)
                        : random.pick(["", "not base64!", StatusSignatureVerifier.sign(request.body, key: [1])])
                    if !request.signs { request.description += ", bad signature" }
                }
                let response = try await client.execute(
                    uri: request.path, method: request.method, headers: headers, body: ByteBuffer(bytes: request.body))
                let status = Int(response.status.code)
                var after = try await digest.digest()
                let changed = DatabaseDigest.changed(before, after)
                var problems = FuzzTally.problems(
                    status: status, body: Array(response.body.readableBytesView), changedTables: changed,
                    jsonErrors: request.method != .head)
                if settings.hmacKey != nil, !request.signs, request.method == .put, status < 300,
                    request.path.hasPrefix("/status") || request.path.hasPrefix("/v1/status")
                {
                    problems.append("a badly signed report was accepted")
                }
                tally.record(index: index, description: request.description, status: status, problems: problems)
                if (200..<300).contains(status) {
                    // Accepted reports append raw bodies (up to 1 MiB each) and history; dropping them keeps every
                    // digest small (each case's baseline is the state just before it, so this hides nothing).
                    try await BlockingWork.run {
                        for table in [
                            "status_reports_raw", "device_status_history", "status_parse_errors", "bus_events",
                        ] {
                            try harness.database.query("DELETE FROM \(table)")
                        }
                    }
                    after = try await digest.digest()
                }
                before = after
            }
            tally.summary()
            for failure in tally.failures { Issue.record(Comment(rawValue: failure)) }
            #expect(tally.failureCount == 0)
            #expect(tally.count(200..<300) > 0, "some real-shaped reports must be accepted")
            #expect(tally.count(400..<500) > 0)
        }
    }
}
