// DeclarationKind: the four kinds of DDM declaration, as they appear in `declaration/<kind>/<identifier>`.

/// The kind of a declaration. The raw value is the path segment of the `declaration/<kind>/<identifier>`
/// endpoint and the `kind` column of the `declarations` table.
public enum DeclarationKind: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// `com.apple.activation.*`
    case activation
    /// `com.apple.asset.*`
    case asset
    /// `com.apple.configuration.*`
    case configuration
    /// `com.apple.management.*`
    case management

    /// The key of this kind's array in the `declaration-items` manifest (`Activations`, `Assets`, …).
    public var manifestKey: String {
        switch self {
        case .activation: "Activations"
        case .asset: "Assets"
        case .configuration: "Configurations"
        case .management: "Management"
        }
    }

    /// The key of this kind's list in `management.client-capabilities` (`activations`, `assets`, …).
    public var capabilitiesKey: String {
        switch self {
        case .activation: "activations"
        case .asset: "assets"
        case .configuration: "configurations"
        case .management: "management"
        }
    }

    /// The kind a declaration type belongs to (`com.apple.configuration.x` → `.configuration`); nil otherwise.
    public init?(declarationType: String) {
        for kind in DeclarationKind.allCases where declarationType.hasPrefix("com.apple.\(kind.rawValue).") {
            self = kind
            return
        }
        return nil
    }

    public static func < (lhs: DeclarationKind, rhs: DeclarationKind) -> Bool { lhs.rawValue < rhs.rawValue }
}
