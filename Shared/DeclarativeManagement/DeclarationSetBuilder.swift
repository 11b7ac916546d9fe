// DeclarationSetBuilder: a Mac's plan → its DDM declaration set (enforcements, settings, subscriptions, activation).

import Foundation
import ManagedOSDomain

/// Builds a Mac's declaration set from the plan the scheduler evaluated (issue 6, "Declarations per Mac").
/// Pure: the instant is a parameter and nothing is read from outside.
///
/// What a Mac gets, each only when `DeclarationTarget.supports(declarationType:)` allows the type:
/// - `com.managedos.enforcement.os` (`softwareupdate.enforcement.specific`): the plan's OS enforcement, unless
///   the Mac is legacy, the enforcement is not declarative, or the Mac is already at or above the target
///   (Apple reports such a target as an error). `TargetBuildVersion` is sent only when the target build is a
///   supplemental (BSI) build: for full releases Apple describes the build as a seeding aid, and pinning one
///   build could miss a hardware-specific build of the same version.
/// - `com.managedos.enforcement.bsi`: the plan's BSI enforcement, `TargetOSVersion` plus `TargetBuildVersion` =
///   the supplemental build; left out when the Mac is past the version or already on that build or later.
/// - `com.managedos.softwareupdate.settings` (macOS 15+): when an item governing the Mac enforces BSIs,
///   `AutomaticActions.InstallSecurityUpdate = AlwaysOn` and `RapidSecurityResponse {Enable: true,
///   EnableRollback: false}` (the user cannot turn automatic BSI installs off nor remove an enforced BSI).
///   No settings declaration when no item configures anything.
/// - `com.managedos.status-subscriptions`: the `softwareupdate.*`, `device.operating-system.*` and
///   `device.model.*` status items the product reads, plus `management.declarations` and
///   `management.client-capabilities` (implicit on the Mac, listed anyway so the subscription states what we
///   read); each only when the Mac lists the item (or, capabilities unknown, its OS version supports it).
///   Legacy Macs get it too: it makes them report their OS and capabilities.
/// - `com.managedos.activation` (`activation.simple`) listing every configuration above, when there is one.
///
/// Identifiers do not embed the device id: a set belongs to one Mac already and the `declaration/…` route
/// only looks in the requesting Mac's set.
public enum DeclarationSetBuilder {
    /// Identifier of the OS enforcement configuration.
    public static let osEnforcementIdentifier = "com.managedos.enforcement.os"
    /// Identifier of the BSI enforcement configuration.
    public static let bsiEnforcementIdentifier = "com.managedos.enforcement.bsi"
    /// Identifier of the software update settings configuration.
    public static let settingsIdentifier = "com.managedos.softwareupdate.settings"
    /// Identifier of the status subscriptions configuration.
    public static let statusSubscriptionsIdentifier = "com.managedos.status-subscriptions"
    /// Identifier of the activation.
    public static let activationIdentifier = "com.managedos.activation"

    /// The status items the product subscribes to, with the macOS version that introduced each.
    public static let subscribedStatusItems: [(name: String, introduced: OSVersion)] = [
        ("device.model.family", OSVersion(major: 13)),
        ("device.model.identifier", OSVersion(major: 13)),
        ("device.model.marketing-name", OSVersion(major: 13)),
        ("device.model.number", OSVersion(major: 14)),
        ("device.operating-system.build-version", OSVersion(major: 13)),
        ("device.operating-system.family", OSVersion(major: 13)),
        ("device.operating-system.marketing-name", OSVersion(major: 13)),
        ("device.operating-system.supplemental.build-version", OSVersion(major: 13)),
        ("device.operating-system.supplemental.extra-version", OSVersion(major: 13)),
        ("device.operating-system.version", OSVersion(major: 13)),
        ("management.client-capabilities", OSVersion(major: 13)),
        ("management.declarations", OSVersion(major: 13)),
        ("softwareupdate.beta-enrollment", OSVersion(major: 15)),
        ("softwareupdate.device-id", OSVersion(major: 15)),
        ("softwareupdate.failure-reason", OSVersion(major: 14)),
        ("softwareupdate.install-reason", OSVersion(major: 14)),
        ("softwareupdate.install-state", OSVersion(major: 14)),
        ("softwareupdate.pending-version", OSVersion(major: 14)),
    ]

