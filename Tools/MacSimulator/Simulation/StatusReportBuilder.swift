// StatusReportBuilder: DDM status report bodies of a simulated Mac (full first report, incremental changes).

import Foundation
import ManagedOSDomain

/// Builds the JSON bodies a Mac sends with `PUT …/status`, in the shapes status-ingest accepts (Apple's
/// StatusReport: dotted item names nested as objects under `StatusItems`).
public enum StatusReportBuilder {
    /// Every status item a Mac of `major` can report, with the macOS major that introduced it.
    static let statusItems: [(name: String, major: Int)] = [
        ("device.identifier.serial-number", 13), ("device.model.family", 13), ("device.model.identifier", 13),
        ("device.model.marketing-name", 13), ("device.model.number", 14), ("device.operating-system.build-version", 13),
        ("device.operating-system.family", 13), ("device.operating-system.marketing-name", 13),
        ("device.operating-system.supplemental.build-version", 13),
        ("device.operating-system.supplemental.extra-version", 13), ("device.operating-system.version", 13),
        ("management.client-capabilities", 13), ("management.declarations", 13),
        ("softwareupdate.beta-enrollment", 15), ("softwareupdate.device-id", 15),
        ("softwareupdate.failure-reason", 14), ("softwareupdate.install-reason", 14),
        ("softwareupdate.install-state", 14), ("softwareupdate.pending-version", 14),
    ]

    /// Marketing names by major.
    static let marketingNames = [13: "macOS Ventura", 14: "macOS Sonoma", 15: "macOS Sequoia", 26: "macOS Tahoe"]

    /// The first report: client capabilities, device and OS items, update state and held declarations.
    public static func full(_ mac: SimulatedMac, serialNumber: String, declarations: [HeldDeclaration]) -> Data {
        var items: [String: Any] = [
            "device": device(mac, serialNumber: serialNumber),
            "management": [
                "client-capabilities": capabilities(major: mac.osVersion.major),
                "declarations": held(declarations),
            ],
        ]
        if mac.osVersion.major >= 14 { items["softwareupdate"] = softwareUpdate(mac) }
        return encode(["StatusItems": items, "Errors": [Any](), "FullReport": true])
    }

    /// The report after `transition`: the update state (macOS 14+), the OS once a new version runs, the held
    /// declarations when given.
    public static func incremental(
        _ mac: SimulatedMac, after transition: SimulatedMac.Transition?, declarations: [HeldDeclaration]?
    ) -> Data {
        var items: [String: Any] = [:]
        if mac.osVersion.major >= 14 || transition.map(isInstall) == true {
            items["softwareupdate"] = softwareUpdate(mac)
        }
        if let transition, case .installed = transition {
            items["device"] = ["operating-system": operatingSystem(mac)]
            items["management"] = ["client-capabilities": capabilities(major: mac.osVersion.major)]
        }
        if let declarations {
            var management = items["management"] as? [String: Any] ?? [:]
            management["declarations"] = held(declarations)
            items["management"] = management
        }
        return encode(["StatusItems": items, "Errors": [Any]()])
    }

    /// `management.client-capabilities` of a Mac on `major`: the declaration types and status items it takes.
    public static func capabilities(major: Int) -> [String: Any] {
        var configurations = ["com.apple.configuration.management.status-subscriptions"]
        if major >= 14 { configurations.append("com.apple.configuration.softwareupdate.enforcement.specific") }
        if major >= 15 { configurations.append("com.apple.configuration.softwareupdate.settings") }
        return [
            "supported-versions": ["1.0.0"],
            "supported-features": [String: Any](),
            "supported-payloads": [
                "declarations": [
                    "activations": ["com.apple.activation.simple"],
                    "assets": [String](),
                    "configurations": configurations,
                    "management": ["com.apple.management.server-capabilities"],
                ],
                "status-items": statusItems.filter { $0.major <= major }.map(\.name),
            ],
        ]
    }

    private static func isInstall(_ transition: SimulatedMac.Transition) -> Bool {
        if case .installed = transition { return true }
        return false
    }

    private static func device(_ mac: SimulatedMac, serialNumber: String) -> [String: Any] {
        [
            "identifier": ["serial-number": serialNumber],
            "model": ["family": "Mac", "identifier": mac.modelIdentifier],
            "operating-system": operatingSystem(mac),
        ]
    }

    private static func operatingSystem(_ mac: SimulatedMac) -> [String: Any] {
        [
            "version": mac.osVersion.description, "build-version": mac.buildVersion, "family": "macOS",
            "marketing-name": marketingNames[mac.osVersion.major] ?? "macOS",
        ]
    }

    private static func softwareUpdate(_ mac: SimulatedMac) -> [String: Any] {
        var pending: [String: Any] = ["os-version": "", "build-version": ""]
        var reason: [String: Any] = ["reason": [String]()]
        if let enforcement = mac.enforcement, mac.phase != .idle {
            pending = [
                "os-version": enforcement.targetVersion.description,
                "build-version": enforcement.installedBuild ?? enforcement.targetBuild ?? "",
                "target-local-date-time": enforcement.targetLocalDateTime,
            ]
            reason = ["reason": ["declaration"], "declaration-id": enforcement.identifier]
        }
        var failure: [String: Any] = ["count": mac.failureCount]
        if let text = mac.failureReason { failure["reason"] = text }
        return [
            "install-state": mac.phase.installState, "pending-version": pending, "failure-reason": failure,
            "install-reason": reason,
        ]
    }

    private static func held(_ declarations: [HeldDeclaration]) -> [String: Any] {
        var byKind: [String: [[String: Any]]] = [
            "activations": [], "assets": [], "configurations": [], "management": [],
        ]
        for declaration in declarations.sorted(by: { ($0.kind, $0.identifier) < ($1.kind, $1.identifier) }) {
            byKind[declaration.kind, default: []].append([
                "identifier": declaration.identifier, "server-token": declaration.serverToken, "active": true,
                "valid": "valid",
            ])
        }
        return byKind
    }

    private static func encode(_ object: [String: Any]) -> Data {
        // The objects above hold only strings, numbers, booleans, arrays and dictionaries.
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }
}
