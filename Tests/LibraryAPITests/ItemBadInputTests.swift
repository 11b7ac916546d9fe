// ItemBadInputTests: every bad input of issue 4 on the item routes answers 4xx naming the field and
// leaves the database unchanged.

import Database
import Foundation
import HTTPTypes
import TestSupport
import Testing

@testable import LibraryAPIService

@Suite("Library item bad input", .enabled(if: TestDatabase.isEnabled))
struct ItemBadInputTests {
    /// One bad request and what it must answer.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var body: String
        var status: HTTPResponse.Status
        var field: String
        var code: String

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "malformed JSON", body: #"{"label": "x",,}"#, status: .badRequest, field: "", code: "malformed_json"),
        Case(name: "not an object", body: "[1,2]", status: .badRequest, field: "", code: "wrong_type"),
        Case(
            name: "major of the wrong type", body: Bodies.item(["major": "\"26\""]), status: .badRequest,
            field: "major", code: "wrong_type"),
        Case(
            name: "label of the wrong type", body: Bodies.item(["label": "5"]), status: .badRequest, field: "label",
            code: "wrong_type"),
        Case(
            name: "nested wrong type", body: Bodies.item(["versionEnforcement": #"{"mode":"automatic","timeframe":7}"#]),
            status: .badRequest, field: "versionEnforcement.timeframe", code: "wrong_type"),
        Case(
            name: "unknown top-level field", body: Bodies.item(["colour": "\"red\""]), status: .badRequest,
            field: "colour", code: "unknown_field"),
        Case(
            name: "unknown nested field",
            body: Bodies.item(["versionEnforcement": #"{"mode":"automatic","timeframe":"oneDay","extra":1}"#]),
            status: .badRequest, field: "versionEnforcement.extra", code: "unknown_field"),
        Case(
            name: "missing field", body: Bodies.item(["enforcementTime": ""]), status: .badRequest,
            field: "enforcementTime", code: "missing_field"),
        Case(
            name: "manual minimum outside the major",
            body: Bodies.item([
                "versionEnforcement": #"{"mode":"manualMinimum","version":"15.7","deadlineDate":"2026-12-01"}"#
            ]), status: .unprocessableContent, field: "versionEnforcement.version", code: "wrongMajor"),
        Case(
            name: "unknown time zone", body: Bodies.item(["enforcementTimeZone": "\"Mars/Olympus\""]),
            status: .unprocessableContent, field: "enforcementTimeZone", code: "invalidTimeZone"),
        Case(
            name: "time 25:00", body: Bodies.item(["enforcementTime": "\"25:00\""]), status: .unprocessableContent,
            field: "enforcementTime", code: "invalidTime"),
        Case(
            name: "timeframe not in the list",
            body: Bodies.item(["versionEnforcement": #"{"mode":"automatic","timeframe":"tenDays"}"#]),
            status: .unprocessableContent, field: "versionEnforcement.timeframe", code: "invalidTimeframe"),
        Case(
            name: "grace period of 40 days", body: Bodies.item(["gracePeriodDays": "40"]),
            status: .unprocessableContent, field: "gracePeriodDays", code: "outOfRange"),
        Case(
            name: "exploited-CVE timeframe not in the list", body: Bodies.item(["exploitedCVETimeframe": "\"fortnight\""]),
            status: .unprocessableContent, field: "exploitedCVETimeframe", code: "invalidTimeframe"),
        Case(
            name: "exploited-CVE timeframe not shorter", body: Bodies.item(["exploitedCVETimeframe": "\"oneMonth\""]),
            status: .unprocessableContent, field: "exploitedCVETimeframe", code: "notShorter"),
        Case(
            name: "grace period as text", body: Bodies.item(["gracePeriodDays": "\"5\""]),
            status: .badRequest, field: "gracePeriodDays", code: "wrong_type"),
        Case(
            name: "details URL not https", body: Bodies.item(["detailsURL": "\"http://example.com/os\""]),
            status: .unprocessableContent, field: "detailsURL", code: "notHTTPS"),
        Case(
            name: "do not manage with continuous",
            body: Bodies.item(["versionEnforcement": #"{"mode":"doNotManage"}"#]), status: .unprocessableContent,
            field: "versionEnforcement", code: "doNotManageWithContinuous"),
        Case(
            name: "BSI time 24:61",
            body: Bodies.item(["bsiEnforcement": #"{"mode":"automatic","timeframe":"oneWeek","time":"24:61"}"#]),
            status: .unprocessableContent, field: "bsiEnforcement.time", code: "invalidTime"),
    ]

    @Test("a bad create body answers 4xx naming the field and changes nothing", arguments: cases)
    func badCreate(_ bad: Case) async throws {
        try await LibraryAPIHarness.run { api in
            let before = try api.snapshot()
            let reply = try await api.write(.post, "/v1/library-items", body: bad.body)
            #expect(reply.status == bad.status)
            #expect(reply.json["error"]["fields"][0]["field"].string == bad.field)
            #expect(reply.json["error"]["fields"][0]["code"].string == bad.code)
            #expect(try api.snapshot() == before)
        }
    }

    @Test("a bad update body answers 4xx naming the field and leaves the item as it was", arguments: cases)
    func badUpdate(_ bad: Case) async throws {
        try await LibraryAPIHarness.run { api in
            let created = try await api.write(.post, "/v1/library-items", body: Bodies.item())
            let id = try #require(created.json["item"]["id"].string)
            let before = try api.snapshot()
            let reply = try await api.write(.put, "/v1/library-items/\(id)", body: bad.body)
            #expect(reply.status == bad.status)
            #expect(reply.json["error"]["fields"][0]["field"].string == bad.field)
            #expect(try api.snapshot() == before)
        }
    }

    @Test("every validation problem is reported at once")
    func everyProblemAtOnce() async throws {
        try await LibraryAPIHarness.run { api in
            let body = Bodies.item([
                "enforcementTime": "\"25:00\"", "enforcementTimeZone": "\"Nowhere/City\"",
                "detailsURL": "\"ftp://example.com\"", "label": "\"  \"",
                "versionEnforcement": #"{"mode":"manualMinimum","version":"15.1","deadlineDate":"2026-12-01"}"#,
            ])
            let reply = try await api.write(.post, "/v1/library-items", body: body)
            #expect(reply.status == .unprocessableContent)
            #expect(
                Set(reply.json.errorFields)
                    == ["enforcementTime", "enforcementTimeZone", "detailsURL", "label", "versionEnforcement.version"])
        }
    }

    @Test("a body over 1 MiB answers 413 and changes nothing")
    func oversizeBody() async throws {
        try await LibraryAPIHarness.run { api in
            let before = try api.snapshot()
            let label = String(repeating: "x", count: (1 << 20) + 10)
            let reply = try await api.write(.post, "/v1/library-items", body: Bodies.item(label: label))
            #expect(reply.status == .contentTooLarge)
            #expect(try api.snapshot() == before)
        }
    }

    @Test("unknown ids answer 404 on read, update and delete and change nothing")
    func unknownIDs() async throws {
        try await LibraryAPIHarness.run { api in
            let before = try api.snapshot()
            let id = UUID().uuidString
            #expect(try await api.read("/v1/library-items/\(id)").status == .notFound)
            #expect(try await api.read("/v1/library-items/not-a-uuid").status == .notFound)
            let update = try await api.write(.put, "/v1/library-items/\(id)", body: Bodies.item())
            #expect(update.status == .notFound)
            #expect(update.json["error"]["code"].string == "not_found")
            #expect(try await api.write(.delete, "/v1/library-items/\(id)?force=true").status == .notFound)
            #expect(try api.snapshot() == before)
        }
    }
}
