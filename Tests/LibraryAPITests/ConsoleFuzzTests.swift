// ConsoleFuzzTests: the admin console's forms and pages under hostile input — every field of every form
// replaced, dropped, repeated or raw-encoded, forged CSRF tokens, random path ids and query values — never a
// 5xx, and the database changes only when a form was accepted (a 303 redirect with the session's CSRF token).

import Database
import Foundation
import HTTPTypes
import TestSupport
import Testing

@testable import LibraryAPIService

@Suite("console hostile input (fuzz of its forms and pages)", .serialized, .enabled(if: TestDatabase.isEnabled))
struct ConsoleFuzzTests {
    /// Values a form field may receive from a hostile browser.
    static let hostileValues = [
        "", " ", "\u{0}", "a\u{0}b", "<script>alert(1)</script>", "'; DROP TABLE items; --", "🙂", "\u{202E}txt",
        "-1", "0", "99999999999999999999", "1e309", "NaN", "2026-02-30", "25:61", "Mars/Olympus_Mons",
        "../../etc/passwd", "26.99.99", "javascript:alert(1)", String(repeating: "x", count: 100_000),
    ]

    /// Raw form bodies no encoder would write: invalid UTF-8 escapes, broken escapes, no `=`, huge names.
    static let rawBodies = [
        "label=%FF%FE&major=26", "label=%C0%AF&major=%E2%82", "label=%&major=%zz", "&&&==&", "label",
        String(repeating: "a", count: 50_000) + "=1", "major=26&major=15&major=13",
    ]

    /// One case: what is sent and whether it carried the session's real CSRF token.
    struct Case {
        var method: HTTPRequest.Method
        var uri: String
        var fields: [(String, String)]?
        var encodedBody: String?
        var validCSRF: Bool
        var description: String
    }

    static func makeCase(csrf: String, itemID: String, using random: inout SeededGenerator) -> Case {
        let pathID = random.pick([itemID, itemID, UUID().uuidString.lowercased(), "not-a-uuid", "%00", "..%2F..", "1"])
        if random.chance(0.3) {
            let value =
                random.pick(hostileValues).prefix(2_000).addingPercentEncoding(withAllowedCharacters: .alphanumerics)
                ?? ""
            let uri = random.pick([
                "/console/items/\(pathID)/edit", "/console/items/\(pathID)/delete",
                "/console/compliance?state=\(value)",
                "/console/compliance?osVersion=\(value)", "/console/compliance/items/\(pathID)",
                "/console/compliance/blueprints/\(pathID)", "/console/macs/\(pathID)",
                "/console/items/new?major=\(value)&duplicate=\(pathID)",
                "/console/library?saved=\(value)&deleted=\(value)",
                "/console/catalog?saved=\(value)", "/console/compliance/macs.csv?state=\(value)",
                "/console/audit?action=\(value)",
            ])
            return Case(
                method: .get, uri: uri, fields: nil, encodedBody: nil, validCSRF: true,
                description: "GET \(uri.prefix(120))")
        }
        let forged = random.chance(0.12)
        let token = forged ? random.pick(["", "0000", csrf + "x", String(csrf.reversed())]) : csrf
        var fields: [(String, String)]
        let uri: String
        switch random.int(0...4) {
        case 0, 1:
            uri = random.chance(0.5) ? "/console/items" : "/console/items/\(pathID)"
            fields = ConsoleForms.item(csrf: token, label: "Fuzz \(random.int(0...1_000_000))")
        case 2:
            uri = "/console/items/\(pathID)/delete"
            fields = [("csrf", token), ("confirm", random.pick(["yes", "no", ""]))]
        case 3:
            uri = "/console/catalog/approvals"
            fields = [
                ("csrf", token), ("releaseId", random.pick(["26.1/25B78", "15.7.2/24G325", "x", ""])),
                ("decision", random.pick(["approved", "held", "revoked", "automatic", "maybe"])),
            ]
        default:
            uri = "/console/catalog/settings"
            fields = [("csrf", token), ("holdDays", random.pick(["0", "7", "-3", "100000", "seven"]))]
        }
        var described = forged ? "forged csrf" : "csrf"
        if random.chance(0.1) {
            let body = random.pick(rawBodies) + "&csrf=" + token
            return Case(
                method: .post, uri: uri, fields: nil, encodedBody: body, validCSRF: !forged,
                description: "POST \(uri) raw \(body.prefix(60))")
        }
        for _ in 0..<random.int(1...3) where fields.count > 1 {
            let index = random.int(1...(fields.count - 1))  // never the csrf field itself
            switch random.int(0...3) {
            case 0:
                fields[index].1 = random.pick(hostileValues)
                described += ", \(fields[index].0)=hostile"
            case 1:
                described += ", dropped \(fields[index].0)"
                fields.remove(at: index)
            case 2:
                fields.append((fields[index].0, random.pick(hostileValues)))
                described += ", repeated \(fields[index].0)"
            default:
                fields.append((random.pick(["unknown", "csrf", "id", "\u{0}"]), random.pick(hostileValues)))
                described += ", extra field"
            }
        }
        return Case(
            method: .post, uri: uri, fields: fields, encodedBody: nil, validCSRF: !forged,
            description: "POST \(uri.prefix(80)) \(described)")
    }

    @Test func consoleFormsAndPagesNeverAnswer5xxAndOnlyAcceptedFormsWrite() async throws {
        try await LibraryAPIHarness.run { api in
            let fuzz = FuzzRun(family: "library-api console", defaultCases: 500)
            var console = ConsoleClient(api)
            #expect(try await console.signIn(token: api.writeToken).status == .seeOther)
            let csrf = try #require(try await console.get("/console/items/new").csrf)
            let created = try await console.post("/console/items", ConsoleForms.item(csrf: csrf, label: "Fuzz base"))
            #expect(created.status == .seeOther)
            let itemID = try #require(
                try api.database.query("SELECT id::text AS id FROM items LIMIT 1").first?.decode("id", as: String.self))

            // Every table, none excluded: the console keeps its session in a signed cookie, not in the database.
            let digest = try DatabaseDigest(api.database)
            var tally = FuzzTally(run: fuzz)
            var before = try await digest.digest()
            for index in 0..<fuzz.cases {
                var random = fuzz.generator(forCase: index)
                let request = Self.makeCase(csrf: csrf, itemID: itemID, using: &random)
                tally.begin()
                let page: ConsoleClient.Page
                if let fields = request.fields {
                    page = try await console.post(request.uri, fields)
                } else if let body = request.encodedBody {
                    page = try await console.post(request.uri, encodedBody: body)
                } else {
                    page = try await console.get(request.uri)
                }
                let after = try await digest.digest()
                let changed = DatabaseDigest.changed(before, after)
                let status = Int(page.status.code)
                var problems = FuzzTally.problems(
                    status: status, body: Array(page.body.utf8), changedTables: changed, jsonErrors: false)
                if !changed.isEmpty && (status != 303 || !request.validCSRF) {
                    problems.append("changed \(changed) without an accepted form (status \(status))")
                }
                tally.record(index: index, description: request.description, status: status, problems: problems)
                before = after
            }
            tally.summary()
            for failure in tally.failures { Issue.record(Comment(rawValue: failure)) }
            #expect(tally.failureCount == 0)
            #expect(tally.count(400..<500) > 0, "hostile forms are refused")
            #expect(tally.statuses[303, default: 0] > 0, "some forms are still accepted")
            #expect(console.cookies[ConsoleSession.cookieName] != nil, "the session survived the fuzzing")
        }
    }
}
