// ComplianceTests: fleet-wide compliance counts (per item, blueprint, exact version), per-Mac rows with
// paging, the CSV export, and the summary cache.

import Database
import Foundation
import HTTPTypes
import ManagedOSDomain
import TestSupport
import Testing

@testable import LibraryAPIService

@Suite("Compliance views", .enabled(if: TestDatabase.isEnabled))
struct ComplianceTests {
    static func counts(_ value: JSONValue) -> [ComplianceStatus: Int] {
        var result: [ComplianceStatus: Int] = [:]
        for status in ComplianceStatus.allCases { if let n = value[status.rawValue].int, n > 0 { result[status] = n } }
        return result
    }

    @Test("the summary counts every Mac by its plan's compliance, per item, blueprint and exact version")
    func summary() async throws {
        try await LibraryAPIHarness.run { api in
            let fleet = try await SeededFleet.make(api)
            // One more Mac without a blueprint that never reported.
            try FleetSeeder.insert(
                [FleetSeeder.Mac(enrollmentID: "z-loose")], on: try DatabaseConnectionFactory.connect(api))
            let summary = try await api.read("/v1/compliance/summary").json
            var overall = fleet.expectedCounts
            overall[.unknown, default: 0] += 1
            #expect(Self.counts(summary["overall"]) == overall)
            #expect(summary["totalMacs"].int == 11)
            // Every status is present, zero or not.
            #expect(summary["overall"]["unmanaged"].int == 0)

            let item = try #require(summary["perItem"].array.first { $0["itemId"].string == fleet.itemID.uppercased() })
            // The item reaches all 10 Macs of the blueprint (the silent one through its blueprint, as unknown).
            #expect(Self.counts(item["counts"]) == fleet.expectedCounts)
            #expect(item["total"].int == 10)

            let blueprints = summary["perBlueprint"].array
            let inFleet = try #require(blueprints.first { $0["name"].string == "Fleet" })
            #expect(Self.counts(inFleet["counts"]) == fleet.expectedCounts)
            let none = try #require(blueprints.first { $0["blueprintId"] == .null })
            #expect(Self.counts(none["counts"]) == [.unknown: 1])

            var byVersion: [String: [ComplianceStatus: Int]] = [:]
            for (name, status) in fleet.expected {
                byVersion[(fleet.versions[name] ?? nil) ?? "-", default: [:]][status, default: 0] += 1
            }
            byVersion["-", default: [:]][.unknown, default: 0] += 1
            let versions = summary["perVersion"].array
            #expect(versions.map { $0["osVersion"].string ?? "-" } == ["26.4", "26.3", "26.1", "26.0.1", "15.7", "-"])
            for entry in versions {
                #expect(Self.counts(entry["counts"]) == byVersion[entry["osVersion"].string ?? "-"])
            }
        }
    }

    @Test("per-Mac rows show state, target, deadline, days remaining and failure reason, filtered and paged")
    func rows() async throws {
        try await LibraryAPIHarness.run { api in
            let fleet = try await SeededFleet.make(api)
            let all = try await api.read("/v1/compliance/macs?item=\(fleet.itemID)").json["items"].array
            #expect(all.compactMap { $0["enrollmentId"].string } == fleet.expected.keys.sorted())
            for row in all {
                #expect(row["state"].string == fleet.expected[row["enrollmentId"].string!]?.rawValue)
            }
            let pending = try await api.read("/v1/compliance/macs?state=pending").json["items"].array
            #expect(pending.compactMap { $0["enrollmentId"].string } == ["a-pending-1", "a-pending-2", "g-upgrade"])
            #expect(pending[0]["deadline"].string == "2026-09-15T07:00:00Z")
            #expect(pending[0]["daysRemaining"].int == 24)
            #expect(pending[0]["targetVersion"].string != nil)
            let failed = try await api.read("/v1/compliance/macs?state=failed").json["items"][0]
            #expect(failed["failureReason"].string == "=SUM(A1), \"no space\"")
            let version = try await api.read("/v1/compliance/macs?osVersion=26.1").json["items"].array
            #expect(version.count == 4)

            var seen: [String] = []
            var cursor: String? = nil
            repeat {
                let page = try await api.read("/v1/compliance/macs?limit=4" + (cursor.map { "&cursor=\($0)" } ?? "")).json
                seen += page["items"].array.compactMap { $0["enrollmentId"].string }
                cursor = page["nextCursor"].string
            } while cursor != nil && seen.count < 100
            #expect(seen == fleet.expected.keys.sorted())
            #expect(try await api.read("/v1/compliance/macs?state=bad").json.errorFields == ["state"])
            #expect(try await api.read("/v1/compliance/macs?limit=1000").json.errorFields == ["limit"])
        }
    }

