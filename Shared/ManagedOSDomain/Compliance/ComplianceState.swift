// ComplianceState: how a Mac stands against an item (or overall), with the detail the views show.

import Foundation

/// The compliance of a Mac for an item, or overall (DOMAIN.md §7).
public enum ComplianceState: Sendable, Hashable, Codable {
    /// Nothing to install.
    case compliant
    /// Must install by a deadline still ahead.
    case pending(deadline: Date)
    /// The deadline passed.
    case overdue(deadline: Date)
    /// An install is under way (downloading, prepared, installing).
    case inProgress(SoftwareUpdateInstallState)
    /// The Mac reported failures (count > 0), with its reason.
    case failed(reason: String?, count: Int)
    /// The hardware supports no release of the item's major.
    case unsupported
    /// The item does not manage this Mac.
    case unmanaged
    /// No report yet, or none within the staleness limit; carries the last report time.
    case unknown(lastReportAt: Date?)

    /// The state without detail, for counting.
    public var status: ComplianceStatus {
        switch self {
        case .compliant: .compliant
        case .pending: .pending
        case .overdue: .overdue
        case .inProgress: .inProgress
        case .failed: .failed
        case .unsupported: .unsupported
        case .unmanaged: .unmanaged
        case .unknown: .unknown
        }
    }
}

/// `ComplianceState` without detail: the keys of compliance counts.
public enum ComplianceStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Nothing to install.
    case compliant
    /// A deadline is ahead.
    case pending
    /// The deadline passed.
    case overdue
    /// Downloading, prepared or installing.
    case inProgress
    /// The Mac reported failures.
    case failed
    /// The hardware cannot run the major.
    case unsupported
    /// The item does not manage the Mac.
    case unmanaged
    /// No report yet, or a stale one.
    case unknown
}
