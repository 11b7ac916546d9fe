// PlanFixtures: hand-made plans, items and Macs for the declaration builder tests.

import DeclarativeManagement
import Foundation
import ManagedOSDomain

/// Builders for test plans and targets.
enum PlanFixtures {
    static let macID = UUID(uuidString: "11111111-2222-3333-4444-555555555555")!
    static let itemID = UUID(uuidString: "AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE")!
    static let evaluatedAt = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
    static let zone = PlanTimeZone(identifier: "Europe/Berlin", source: .mac)

    /// An item for major `major`, optionally enforcing BSIs.
    static func item(major: Int = 15, bsi: Bool = false, detailsURL: String? = "https://it.example.com/macos")
        -> ManagedOSItem
    {
        ManagedOSItem(
            id: itemID, label: "macOS \(major)", major: major, installationMethod: .continuous,
            versionEnforcement: .automatic(timeframe: .twoWeeks), enforcementTime: EnforcementTime(hour: 9, minute: 0)!,
            enforcementTimeZone: "Europe/Berlin",
            bsiEnforcement: bsi ? .automatic(timeframe: .oneWeek, time: EnforcementTime(hour: 10, minute: 0)!) : .none,
            detailsURL: detailsURL)
    }

    /// A declared enforcement of `version` (build `build`) due `deadline` (`yyyy-MM-ddTHH:mm:ss`).
    static func enforcement(
        _ version: String, build: String? = nil, deadline: String = "2026-01-15T09:00:00",
        reason: OSObligation.Reason = .update, channel: DeclaredEnforcement.Channel = .declarative,
        detailsURL: String? = "https://it.example.com/macos"
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
            deadlineInstant: instant, detailsURL: detailsURL, channel: channel)
    }

    /// A plan with the given enforcements; the fixture item governs updates.
    static func plan(
        os: DeclaredEnforcement? = nil, bsi: DeclaredEnforcement? = nil, isLegacy: Bool = false
    ) -> MacPlan {
        let obligations = [os, bsi].compactMap { $0?.obligation }
        let deadline = (os ?? bsi)?.deadlineInstant
        return MacPlan(
            macID: macID, evaluatedAt: evaluatedAt, isLegacy: isLegacy, obligations: obligations,
            osEnforcement: os, bsiEnforcement: bsi, daysRemaining: deadline == nil ? nil : 14,
            shouldNotify: false, compliance: deadline.map { .pending(deadline: $0) } ?? .compliant, conflicts: [],
            unsupportedItemIDs: [], itemRoles: [ItemRoleAssignment(itemID: itemID, role: .update)],
            timeZone: zone, nextEvaluationAt: nil)
    }

    /// Capabilities as a macOS `major` Mac reports them (types introduced up to that version).
    static func capabilitiesJSON(macOS major: Int) -> String {
        var configurations = [
            "com.apple.configuration.management.status-subscriptions",
            "com.apple.configuration.management.properties", "com.apple.configuration.passcode.settings",
        ]
        var statusItems = [
            "device.identifier.serial-number", "device.identifier.udid", "device.model.family",
            "device.model.identifier", "device.model.marketing-name", "device.operating-system.build-version",
            "device.operating-system.family", "device.operating-system.marketing-name",
            "device.operating-system.supplemental.build-version",
            "device.operating-system.supplemental.extra-version", "device.operating-system.version",
            "management.client-capabilities", "management.declarations",
        ]
        if major >= 14 {
            configurations.append("com.apple.configuration.softwareupdate.enforcement.specific")
            statusItems += [
                "device.model.number", "softwareupdate.failure-reason", "softwareupdate.install-reason",
                "softwareupdate.install-state", "softwareupdate.pending-version",
            ]
        }
        if major >= 15 {
            configurations.append("com.apple.configuration.softwareupdate.settings")
            statusItems += ["softwareupdate.beta-enrollment", "softwareupdate.device-id"]
        }
        let object: [String: Any] = [
            "supported-versions": ["1.0"],
            "supported-features": [:] as [String: Any],
            "supported-payloads": [
                "declarations": [
                    "activations": ["com.apple.activation.simple"],
                    "assets": ["com.apple.asset.data"],
                    "configurations": configurations,
                    "management": ["com.apple.management.properties"],
                ],
                "status-items": statusItems,
            ],
        ]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// A Mac on `version` that reported its capabilities.
    static func target(_ version: String, reportedCapabilities: Bool = true, supplementalBuild: String? = nil)
        -> DeclarationTarget
    {
        let os = try! OSVersion(parsing: version)
        return DeclarationTarget(
            deviceID: macID, osVersion: os,
            capabilities: reportedCapabilities ? ClientCapabilities(json: capabilitiesJSON(macOS: os.major)) : nil,
            supplementalBuild: supplementalBuild.map { OSBuild(unchecked: $0) })
    }
}
