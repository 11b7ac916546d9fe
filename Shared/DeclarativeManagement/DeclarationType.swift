// DeclarationType: the declaration types the product emits and the first macOS version supporting each.

import ManagedOSDomain

/// The DDM declaration types Managed OS emits, with the macOS version that introduced each (Apple's
/// `apple/device-management` schemas, `supportedOS.macOS.introduced`).
public enum DeclarationType {
    /// `com.apple.activation.simple` (macOS 13.0).
    public static let activationSimple = "com.apple.activation.simple"
    /// `com.apple.configuration.management.status-subscriptions` (macOS 13.0).
    public static let statusSubscriptions = "com.apple.configuration.management.status-subscriptions"
    /// `com.apple.configuration.softwareupdate.enforcement.specific` (macOS 14.0, supervised).
    public static let enforcementSpecific = "com.apple.configuration.softwareupdate.enforcement.specific"
    /// `com.apple.configuration.softwareupdate.settings` (macOS 15.0, supervised).
    public static let softwareUpdateSettings = "com.apple.configuration.softwareupdate.settings"

    /// Every type the product can emit.
    public static let all = [activationSimple, statusSubscriptions, enforcementSpecific, softwareUpdateSettings]

    /// The first macOS version that supports `type`; nil for a type the product does not know.
    public static func introducedOnMacOS(_ type: String) -> OSVersion? {
        switch type {
        case activationSimple, statusSubscriptions: OSVersion(major: 13)
        case enforcementSpecific: OSVersion(major: 14)
        case softwareUpdateSettings: OSVersion(major: 15)
        default: nil
        }
    }
}
