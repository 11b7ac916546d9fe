// DeviceDetailTests: device listing filters (major, compliance) and paging, the per-Mac plan and status
// views (with status-ingest's parse errors), and the MDM command outbox.

import Database
import Foundation
import HTTPTypes
import ManagedOSDomain
import TestSupport
import Testing

@testable import LibraryAPIService

@Suite("Device details, filters and paging", .enabled(if: TestDatabase.isEnabled))
struct DeviceDetailTests {
    @Test("devices filter by reported major and by compliance; Macs without a plan are unknown")
    func filters() async throws {
        try await LibraryAPIHarness.run { api in
            let fleet = try await SeededFleet.make(api)
            let on26 = try await api.read("/v1/devices?major=26").json["items"].array
            let expected26 = fleet.versions.filter { $0.value?.hasPrefix("26.") == true }.keys.sorted()
            #expect(on26.compactMap { $0["enrollmentId"].string } == expected26)
            #expect(on26.allSatisfy { $0["osVersion"].string?.hasPrefix("26.") == true })
            for status in ComplianceStatus.allCases {
                let listed = try await api.read("/v1/devices?compliance=\(status.rawValue)").json["items"].array
                let expected = fleet.expected.filter { $0.value == status }.keys.sorted()
                #expect(listed.compactMap { $0["enrollmentId"].string } == expected, "\(status)")
            }
            let both = try await api.read("/v1/devices?major=26&compliance=pending").json["items"].array
            #expect(both.compactMap { $0["enrollmentId"].string } == ["a-pending-1", "a-pending-2"])
            let bad = try await api.read("/v1/devices?compliance=great")
            #expect(bad.status == .badRequest)
            #expect(bad.json.errorFields == ["compliance"])
            #expect(try await api.read("/v1/devices?major=x").json.errorFields == ["major"])
        }
    }

