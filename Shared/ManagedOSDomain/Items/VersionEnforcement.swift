// VersionEnforcement: how updates inside an item's major are enforced (none, automatic, manual minimum).

/// How updates inside an item's major are enforced (DOMAIN.md §3).
public enum VersionEnforcement: Sendable, Hashable, Codable {
    /// No floor, nothing enforced. Invalid together with `InstallationMethod.continuous`.
    case doNotManage
    /// Every approved release is due `timeframe` after its release date, at the enforcement time.
    case automatic(timeframe: EnforcementTimeframe)
    /// Floor = `version` (as the admin typed it; must parse and belong to the item's major), due on
    /// `deadlineDate` at the enforcement time.
    case manualMinimum(version: String, deadlineDate: CivilDate)

    /// Whether this enforcement enforces anything.
    public var enforcesSomething: Bool {
        if case .doNotManage = self { return false }
        return true
    }
}