    @Test("the listing's rows as PostgreSQL writes them are the rows the API's encoder writes, field for field")
    func databaseJSONMatchesEncoder() async throws {
        try await LibraryAPIHarness.run { api in
            let fleet = try await SeededFleet.make(api)
            let connection = try DatabaseConnectionFactory.connect(api)
            // A serial number that needs escaping, and a last report with fractional seconds.
            try connection.execute(
                "UPDATE devices SET serial_number = $1 WHERE enrollment_id = 'a-pending-1'", ["C02\"é/\\\u{1}"])
            try connection.execute(
                "UPDATE device_status SET last_received_at = '2026-08-22 10:15:30.987654+00' "
                    + "WHERE device_id = (SELECT id FROM devices WHERE enrollment_id = 'a-pending-1')")
            let filter = ComplianceQueries.Filter(itemID: nil, blueprintID: nil, state: nil, osVersion: nil)
            let typed = try ComplianceQueries.rows(filter, after: nil, limit: nil, on: connection)
            let written = try ComplianceQueries.rowsJSON(filter, after: nil, limit: 1_000, on: connection)
            #expect(typed.count == fleet.expected.count)
            #expect(written.map(\.enrollmentID) == typed.map(\.enrollmentId))
            var fieldsSeen: Set<String> = []
            for (row, text) in zip(typed, written.map(\.json)) {
                let encoded = try JSONDecoder().decode(JSONValue.self, from: try JSONBody.encoder.encode(row))
                let fromDatabase = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
                #expect(fromDatabase == encoded, "\(row.enrollmentId)")
                if case .object(let fields) = fromDatabase { fieldsSeen.formUnion(fields.keys) }
            }
            // Every field of a row occurred somewhere, so each was compared at least once.
            #expect(fieldsSeen == [
                "blueprintId", "daysRemaining", "deadline", "deadlineLocal", "deviceId", "enrollmentId", "failureReason",
                "lastReportAt", "osVersion", "serialNumber", "state", "targetBuild", "targetVersion",
            ])
        }
    }

    @Test("the CSV export holds the same rows, quoted, with formulas neutralised")
    func csv() async throws {
        try await LibraryAPIHarness.run { api in
            let fleet = try await SeededFleet.make(api)
            try api.database.query(
                "UPDATE devices SET serial_number = 'C02,\"X\"' WHERE enrollment_id = 'a-pending-1'")
            let reply = try await api.send(.get, "/v1/compliance/macs.csv", token: api.readToken)
            #expect(reply.status == .ok)
            let text = String(decoding: reply.data, as: UTF8.self)
            let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.first == ComplianceCSV.header.joined(separator: ","))
            #expect(lines.count == fleet.expected.count + 1)
            let first = lines[1]
            #expect(first.hasPrefix("a-pending-1,\"C02,\"\"X\"\"\","))
            #expect(first.contains(",pending,"))
            #expect(first.contains("2026-09-15T07:00:00Z"))
            let failed = try #require(lines.first { $0.hasPrefix("c-failed,") })
            #expect(failed.contains(",failed,"))
            #expect(failed.contains("\"'=SUM(A1), \"\"no space\"\"\""))
            let filtered = try await api.send(.get, "/v1/compliance/macs.csv?state=compliant", token: api.readToken)
            #expect(String(decoding: filtered.data, as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 3)
        }
    }

    @Test("with a maximum age the summary is served from the cache until it expires")
    func summaryCache() async throws {
        try await LibraryAPIHarness.run(summaryMaxAge: .seconds(300)) { api in
            let first = try await api.read("/v1/compliance/summary").json
            #expect(first["totalMacs"].int == 0)
            try FleetSeeder.insert([FleetSeeder.Mac(enrollmentID: "late")], on: try DatabaseConnectionFactory.connect(api))
            let second = try await api.read("/v1/compliance/summary").json
            #expect(second["totalMacs"].int == 0)
            #expect(second["generatedAt"] == first["generatedAt"])
        }
    }

    @Test("with changes watched the cached summary follows a registered Mac, and is not recomputed otherwise")
    func summaryFollowsChanges() async throws {
        try await LibraryAPIHarness.run(summaryMaxAge: .seconds(5), watchesChanges: true) { api in
            for _ in 0..<600 where await !api.service.summaryCache.isWatchingChanges {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(await api.service.summaryCache.isWatchingChanges)
            #expect(try await api.read("/v1/compliance/summary").json["totalMacs"].int == 0)
            // A write without a bus event (no product writer does that) stays unseen past a fifth of the maximum
            // age, when an unwatched cache would have refreshed: nothing announced a change.
            try FleetSeeder.insert([FleetSeeder.Mac(enrollmentID: "silent")], on: try DatabaseConnectionFactory.connect(api))
            try await Task.sleep(for: .milliseconds(1_500))
            #expect(try await api.read("/v1/compliance/summary").json["totalMacs"].int == 0)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await api.read("/v1/compliance/summary").json["totalMacs"].int == 0)
            // Registering through the API publishes a `device` event: the summary is refreshed and counts both.
            _ = try await api.write(.post, "/v1/devices", body: #"{"enrollmentId":"announced"}"#)
            var total = 0
            for _ in 0..<100 where total != 2 {
                try await Task.sleep(for: .milliseconds(100))
                total = try await api.read("/v1/compliance/summary").json["totalMacs"].int ?? 0
            }
            #expect(total == 2)
        }
    }
}