    /// Builds the set for `target` from `plan` (nil: not evaluated yet) and the items that reach the Mac,
    /// stamped `changedAt` (the instant of the evaluation; it does not enter the content or the tokens).
    /// Pass one `cache` across a batch of Macs so each distinct declaration is encoded and hashed once.
    public static func build(
        plan: MacPlan?, target: DeclarationTarget, items: [UUID: ManagedOSItem], changedAt: Date,
        cache: DeclarationCache = DeclarationCache()
    ) -> DeclarationSet {
        var configurations: [Declaration] = []

        if let plan, !plan.isLegacy, target.supports(declarationType: DeclarationType.enforcementSpecific) {
            if let os = plan.osEnforcement, os.channel == .declarative, !isAtOrAbove(target, os: os) {
                let build = os.targetBuild.flatMap { $0.isBackgroundSecurityImprovement ? $0 : nil }
                configurations.append(enforcement(osEnforcementIdentifier, os, build: build, cache: cache))
            }
            if let bsi = plan.bsiEnforcement, bsi.channel == .declarative, !hasBSI(target, bsi: bsi) {
                configurations.append(enforcement(bsiEnforcementIdentifier, bsi, build: bsi.targetBuild, cache: cache))
            }
        }

        if let plan, target.supports(declarationType: DeclarationType.softwareUpdateSettings),
            let payload = settingsPayload(plan: plan, items: items)
        {
            configurations.append(
                cache.declaration(
                    type: DeclarationType.softwareUpdateSettings, identifier: settingsIdentifier, payload: payload))
        }

        if target.supports(declarationType: DeclarationType.statusSubscriptions) {
            let names = subscribedStatusItems.filter { item in
                if let capabilities = target.capabilities { return capabilities.supports(statusItem: item.name) }
                return (target.osVersion ?? OSVersion(major: 13)) >= item.introduced
            }.map(\.name)
            if !names.isEmpty {
                configurations.append(
                    cache.declaration(
                        type: DeclarationType.statusSubscriptions, identifier: statusSubscriptionsIdentifier,
                        payload: ["StatusItems": .array(names.map { .object(["Name": .string($0)]) })]))
            }
        }

        guard !configurations.isEmpty, target.supports(declarationType: DeclarationType.activationSimple) else {
            return cache.set(declarations: [], changedAt: changedAt)
        }
        let activation = cache.declaration(
            type: DeclarationType.activationSimple, identifier: activationIdentifier,
            payload: [
                "StandardConfigurations": .array(configurations.map(\.identifier).sorted().map { .string($0) })
            ])
        return cache.set(declarations: configurations + [activation], changedAt: changedAt)
    }

    /// An `enforcement.specific` configuration for `enforcement`.
    static func enforcement(
        _ identifier: String, _ enforcement: DeclaredEnforcement, build: OSBuild?,
        cache: DeclarationCache = DeclarationCache()
    ) -> Declaration {
        var payload: [String: JSONValue] = [
            "TargetOSVersion": .string(enforcement.targetVersion.description),
            "TargetLocalDateTime": .string(enforcement.targetLocalDateTime),
        ]
        if let build { payload["TargetBuildVersion"] = .string(build.rawValue) }
        if let url = enforcement.detailsURL, !url.isEmpty { payload["DetailsURL"] = .string(url) }
        return cache.declaration(type: DeclarationType.enforcementSpecific, identifier: identifier, payload: payload)
    }

    /// Whether the Mac is already at or above the OS enforcement's target.
    static func isAtOrAbove(_ target: DeclarationTarget, os: DeclaredEnforcement) -> Bool {
        guard let installed = target.osVersion else { return false }
        return installed >= os.targetVersion
    }

    /// Whether the Mac already has the BSI (or is past its version).
    static func hasBSI(_ target: DeclarationTarget, bsi: DeclaredEnforcement) -> Bool {
        guard let installed = target.osVersion else { return false }
        if installed > bsi.targetVersion { return true }
        guard installed == bsi.targetVersion, let have = target.supplementalBuild, let want = bsi.targetBuild else {
            return false
        }
        return have >= want
    }

    /// The settings payload the items governing the Mac configure; nil when they configure nothing.
    static func settingsPayload(plan: MacPlan, items: [UUID: ManagedOSItem]) -> [String: JSONValue]? {
        let governing = plan.itemRoles.filter { $0.role == .update || $0.role == .upgrade }.compactMap {
            items[$0.itemID]
        }
        let enforcesBSI = governing.contains { item in
            if case .automatic = item.bsiEnforcement { return true }
            return false
        }
        guard enforcesBSI else { return nil }
        return [
            "AutomaticActions": .object(["InstallSecurityUpdate": .string("AlwaysOn")]),
            "RapidSecurityResponse": .object(["Enable": .bool(true), "EnableRollback": .bool(false)]),
        ]
    }
}
