// InstallationMethod: how Macs on older majors are upgraded to an item's major.

/// How upgrades *to* an item's major happen (DOMAIN.md §3).
public enum InstallationMethod: String, Sendable, Hashable, Codable, CaseIterable {
    /// Macs on older majors are upgraded on the enforcement schedule (users may also upgrade themselves).
    case continuous
    /// The upgrade is only offered on demand in Self Service.
    case selfService
}
