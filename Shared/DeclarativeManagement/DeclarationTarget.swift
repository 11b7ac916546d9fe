// DeclarationTarget: the facts about one Mac the declaration builder needs (id, OS version, capabilities).

import Foundation
import ManagedOSDomain

/// The Mac a declaration set is built for.
public struct DeclarationTarget: Sendable, Hashable {
    /// The Mac's device id.
    public var deviceID: UUID
    /// The installed macOS version, when known (status report or registration).
    public var osVersion: OSVersion?
    /// The installed supplemental (BSI) build, when the Mac reported one (`25D771280a`); used to leave out a
    /// BSI enforcement the Mac already has.
    public var supplementalBuild: OSBuild?
    /// The Mac's `management.client-capabilities`, when it reported them and they parsed.
    public var capabilities: ClientCapabilities?

    /// Creates a value from its parts.
    public init(
        deviceID: UUID, osVersion: OSVersion?, capabilities: ClientCapabilities?, supplementalBuild: OSBuild? = nil
    ) {
        self.deviceID = deviceID
        self.osVersion = osVersion
        self.capabilities = capabilities
        self.supplementalBuild = supplementalBuild
    }

    /// Whether the Mac can take declaration `type`. With capabilities: exactly what they list. Without
    /// (never reported, or garbage): by the installed OS version against the version Apple's schema gives
    /// for the type. With neither, only the macOS 13.0 types (activation, status subscriptions), so the Mac
    /// reports its OS version and capabilities and the next evaluation sends the rest.
    public func supports(declarationType type: String) -> Bool {
        if let capabilities { return capabilities.supports(declarationType: type) }
        guard let introduced = DeclarationType.introducedOnMacOS(type) else { return false }
        return (osVersion ?? OSVersion(major: 13)) >= introduced
    }
}