    @Test("device pages walk every Mac once, in order, with an opaque cursor; limit is 1 to 500")
    func paging() async throws {
        try await LibraryAPIHarness.run { api in
            let fleet = try await SeededFleet.make(api, withPlans: false)
            var seen: [String] = []
            var cursor: String? = nil
            var pages = 0
            repeat {
                let reply = try await api.read("/v1/devices?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(reply.status == .ok)
                let items = reply.json["items"].array
                #expect(items.count <= 3)
                seen += items.compactMap { $0["enrollmentId"].string }
                cursor = reply.json["nextCursor"].string
                pages += 1
            } while cursor != nil && pages < 10
            #expect(seen == fleet.expected.keys.sorted())
            #expect(pages == 4)
            #expect(try await api.read("/v1/devices?limit=501").json.errorFields == ["limit"])
            #expect(try await api.read("/v1/devices?limit=0").json.errorFields == ["limit"])
            #expect(try await api.read("/v1/devices?cursor=%%%").json.errorFields == ["cursor"])
            #expect(try await api.read("/v1/devices?limit=500").json["items"].array.count == 10)
        }
    }

    @Test("the plan view shows the scheduler's plan: target, deadline, days remaining, compliance, last report")
    func planView() async throws {
        try await LibraryAPIHarness.run { api in
            let fleet = try await SeededFleet.make(api)
            let id = fleet.deviceIDs["a-pending-1"]!
            let reply = try await api.read("/v1/devices/\(id.uuidString)/plan")
            #expect(reply.status == .ok)
            let view = reply.json
            #expect(view["hasPlan"] == .bool(true))
            #expect(view["compliance"].string == "pending")
            let board = FleetSeeder.boardSupporting(major: 26)
            let target = LibraryAPIHarness.catalog.latestApproved(
                major: 26, for: MacHardware(boardID: board), at: LibraryAPIHarness.now)
            #expect(view["declaredTarget"]["version"].string == target?.version.description)
            #expect(view["declaredTarget"]["targetLocalDateTime"].string == "2026-09-15T09:00:00")
            #expect(view["declaredTarget"]["deadline"].string == "2026-09-15T07:00:00Z")
            // 2026-08-22 12:00Z → 2026-09-15 07:00Z is 23.8 days: 24 days remaining.
            #expect(view["daysRemaining"].int == 24)
            #expect(view["lastReportAt"].string == "2026-08-22T11:00:00Z")
            #expect(view["plan"]["obligations"][0]["sourceItemID"].string == fleet.itemID.uppercased())

            let silent = try await api.read("/v1/devices/\(fleet.deviceIDs["h-silent"]!.uuidString)/plan").json
            #expect(silent["hasPlan"] == .bool(false))
            #expect(silent["compliance"].string == "unknown")
            #expect(try await api.read("/v1/devices/\(UUID().uuidString)/plan").status == .notFound)
        }
    }

    @Test("the status view shows current items, recent history and status-ingest's parse errors")
    func statusView() async throws {
        try await LibraryAPIHarness.run { api in
            let fleet = try await SeededFleet.make(api, withPlans: false)
            let id = fleet.deviceIDs["a-pending-1"]!
            try api.database.query(
                """
                INSERT INTO device_status_history (sequence, device_id, received_at, full_report, applied, relevant, items)
                VALUES (1001, $1::uuid, now() - interval '2 hours', true, true, true, '{"device.operating-system.version":"26.0"}'),
                       (1002, $1::uuid, now() - interval '1 hour', false, true, true, '{"device.operating-system.version":"26.0.1"}');
                """, [id])
            try api.database.query(
                """
                INSERT INTO status_parse_errors (device_id, sequence, received_at, item, message)
                VALUES ($1::uuid, 1002, now(), 'softwareupdate.failure-reason', 'count must be an integer')
                """, [id])
            let view = try await api.read("/v1/devices/\(id.uuidString)/status").json
            #expect(view["osVersion"].string == "26.0.1")
            #expect(view["statusItems"]["device.operating-system.version"].string == "26.0.1")
            #expect(view["recentHistory"].array.map { $0["sequence"].int } == [1002, 1001])
            #expect(view["parseErrors"][0]["item"].string == "softwareupdate.failure-reason")
            #expect(view["parseErrors"][0]["message"].string == "count must be an integer")
            let limited = try await api.read("/v1/devices/\(id.uuidString)/status?historyLimit=1").json
            #expect(limited["recentHistory"].array.count == 1)
            let silent = try await api.read("/v1/devices/\(fleet.deviceIDs["h-silent"]!.uuidString)/status").json
            #expect(silent["statusItems"] == .object([:]))
            #expect(silent["lastReportAt"] == .null)
            #expect(try await api.read("/v1/devices/\(id.uuidString)/status?historyLimit=0").status == .badRequest)
        }
    }

    @Test("queued MDM commands are listed per Mac and fleet-wide, filtered by state and paged")
    func commands() async throws {
        try await LibraryAPIHarness.run { api in
            let fleet = try await SeededFleet.make(api, withPlans: false)
            let a = fleet.deviceIDs["a-pending-1"]!, b = fleet.deviceIDs["a-pending-2"]!
            try api.database.query(
                """
                INSERT INTO command_outbox (device_id, enrollment_id, request_type, payload, state, last_error)
                VALUES ($1::uuid, 'a-pending-1', 'DeclarativeManagement', '<plist/>', 'queued', 'no MDM API configured'),
                       ($1::uuid, 'a-pending-1', 'ScheduleOSUpdate', '<plist/>', 'delivered', NULL),
                       ($2::uuid, 'a-pending-2', 'DeclarativeManagement', '<plist/>', 'queued', NULL),
                       ($2::uuid, 'a-pending-2', 'DeclarativeManagement', '<plist/>', 'failed', 'HTTP 500')
                """, [a, b])
            let queued = try await api.read("/v1/commands?state=queued").json["items"].array
            #expect(queued.compactMap { $0["enrollmentId"].string } == ["a-pending-1", "a-pending-2"])
            #expect(queued[0]["lastError"].string == "no MDM API configured")
            #expect(queued[0]["payload"] == .null)
            let mine = try await api.read("/v1/devices/\(a.uuidString)/commands").json["items"].array
            #expect(mine.compactMap { $0["requestType"].string } == ["DeclarativeManagement", "ScheduleOSUpdate"])
            let page = try await api.read("/v1/commands?limit=3").json
            #expect(page["items"].array.count == 3)
            let cursor = try #require(page["nextCursor"].string)
            let rest = try await api.read("/v1/commands?limit=3&cursor=\(cursor)").json
            #expect(rest["items"].array.compactMap { $0["state"].string } == ["failed"])
            #expect(rest["nextCursor"] == .null)
            #expect(try await api.read("/v1/commands?state=lost").json.errorFields == ["state"])
        }
    }
}
