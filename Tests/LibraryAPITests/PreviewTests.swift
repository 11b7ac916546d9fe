// PreviewTests: POST /v1/library-items/preview and /{id}/preview on a fleet of 340 Macs whose answers the
// test knows from how it built them; nothing is saved.

import Database
import Foundation
import HTTPTypes
import ManagedOSDomain
import TestSupport
import Testing

@testable import LibraryAPIService

@Suite("Item preview", .enabled(if: TestDatabase.isEnabled))
struct PreviewTests {
    /// A fleet of 300 Macs in blueprint "Target" and 40 in "Other", in groups of known standing against a
    /// continuous macOS 26 item with manual minimum 26.3.
    struct Fleet {
        var target: String
        var other: String
        /// Status → Macs of "Target" with it when the deadline is ahead.
        var expectedAhead: [ComplianceStatus: Int]
        /// Macs below 26.3 that the item can reach (26.x, or 15.x on hardware that runs 26), any blueprint.
        var belowMinimumReachable: Int
    }

    static func makeFleet(_ api: LibraryAPIHarness) async throws -> Fleet {
        let target = try #require(try await api.write(.post, "/v1/blueprints", body: #"{"name":"Target"}"#).json["id"].string)
        let other = try #require(try await api.write(.post, "/v1/blueprints", body: #"{"name":"Other"}"#).json["id"].string)
        let board = FleetSeeder.boardSupporting(major: 26)
        let intel = FleetSeeder.boardSupporting(major: 15, butNot: 26)
        var macs: [FleetSeeder.Mac] = []
        var expected: [ComplianceStatus: Int] = [:]
        var below = 0
        func group(
            _ count: Int, _ status: ComplianceStatus?, blueprint: String, version: String?, board: String,
            zone: String? = nil, installState: String? = nil, failures: Int = 0, reportAge: TimeInterval = 3600
        ) {
            for _ in 0..<count {
                macs.append(
                    FleetSeeder.Mac(
                        enrollmentID: "mac-\(macs.count)", blueprintID: UUID(uuidString: blueprint), boardID: board,
                        timeZone: zone, osVersion: version, installState: installState, failureCount: failures,
                        failureReason: failures > 0 ? "download failed" : nil,
                        lastReportAt: LibraryAPIHarness.now.addingTimeInterval(-reportAge)))
            }
            if let status { expected[status, default: 0] += count }
            if let version, let parsed = try? OSVersion(parsing: version), parsed < (try! OSVersion(parsing: "26.3")),
                parsed.major == 26 || board != intel
            {
                below += count
            }
        }
        group(90, .pending, blueprint: target, version: "26.0.1", board: board)
        group(10, .pending, blueprint: target, version: "26.1", board: board, zone: "America/New_York")
        group(30, .compliant, blueprint: target, version: "26.3", board: board)
        group(30, .compliant, blueprint: target, version: "26.4", board: board)
        group(20, .failed, blueprint: target, version: "26.1", board: board, failures: 2)
        group(20, .inProgress, blueprint: target, version: "26.1", board: board, installState: "downloading")
        group(30, .unknown, blueprint: target, version: "26.1", board: board, reportAge: 20 * 86_400)
        group(30, .unsupported, blueprint: target, version: "15.7", board: intel)
        group(20, .pending, blueprint: target, version: "15.7", board: board)
        group(20, .unknown, blueprint: target, version: nil, board: board)
        group(40, nil, blueprint: other, version: "26.0.1", board: board)
        try FleetSeeder.insert(macs, on: try DatabaseConnectionFactory.connect(api))
        return Fleet(target: target, other: other, expectedAhead: expected, belowMinimumReachable: below)
    }

