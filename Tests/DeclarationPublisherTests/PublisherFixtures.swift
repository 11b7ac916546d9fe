// PublisherFixtures: plans, Macs and declaration sets for the declaration-publisher tests.

import DeclarativeManagement
import Foundation
import ManagedOSDomain

/// Builders for test plans, targets and sets.
enum PublisherFixtures {
    static let itemID = UUID(uuidString: "AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE")!
    static let evaluatedAt = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
    static let zone = PlanTimeZone(identifier: "Europe/Berlin", source: .mac)

    /// An item for `major`, optionally enforcing BSIs.
    static func item(major: Int = 15, bsi: Bool = false) -> ManagedOSItem {
        ManagedOSItem(
            id: itemID, label: "macOS \(major)", major: major, installationMethod: .continuous,
            versionEnforcement: .automatic(timeframe: .twoWeeks), enforcementTime: EnforcementTime(hour: 9, minute: 0)!,
            enforcementTimeZone: "Europe/Berlin",
            bsiEnforcement: bsi ? .automatic(timeframe: .oneWeek, time: EnforcementTime(hour: 10, minute: 0)!) : .none,
            detailsURL: "https://it.example.com/macos")
    }

    /// A declared enforcement of `version` due `deadline`.
    static func enforcement(
        _ version: String, build: String? = nil, deadline: String = "2026-01-15T09:00:00",
        reason: OSObligation.Reason = .update, channel: DeclaredEnforcement.Channel = .declarative
    ) -> DeclaredEnforcement {
        let target = try! OSVersion(parsing: version)
        let local = LocalDateTime(targetLocalDateTime: deadline)!
        let instant = Date(timeIntervalSince1970: TimeInterval(local.wallClockSeconds - 3600))
        let obligation = OSObligation(
            reason: reason, sourceItemID: itemID, major: target.major, targetVersion: target,
            targetBuild: build.map { OSBuild(unchecked: $0) }, floor: target, dueRelease: target,
            dueReleaseDate: local.date, deadline: local, deadlineInstant: instant, isOverdue: false, timeZone: zone)
        return DeclaredEnforcement(
            obligation: obligation, targetVersion: target, targetBuild: obligation.targetBuild, deadline: local,
            deadlineInstant: instant, detailsURL: "https://it.example.com/macos", channel: channel)
    }

    /// A plan for `macID` with the given enforcements.
    static func plan(
        _ macID: UUID, os: DeclaredEnforcement? = nil, bsi: DeclaredEnforcement? = nil, isLegacy: Bool = false
    ) -> MacPlan {
        let deadline = (os ?? bsi)?.deadlineInstant
        return MacPlan(
            macID: macID, evaluatedAt: evaluatedAt, isLegacy: isLegacy,
            obligations: [os, bsi].compactMap { $0?.obligation }, osEnforcement: os, bsiEnforcement: bsi,
            daysRemaining: deadline == nil ? nil : 14, shouldNotify: false,
            compliance: deadline.map { .pending(deadline: $0) } ?? .compliant, conflicts: [], unsupportedItemIDs: [],
            itemRoles: [ItemRoleAssignment(itemID: itemID, role: .update)], timeZone: zone, nextEvaluationAt: nil)
    }

    /// The set for a Mac on `version` (capabilities by OS version) under `plan`.
    static func set(
        _ macID: UUID, macOS version: String, plan: MacPlan?, bsiItem: Bool = false,
        at instant: Date = evaluatedAt
    ) -> DeclarationSet {
        let os = try! OSVersion(parsing: version)
        return DeclarationSetBuilder.build(
            plan: plan, target: DeclarationTarget(deviceID: macID, osVersion: os, capabilities: nil),
            items: [itemID: item(major: os.major, bsi: bsiItem)], changedAt: instant)
    }
}
