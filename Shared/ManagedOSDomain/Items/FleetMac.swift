// FleetMac: the little a save warning needs to know about one Mac of the fleet.

/// One Mac of the fleet as seen by save warnings: what it runs and on what hardware.
public struct FleetMac: Sendable, Hashable, Codable {
    /// The macOS version the Mac runs.
    public var version: OSVersion
    /// The Mac's hardware.
    public var hardware: MacHardware

    /// Creates a value from its parts.
    public init(version: OSVersion, hardware: MacHardware) {
        self.version = version
        self.hardware = hardware
    }
}
