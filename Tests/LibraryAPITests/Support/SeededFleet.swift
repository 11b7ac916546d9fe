// SeededFleet: a small fleet with one Managed OS item, plans written by the domain evaluator, and the
// compliance each Mac must have by construction.

import Database
import Foundation
import HTTPTypes
import ManagedOSDomain
import TestSupport

/// One blueprint "Fleet" with a continuous macOS 26 item (manual minimum 26.3, due 2026-09-15 09:00
/// Europe/Berlin), Macs of known standing, and their plans.
struct SeededFleet: Sendable {
    var itemID: String
    var blueprintID: String
    /// Enrollment id → the compliance the Mac has by construction.
    var expected: [String: ComplianceStatus]
    /// Enrollment id → reported OS version (nil: never reported).
    var versions: [String: String?]
    /// Enrollment id → device id.
    var deviceIDs: [String: UUID]

    /// The deadline's instant: 2026-09-15 09:00 in Berlin (CEST, UTC+2).
    static let deadline = Date(timeIntervalSince1970: 1_789_455_600)

    /// Creates the item and blueprint through the API, seeds the Macs and writes their plans.
    static func make(_ api: LibraryAPIHarness, withPlans: Bool = true) async throws -> SeededFleet {
        let item = try await api.write(
            .post, "/v1/library-items",
            body: Bodies.item([
                "versionEnforcement": #"{"mode":"manualMinimum","version":"26.3","deadlineDate":"2026-09-15"}"#
            ]))
        let itemID = item.json["item"]["id"].string!
        let blueprint = try await api.write(.post, "/v1/blueprints", body: #"{"name":"Fleet","itemIds":["\#(itemID)"]}"#)
        let blueprintID = blueprint.json["id"].string!
        let board = FleetSeeder.boardSupporting(major: 26)
        let intel = FleetSeeder.boardSupporting(major: 15, butNot: 26)
        let bp = UUID(uuidString: blueprintID)
        var macs: [FleetSeeder.Mac] = []
        var expected: [String: ComplianceStatus] = [:]
        func add(_ name: String, _ status: ComplianceStatus, _ mac: FleetSeeder.Mac) {
            var mac = mac
            mac.enrollmentID = name
            mac.blueprintID = bp
            macs.append(mac)
            expected[name] = status
        }
        add("a-pending-1", .pending, .init(enrollmentID: "", boardID: board, osVersion: "26.0.1"))
        add("a-pending-2", .pending, .init(enrollmentID: "", boardID: board, osVersion: "26.1"))
        add("b-compliant-1", .compliant, .init(enrollmentID: "", boardID: board, osVersion: "26.3"))
        add("b-compliant-2", .compliant, .init(enrollmentID: "", boardID: board, osVersion: "26.4"))
        add(
            "c-failed", .failed,
            .init(enrollmentID: "", boardID: board, osVersion: "26.1", failureCount: 2, failureReason: "=SUM(A1), \"no space\""))
        add("d-progress", .inProgress, .init(enrollmentID: "", boardID: board, osVersion: "26.1", installState: "downloading"))
        add(
            "e-stale", .unknown,
            .init(enrollmentID: "", boardID: board, osVersion: "26.1", lastReportAt: LibraryAPIHarness.now.addingTimeInterval(-20 * 86_400)))
        add("f-intel", .unsupported, .init(enrollmentID: "", boardID: intel, osVersion: "15.7"))
        add("g-upgrade", .pending, .init(enrollmentID: "", boardID: board, osVersion: "15.7"))
        add("h-silent", .unknown, .init(enrollmentID: "", boardID: board))
        let connection = try DatabaseConnection.connect(api.database.configuration)
        try FleetSeeder.insert(macs, on: connection)
        if withPlans { try FleetSeeder.writePlans(on: connection) }
        return SeededFleet(
            itemID: itemID, blueprintID: blueprintID, expected: expected,
            versions: Dictionary(uniqueKeysWithValues: macs.map { ($0.enrollmentID, $0.osVersion) }),
            deviceIDs: Dictionary(uniqueKeysWithValues: macs.map { ($0.enrollmentID, $0.id) }))
    }

    /// How many Macs have each status by construction.
    var expectedCounts: [ComplianceStatus: Int] { expected.values.reduce(into: [:]) { $0[$1, default: 0] += 1 } }
}
