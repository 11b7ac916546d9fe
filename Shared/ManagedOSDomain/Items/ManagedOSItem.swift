// ManagedOSItem: one Managed OS for macOS library item (one major, its enforcement and schedule).

import Foundation

/// One Managed OS library item for one macOS major (DOMAIN.md §3). Several items may exist per major,
/// told apart by their admin-only `label`. Validate with `ItemValidator` before saving.
public struct ManagedOSItem: Sendable, Hashable, Codable, Identifiable {
    /// Stable identifier.
    public var id: UUID
    /// Admin-only label.
    public var label: String
    /// The macOS major this item governs (13, 14, 15, 26, …).
    public var major: Int
    /// How Macs on older majors are upgraded to `major`.
    public var installationMethod: InstallationMethod
    /// How updates inside `major` are enforced.
    public var versionEnforcement: VersionEnforcement
    /// Wall-clock time of day at which deadlines fall.
    public var enforcementTime: EnforcementTime
    /// IANA time-zone identifier (`Europe/Berlin`); used for legacy Macs and for Macs whose zone is unknown.
    public var enforcementTimeZone: String
    /// Background Security Improvement enforcement.
    public var bsiEnforcement: BSIEnforcement
    /// Optional https page shown by the OS about the enforced update.
    public var detailsURL: String?
    /// Beyond Iru, off when nil: days a newly enrolled Mac, or one back from being offline, gets before an
    /// obligation of this item can be due (deadline = max(deadline, grace start + days)); 1–30.
    public var gracePeriodDays: Int?
    /// Beyond Iru, off when nil: a shorter timeframe for releases that fix actively exploited CVEs (SOFA);
    /// must be shorter than the automatic timeframe.
    public var exploitedCVETimeframe: EnforcementTimeframe?

    /// Creates a value from its parts.
    public init(
        id: UUID, label: String, major: Int, installationMethod: InstallationMethod,
        versionEnforcement: VersionEnforcement, enforcementTime: EnforcementTime, enforcementTimeZone: String,
        bsiEnforcement: BSIEnforcement = .none, detailsURL: String? = nil, gracePeriodDays: Int? = nil,
        exploitedCVETimeframe: EnforcementTimeframe? = nil
    ) {
        self.id = id
        self.label = label
        self.major = major
        self.installationMethod = installationMethod
        self.versionEnforcement = versionEnforcement
        self.enforcementTime = enforcementTime
        self.enforcementTimeZone = enforcementTimeZone
        self.bsiEnforcement = bsiEnforcement
        self.detailsURL = detailsURL
        self.gracePeriodDays = gracePeriodDays
        self.exploitedCVETimeframe = exploitedCVETimeframe
    }

    /// The manual minimum version when the enforcement is `manualMinimum` and the text parses.
    public var manualMinimumVersion: OSVersion? {
        guard case .manualMinimum(let text, _) = versionEnforcement else { return nil }
        return try? OSVersion(parsing: text)
    }
}
