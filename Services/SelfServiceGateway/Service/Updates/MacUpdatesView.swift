// MacUpdatesView: what a Mac must install and by when, as the menu-bar app shows it every day.

import Database
import Foundation
import ManagedOSDomain

/// `GET /v1/me/updates`: the declared OS enforcement and BSI enforcement from the Mac's plan (written by the
/// scheduler in `mac_plans`, read as a ``MacUpdatesSource``), with days remaining counted at the time of the
/// request.
struct MacUpdatesView: Codable, Sendable, Equatable {
    /// One thing to install.
    struct Update: Codable, Sendable, Equatable {
        /// `os` (an update or upgrade) or `bsi` (a Background Security Improvement).
        var kind: String
        /// `update`, `upgrade`, `selfService` or `backgroundSecurityImprovement`.
        var reason: String?
        var targetVersion: String?
        var targetBuild: String?
        /// The declared deadline as an instant (now for an overdue Mac).
        var deadline: Date?
        /// The deadline as the Mac's local wall-clock time (DDM `TargetLocalDateTime`).
        var deadlineLocal: String?
        /// `ceil((deadline − now) / 1 day)`, 0 once due.
        var daysRemaining: Int?
        /// Whether the deadline has come.
        var due: Bool
        /// Whether the update is already downloaded and prepared on the Mac.
        var cached: Bool
        var detailsURL: String?
    }

    /// Whether the scheduler has evaluated the Mac yet.
    var planned: Bool
    var evaluatedAt: Date?
    var compliance: String?
    var updates: [Update]

    /// The view for the Mac holding `credential` at `now`, read on `connection`; throws the 401 for an unknown
    /// or revoked credential.
    static func load(_ credential: MacCredential, now: Date, on connection: DatabaseConnection) throws -> MacUpdatesView
    {
        MacUpdatesView(try MacUpdatesSource.load(credential, on: connection), now: now)
    }

    /// The view of `source` at `now`: days remaining and whether each deadline has come are counted here.
    init(_ source: MacUpdatesSource, now: Date) {
        planned = source.planned
        evaluatedAt = source.evaluatedAt
        compliance = source.compliance
        var updates: [Update] = []
        if let os = source.os {
            let prepared =
                source.installState == "prepared"
                && (source.pendingOSVersion == nil || source.pendingOSVersion == os.targetVersion)
            updates.append(Update(kind: "os", os, now: now, cached: prepared || source.shouldNotify))
        }
        if let bsi = source.bsi {
            updates.append(Update(kind: "bsi", bsi, now: now, cached: false))
        }
        self.updates = updates
    }
}

extension MacUpdatesView.Update {
    /// `enforcement` as seen at `now`.
    init(kind: String, _ enforcement: MacUpdatesSource.Enforcement, now: Date, cached: Bool) {
        self.init(
            kind: kind, reason: enforcement.reason, targetVersion: enforcement.targetVersion,
            targetBuild: enforcement.targetBuild, deadline: enforcement.deadline,
            deadlineLocal: enforcement.deadlineLocal,
            daysRemaining: enforcement.deadline.map { DaysRemaining.count(until: $0, from: now) },
            due: enforcement.deadline.map { $0 <= now } ?? false, cached: cached, detailsURL: enforcement.detailsURL)
    }
}
