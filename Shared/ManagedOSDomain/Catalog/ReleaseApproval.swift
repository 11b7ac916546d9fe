// ReleaseApproval: whether a release may be installed — automatic after an optional hold, or set by an admin.

/// An admin's decision about one release, overriding automatic approval.
public enum ReleaseApprovalOverride: String, Sendable, Hashable, Codable, CaseIterable {
    /// Approved now, even inside the hold period.
    case approved
    /// Not approved until the admin releases the hold.
    case held
    /// Withdrawn: never installed, never a floor.
    case revoked
}

/// How releases become approved: automatically `holdDays` after their release date, unless an admin
/// override (keyed by `Release.id`) says otherwise.
public struct ReleaseApprovalPolicy: Sendable, Hashable, Codable {
    /// Days after the release date before a release is approved automatically (0 = at once).
    public var holdDays: Int
    /// Admin decisions by `Release.id`.
    public var overrides: [String: ReleaseApprovalOverride]

    public init(holdDays: Int = 0, overrides: [String: ReleaseApprovalOverride] = [:]) {
        self.holdDays = holdDays
        self.overrides = overrides
    }

    /// Whether `release` is approved on `day`.
    public func isApproved(_ release: Release, on day: CivilDate) -> Bool {
        approvalState(of: release, on: day) == .approved
    }

    /// Where `release` stands on `day`: an admin override wins; otherwise it is approved from
    /// `releaseDate + holdDays` on and pending before that. A negative `holdDays` counts as 0.
    public func approvalState(of release: Release, on day: CivilDate) -> ReleaseApprovalState {
        switch overrides[release.id] {
        case .approved: return .approved
        case .held: return .held
        case .revoked: return .revoked
        case nil:
            let approvalDay = automaticApprovalDate(of: release)
            return approvalDay <= day ? .approved : .pendingHold(until: approvalDay)
        }
    }

    /// The day `release` is approved automatically when no admin override applies.
    public func automaticApprovalDate(of release: Release) -> CivilDate {
        release.releaseDate.adding(days: max(0, holdDays))
    }
}
