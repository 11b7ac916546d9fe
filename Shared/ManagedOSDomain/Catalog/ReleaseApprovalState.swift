// ReleaseApprovalState: where one release stands in approval at a given day.

/// Where a release stands in approval on a given day.
public enum ReleaseApprovalState: Sendable, Hashable, Codable {
    /// May be installed (automatically after its hold, or approved by an admin).
    case approved
    /// Will be approved automatically on `until` (release date + hold days) unless an admin acts.
    case pendingHold(until: CivilDate)
    /// Held by an admin: not approved until the hold is released.
    case held
    /// Revoked by an admin: never installed, never a floor.
    case revoked

    /// Whether the release may be installed.
    public var isApproved: Bool { self == .approved }
}
