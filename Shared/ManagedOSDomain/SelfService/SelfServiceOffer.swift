// SelfServiceOffer: one Self Service major upgrade as listed for a Mac, with its target or why it is unavailable.

import Foundation

/// A Self Service major upgrade as listed for one Mac (DOMAIN.md §6).
public struct SelfServiceOffer: Sendable, Hashable, Codable {
    /// Why an offer cannot be requested.
    public enum Unavailability: String, Sendable, Hashable, Codable {
        /// The Mac's hardware supports no release of the major.
        case hardwareUnsupported
        /// The Mac already runs this major (or a later one).
        case alreadyOnMajor
        /// The item is not assigned to the Mac's blueprint.
        case notAssigned
        /// No approved, installable release of the major exists for the hardware.
        case noApprovedRelease
        /// A continuous item already upgrades the Mac to this major or a later one.
        case coveredByUpgrade
    }

    /// The Self Service item.
    public var itemID: UUID
    /// Its major.
    public var major: Int
    /// Its label.
    public var label: String
    /// The release the upgrade installs (latest approved for the hardware), when there is one.
    public var targetVersion: OSVersion?
    /// Its build.
    public var targetBuild: OSBuild?
    /// Nil when the offer can be requested.
    public var unavailableReason: Unavailability?

    /// Creates a value from its parts.
    public init(
        itemID: UUID, major: Int, label: String, targetVersion: OSVersion?, targetBuild: OSBuild?,
        unavailableReason: Unavailability?
    ) {
        self.itemID = itemID
        self.major = major
        self.label = label
        self.targetVersion = targetVersion
        self.targetBuild = targetBuild
        self.unavailableReason = unavailableReason
    }

    /// Whether the user can request it.
    public var isAvailable: Bool { unavailableReason == nil }
}

/// Lists the Self Service offers of one Mac.
public enum SelfServiceOffers {
    /// Every `selfService` item of the library, as offered to `mac` (highest major first).
    ///
    /// Reasons are checked in this order: not assigned, already on major, hardware unsupported,
    /// covered by an upgrade item, no approved release.
    /// - Parameters:
    ///   - assignedItems: the items reaching the Mac through its blueprint.
    ///   - libraryItems: every item of the library (Self Service items not assigned are listed as such).
    public static func offers(
        for mac: MacState, assignedItems: [ManagedOSItem], libraryItems: [ManagedOSItem], catalog: ReleaseCatalog,
        now: Date
    ) -> [SelfServiceOffer] {
        let currentMajor = mac.osVersion.major
        let assignedIDs = Set(assignedItems.map(\.id))
        let supported = catalog.supportedMajors(for: mac.hardware)
        let upgradeMajor = assignedItems.filter {
            $0.installationMethod == .continuous && $0.major > currentMajor && supported.contains($0.major)
        }.map(\.major).max()
        var seen = Set<UUID>()
        let candidates = (libraryItems + assignedItems).filter {
            $0.installationMethod == .selfService && seen.insert($0.id).inserted
        }
        return candidates.map { item -> SelfServiceOffer in
            let target = catalog.latestApproved(major: item.major, for: mac.hardware, at: now)
            let reason: SelfServiceOffer.Unavailability?
            if !assignedIDs.contains(item.id) {
                reason = .notAssigned
            } else if item.major <= currentMajor {
                reason = .alreadyOnMajor
            } else if !supported.contains(item.major) {
                reason = .hardwareUnsupported
            } else if let upgradeMajor, upgradeMajor >= item.major {
                reason = .coveredByUpgrade
            } else if target == nil {
                reason = .noApprovedRelease
            } else {
                reason = nil
            }
            return SelfServiceOffer(
                itemID: item.id, major: item.major, label: item.label, targetVersion: target?.version,
                targetBuild: target?.build, unavailableReason: reason)
        }.sorted { ($0.major, $1.label) > ($1.major, $0.label) }
    }
}
