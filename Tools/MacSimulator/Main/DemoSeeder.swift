// DemoSeeder: creates the demo library (items, blueprints, an assignment map) and registers the demo fleet,
// all through library-api's HTTP API so every value is validated like an admin's.

import Foundation
import MacSimulation
import ManagedOSDomain
import NIOHTTP1

/// Seeds a fresh installation for the demo.
///
/// Items (every installation method and enforcement mode): macOS 26 continuous automatic two weeks with BSI
/// enforcement; macOS 26 Self Service, not managed; macOS 15 continuous automatic one week; macOS 15 continuous
/// manual minimum 15.7.9; macOS 14 Self Service automatic one month; macOS 13 continuous automatic one week
/// (legacy MDM commands). Blueprints: Engineering, Sales, Design (classic) and "Fleet by major" (an assignment
/// map); the fleet is spread over the four by `FleetMember.blueprintSlot`.
struct DemoSeeder: Sendable {
    let admin: AdminClient
    let fleet: FleetGenerator
    let macCount: Int
    let now: Date
    let concurrency: Int

    /// Creates everything and returns one line per created thing worth printing.
    func seed() async throws -> [String] {
        let deadline = Self.day(now.addingTimeInterval(14 * 86_400))
        func item(
            _ label: String, _ major: Int, _ method: String, _ enforcement: [String: Any], bsi: [String: Any]? = nil
        )
            async throws -> String
        {
            var body: [String: Any] = [
                "label": label, "major": major, "installationMethod": method, "versionEnforcement": enforcement,
                "enforcementTime": "09:00", "enforcementTimeZone": "Europe/Paris",
            ]
            if let bsi { body["bsiEnforcement"] = bsi }
            return try AdminClient.id(try await admin.json(.POST, "/v1/library-items", body, expect: 201), in: "item")
        }
        let tahoe = try await item(
            "macOS 26 (automatic, 2 weeks)", 26, "continuous", ["mode": "automatic", "timeframe": "twoWeeks"],
            bsi: ["mode": "automatic", "timeframe": "oneWeek", "time": "10:00"])
        let tahoeSelfService = try await item("macOS 26 Self Service", 26, "selfService", ["mode": "doNotManage"])
        let sequoia = try await item(
            "macOS 15 (automatic, 1 week)", 15, "continuous", ["mode": "automatic", "timeframe": "oneWeek"])
        let sequoiaMinimum = try await item(
            "macOS 15 (minimum 15.7.9)", 15, "continuous",
            ["mode": "manualMinimum", "version": "15.7.9", "deadlineDate": deadline])
        let sonoma = try await item(
            "macOS 14 Self Service (automatic, 1 month)", 14, "selfService",
            ["mode": "automatic", "timeframe": "oneMonth"])
        let ventura = try await item(
            "macOS 13 (legacy, automatic, 1 week)", 13, "continuous", ["mode": "automatic", "timeframe": "oneWeek"])

        func blueprint(_ name: String, _ items: [String]) async throws -> String {
            let id = try AdminClient.id(
                try await admin.json(
                    .POST, "/v1/blueprints", ["name": name, "description": "Demo fleet"], expect: 201),
                in: "blueprint")
            for item in items { try await admin.json(.PUT, "/v1/blueprints/\(id)/items/\(item)", expect: 200) }
            return id
        }
        let engineering = try await blueprint("Engineering", [tahoe, sequoia, ventura])
        let sales = try await blueprint("Sales", [tahoeSelfService, sequoiaMinimum, sonoma, ventura])
        let design = try await blueprint("Design", [sequoia, sonoma])
        let map = try AdminClient.id(
            try await admin.json(
                .POST, "/v1/assignment-maps",
                [
                    "name": "Fleet by major", "description": "Demo fleet: items chosen by the Mac's major and tags",
                    "root": [
                        "itemIds": [String](),
                        "children": [
                            ["conditions": [["attribute": "tag", "anyOf": ["pilot"]]], "itemIds": [tahoe, sequoia]],
                            [
                                "conditions": [["attribute": "currentMajor", "anyOf": [13, 14]]],
                                "itemIds": [ventura, sonoma],
                            ],
                            [
                                "conditions": [["attribute": "currentMajor", "anyOf": [15, 26]]],
                                "itemIds": [sequoiaMinimum, tahoeSelfService],
                            ],
                        ],
                    ],
                ], expect: 201),
            in: "assignmentMap")
        let blueprints = [engineering, sales, design, map]

        // Register the fleet, `concurrency` requests at a time.
        let client = admin
        let generator = fleet
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<macCount {
                if index >= concurrency { _ = try await group.next() }
                let member = generator.member(index)
                var body: [String: Any] = [
                    "enrollmentId": member.enrollmentID, "serialNumber": member.serialNumber,
                    "modelIdentifier": member.modelIdentifier, "blueprintId": blueprints[member.blueprintSlot % 4],
                    "tags": member.tags, "timeZone": member.timeZone,
                    "assignedUser": "user\(index + 1)@example.com",
                ]
                if let board = member.boardID { body["boardId"] = board }
                let sendable = SendableBody(body)
                group.addTask { _ = try await client.json(.POST, "/v1/devices", sendable.value, expect: 201) }
            }
            try await group.waitForAll()
        }
        return [
            "items: 6 (macOS 26 continuous and Self Service, 15 automatic and minimum, 14 Self Service, 13 legacy)",
            "blueprints: Engineering, Sales, Design, assignment map \"Fleet by major\"",
            "Macs registered: \(macCount) (\(fleet.prefix)00001 …)",
        ]
    }

    /// `yyyy-MM-dd` of an instant in UTC.
    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}

/// A JSON body handed to a child task (its values are plain strings, numbers and arrays).
struct SendableBody: @unchecked Sendable {
    let value: [String: Any]
    init(_ value: [String: Any]) { self.value = value }
}