    static func body(deadline: String, blueprints: [String]?) -> String {
        var overrides = [
            "versionEnforcement": #"{"mode":"manualMinimum","version":"26.3","deadlineDate":"\#(deadline)"}"#
        ]
        if let blueprints { overrides["blueprintIds"] = "[" + blueprints.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
        return Bodies.item(overrides)
    }

    static func counts(_ value: JSONValue) -> [ComplianceStatus: Int] {
        var result: [ComplianceStatus: Int] = [:]
        for status in ComplianceStatus.allCases { if let n = value[status.rawValue].int, n > 0 { result[status] = n } }
        return result
    }

    @Test("a new item's preview counts what the fleet's construction says, with earliest and latest deadline")
    func newItemKnownAnswers() async throws {
        try await LibraryAPIHarness.run { api in
            let fleet = try await Self.makeFleet(api)
            let before = try api.snapshot()
            let reply = try await api.write(
                .post, "/v1/library-items/preview", body: Self.body(deadline: "2026-09-15", blueprints: [fleet.target]))
            #expect(reply.status == .ok)
            let answer = reply.json
            #expect(answer["reachedMacCount"].int == 300)
            #expect(Self.counts(answer["counts"]) == fleet.expectedAhead)
            #expect(answer["overdueNowCount"].int == 0)
            // 09:00 in Berlin (CEST) for Macs of unknown zone; 09:00 in New York (EDT) for the 10 that have one.
            #expect(answer["earliestDeadline"].string == "2026-09-15T07:00:00Z")
            #expect(answer["latestDeadline"].string == "2026-09-15T13:00:00Z")
            #expect(answer["warnings"].array.isEmpty)
            #expect(answer["catalogSource"].string == "bundledSnapshot")
            #expect(try api.snapshot() == before)
        }
    }

    @Test("a deadline in the past makes the pending Macs overdue now and warns with the Macs it forces")
    func pastDeadline() async throws {
        try await LibraryAPIHarness.run { api in
            let fleet = try await Self.makeFleet(api)
            let answer = try await api.write(
                .post, "/v1/library-items/preview", body: Self.body(deadline: "2026-08-01", blueprints: [fleet.target])
            ).json
            var expected = fleet.expectedAhead
            expected[.overdue] = expected.removeValue(forKey: .pending)
            #expect(Self.counts(answer["counts"]) == expected)
            #expect(answer["overdueNowCount"].int == 120)
            #expect(answer["earliestDeadline"].string == "2026-08-01T07:00:00Z")
            #expect(answer["warnings"][0]["code"].string == "manualDeadlineTooSoon")
            #expect(answer["warnings"][0]["affectedMacCount"].int == fleet.belowMinimumReachable)
            #expect(fleet.belowMinimumReachable == 230)
        }
    }

    @Test("an existing item's preview uses its assignment, or the proposed blueprints instead, and saves nothing")
    func existingItem() async throws {
        try await LibraryAPIHarness.run { api in
            let fleet = try await Self.makeFleet(api)
            let created = try await api.write(.post, "/v1/library-items", body: Self.body(deadline: "2026-09-15", blueprints: nil))
            let id = try #require(created.json["item"]["id"].string)
            _ = try await api.write(.put, "/v1/blueprints/\(fleet.target)/items/\(id)")
            let before = try api.snapshot()

            let same = try await api.write(.post, "/v1/library-items/\(id)/preview", body: Self.body(deadline: "2026-08-01", blueprints: nil)).json
            #expect(same["reachedMacCount"].int == 300)
            #expect(same["overdueNowCount"].int == 120)
            // The stored item enforced something already, so no first-enforcement warning.
            #expect(same["warnings"].array.isEmpty)

            let moved = try await api.write(
                .post, "/v1/library-items/\(id)/preview", body: Self.body(deadline: "2026-08-01", blueprints: [fleet.other])
            ).json
            #expect(moved["reachedMacCount"].int == 40)
            #expect(Self.counts(moved["counts"]) == [.overdue: 40])
            #expect(try api.snapshot() == before)
            #expect(try await api.read("/v1/library-items/\(id)").json["versionEnforcement"]["deadlineDate"].string == "2026-09-15")
        }
    }

    @Test("bad preview input answers 4xx naming the field")
    func badInput() async throws {
        try await LibraryAPIHarness.run { api in
            let unknown = UUID().uuidString
            let before = try api.snapshot()
            let blueprint = try await api.write(.post, "/v1/library-items/preview", body: Self.body(deadline: "2026-09-15", blueprints: [unknown]))
            #expect(blueprint.status == .unprocessableContent)
            #expect(blueprint.json.errorFields == ["blueprintIds[0]"])
            let time = try await api.write(.post, "/v1/library-items/preview", body: Bodies.item(["enforcementTime": "\"25:00\""]))
            #expect(time.json.errorFields == ["enforcementTime"])
            let wrong = try await api.write(.post, "/v1/library-items/preview", body: Bodies.item(["blueprintIds": "[1]"]))
            #expect(wrong.status == .badRequest)
            #expect(wrong.json.errorFields == ["blueprintIds[0]"])
            #expect(try await api.write(.post, "/v1/library-items/\(unknown)/preview", body: Bodies.item()).status == .notFound)
            #expect(try api.snapshot() == before)
        }
    }
}
