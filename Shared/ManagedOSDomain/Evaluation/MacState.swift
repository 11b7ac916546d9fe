// MacState: what the server knows about one Mac when evaluating it (from inventory and status reports).

import Foundation

/// What the server knows about a Mac: hardware, OS, time zone and the latest status reports.
public struct MacState: Sendable, Hashable, Codable, Identifiable {
    /// Stable identifier.
    public var id: UUID
    /// Hardware identity.
    public var hardware: MacHardware
    /// Installed macOS version (`device.operating-system.version`).
    public var osVersion: OSVersion
    /// Installed build (`device.operating-system.build-version`), if known.
    public var build: OSBuild?
    /// Supplemental (BSI) build (`…supplemental.build-version`), if any.
    public var supplementalBuild: OSBuild?
    /// Supplemental extra version, `(a)` or `a` (both accepted), if any.
    public var supplementalExtraVersion: String?
    /// The Mac's IANA time zone, registered or learned from the Mac; nil when unknown.
    public var timeZoneIdentifier: String?
    /// Latest `softwareupdate.install-state`.
    public var installState: SoftwareUpdateInstallState?
    /// `softwareupdate.failure-reason.count` (failures of the current update).
    public var failureCount: Int
    /// `softwareupdate.failure-reason.reason`.
    public var failureReason: String?
    /// When the Mac last sent a status report (or, legacy, answered a command); nil before the first.
    public var lastReportAt: Date?
    /// Legacy Macs: whether `OSUpdateStatus` reports the pending update as downloaded.
    public var legacyUpdateDownloaded: Bool
    /// The major of an active Self Service upgrade request (requested or declared, not yet finished).
    public var selfServiceRequestMajor: Int?
    /// When the Mac's grace period starts: the later of its enrollment and its return from being offline;
    /// nil when unknown (no grace).
    public var graceStart: Date?

    /// Creates a value from its parts.
    public init(
        id: UUID, hardware: MacHardware, osVersion: OSVersion, build: OSBuild? = nil, supplementalBuild: OSBuild? = nil,
        supplementalExtraVersion: String? = nil, timeZoneIdentifier: String? = nil,
        installState: SoftwareUpdateInstallState? = nil, failureCount: Int = 0, failureReason: String? = nil,
        lastReportAt: Date? = nil, legacyUpdateDownloaded: Bool = false, selfServiceRequestMajor: Int? = nil,
        graceStart: Date? = nil
    ) {
        self.id = id
        self.hardware = hardware
        self.osVersion = osVersion
        self.build = build
        self.supplementalBuild = supplementalBuild
        self.supplementalExtraVersion = supplementalExtraVersion
        self.timeZoneIdentifier = timeZoneIdentifier
        self.installState = installState
        self.failureCount = failureCount
        self.failureReason = failureReason
        self.lastReportAt = lastReportAt
        self.legacyUpdateDownloaded = legacyUpdateDownloaded
        self.selfServiceRequestMajor = selfServiceRequestMajor
        self.graceStart = graceStart
    }

    /// macOS 13 and earlier are managed with legacy MDM commands instead of DDM.
    public var isLegacy: Bool { osVersion.major <= 13 }

    /// `(a)` and `a` both become `a`; blank becomes nil.
    public static func normalizedExtraVersion(_ text: String?) -> String? {
        guard var value = text?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if value.hasPrefix("(") && value.hasSuffix(")") && value.count >= 2 {
            value = String(value.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        }
        return value.isEmpty ? nil : value
    }
}
