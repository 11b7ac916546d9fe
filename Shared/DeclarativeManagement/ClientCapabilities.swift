// ClientCapabilities: what a Mac reported in `management.client-capabilities` (declaration types, status items).

import Foundation

/// The value of a Mac's `management.client-capabilities` status item: the protocol versions, declaration
/// types and status items the Mac supports (Apple's `management.client-capabilities.yaml`).
///
/// Parsing is lenient: missing lists are empty, and the whole value is refused (nil) only when it is not
/// JSON, not an object, or carries no `supported-payloads.declarations` object — then the caller treats the
/// capabilities as unknown.
public struct ClientCapabilities: Sendable, Hashable {
    /// `supported-versions`: protocol versions.
    public var supportedVersions: [String]
    /// `supported-payloads.declarations.<kind>`: the declaration types the Mac supports, per kind.
    public var declarationTypes: [DeclarationKind: Set<String>]
    /// `supported-payloads.status-items`: the status items the Mac can report.
    public var statusItems: Set<String>

    /// Creates a value from its parts.
    public init(
        supportedVersions: [String] = ["1.0"], declarationTypes: [DeclarationKind: Set<String>],
        statusItems: Set<String>
    ) {
        self.supportedVersions = supportedVersions
        self.declarationTypes = declarationTypes
        self.statusItems = statusItems
    }

    /// Parses the JSON text of the status item's value; nil when `json` is nil, not JSON or not the
    /// expected shape. A value wrapped as `{"management":{"client-capabilities":{…}}}` (a report's
    /// `StatusItems` fragment) is accepted too.
    public init?(json: String?) {
        guard let json, let data = json.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        else { return nil }
        self.init(jsonObject: object)
    }

    /// Parses an already-decoded JSON value (`JSONSerialization` output); nil when it is not the expected shape.
    public init?(jsonObject: Any) {
        guard var root = jsonObject as? [String: Any] else { return nil }
        if root["supported-payloads"] == nil, let management = root["management"] as? [String: Any],
            let inner = management["client-capabilities"] as? [String: Any]
        {
            root = inner
        }
        guard let payloads = root["supported-payloads"] as? [String: Any],
            let declarations = payloads["declarations"] as? [String: Any]
        else { return nil }
        func strings(_ value: Any?) -> [String] { (value as? [Any])?.compactMap { $0 as? String } ?? [] }
        var types: [DeclarationKind: Set<String>] = [:]
        for kind in DeclarationKind.allCases {
            types[kind] = Set(strings(declarations[kind.capabilitiesKey]))
        }
        self.init(
            supportedVersions: strings(root["supported-versions"]), declarationTypes: types,
            statusItems: Set(strings(payloads["status-items"])))
    }

    /// Whether the Mac listed declaration type `type` (`com.apple.configuration.softwareupdate.settings`).
    public func supports(declarationType type: String) -> Bool {
        guard let kind = DeclarationKind(declarationType: type) else { return false }
        return declarationTypes[kind]?.contains(type) ?? false
    }

    /// Whether the Mac listed status item `name` (`softwareupdate.install-state`).
    public func supports(statusItem name: String) -> Bool { statusItems.contains(name) }
}
