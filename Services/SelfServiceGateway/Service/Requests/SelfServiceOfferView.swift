// SelfServiceOfferView: one Self Service offer as the Mac sees it, with the reason in words.

import Foundation
import ManagedOSDomain

/// An offer as JSON. The item's label is admin-only and never shown; the download size is not known to
/// the product (Apple's feeds do not carry it), so it is always null.
struct SelfServiceOfferView: Codable, Sendable, Equatable {
    var major: Int
    var name: String
    var targetVersion: String?
    var targetBuild: String?
    var downloadSizeBytes: Int?
    var available: Bool
    var reason: String?
    var reasonMessage: String?
    /// The open request for this major, if any.
    var openRequestId: String?

    init(_ offer: SelfServiceOffer, openRequestID: UUID?) {
        major = offer.major
        name = "macOS \(offer.major)"
        targetVersion = offer.targetVersion?.description
        targetBuild = offer.targetBuild?.rawValue
        downloadSizeBytes = nil
        available = offer.isAvailable
        reason = offer.unavailableReason?.rawValue
        reasonMessage = offer.unavailableReason.map { Self.message(for: $0, major: offer.major) }
        openRequestId = openRequestID?.uuidString.lowercased()
    }

    /// Why an offer cannot be requested, in a sentence for the user.
    static func message(for reason: SelfServiceOffer.Unavailability, major: Int) -> String {
        switch reason {
        case .hardwareUnsupported: "This Mac's hardware cannot run macOS \(major)."
        case .alreadyOnMajor: "This Mac already runs macOS \(major) or later."
        case .notAssigned: "The upgrade to macOS \(major) is not assigned to this Mac."
        case .noApprovedRelease: "No approved release of macOS \(major) is available for this Mac yet."
        case .coveredByUpgrade: "This Mac is already scheduled to upgrade to macOS \(major) or later."
        }
    }
}

/// `GET /v1/me/upgrades`: the Mac's current version and its offers (highest major first).
struct SelfServiceOffersView: Codable, Sendable, Equatable {
    var osVersion: String?
    var offers: [SelfServiceOfferView]
}
