// MacPlan: the result of evaluating one Mac — obligations, what is declared, compliance and when to look again.

import Foundation

/// The role an item plays for one Mac (DOMAIN.md §4).
public enum ItemRole: String, Sendable, Hashable, Codable {
    /// Governs updates inside the Mac's major.
    case update
    /// Governs the upgrade to a higher major (continuous).
    case upgrade
    /// Offered in Self Service.
    case selfServiceOffer
    /// Lost a conflict with another item of the same major (the earlier deadline won).
    case conflictLoser
    /// The hardware supports no release of the item's major.
    case unsupported
    /// Plays no role (older major, superseded by a higher upgrade item, covered by the upgrade).
    case notApplicable
}

/// An item's role for one Mac.
public struct ItemRoleAssignment: Sendable, Hashable, Codable {
    /// The item.
    public var itemID: UUID
    /// Its role.
    public var role: ItemRole

    /// Creates a value from its parts.
    public init(itemID: UUID, role: ItemRole) {
        self.itemID = itemID
        self.role = role
    }
}

/// Two items of one major reaching one Mac; the earlier deadline won (DOMAIN.md §4).
public struct ItemConflict: Sendable, Hashable, Codable {
    /// The major both items govern.
    public var major: Int
    /// The item whose obligation applies (earlier deadline).
    public var winningItemID: UUID
    /// The other item.
    public var losingItemID: UUID

    /// Creates a value from its parts.
    public init(major: Int, winningItemID: UUID, losingItemID: UUID) {
        self.major = major
        self.winningItemID = winningItemID
        self.losingItemID = losingItemID
    }
}

/// What one Mac must install and by when, at one instant (DOMAIN.md §5). Codable, for storage as JSON.
public struct MacPlan: Sendable, Hashable, Codable {
    /// The Mac.
    public var macID: UUID
    /// The instant evaluated.
    public var evaluatedAt: Date
    /// Whether the Mac is managed with legacy commands (macOS 13 and earlier).
    public var isLegacy: Bool
    /// Every obligation after conflicts were decided (update, upgrade, Self Service, BSI).
    public var obligations: [OSObligation]
    /// The single OS enforcement declared (earliest deadline; ties: higher target), or nil.
    public var osEnforcement: DeclaredEnforcement?
    /// The BSI enforcement declared, or nil.
    public var bsiEnforcement: DeclaredEnforcement?
    /// Days remaining before the declared OS (else BSI) deadline; nil when nothing is declared.
    public var daysRemaining: Int?
    /// Whether the user should be notified now (update cached and the deadline still ahead).
    public var shouldNotify: Bool
    /// The Mac's overall compliance.
    public var compliance: ComplianceState
    /// Conflicts between items of one major.
    public var conflicts: [ItemConflict]
    /// Items whose major the hardware does not support.
    public var unsupportedItemIDs: [UUID]
    /// Each reaching item's role.
    public var itemRoles: [ItemRoleAssignment]
    /// The zone of the declared deadline (else of the first obligation); nil without obligations.
    public var timeZone: PlanTimeZone?
    /// The next instant at which this plan changes by time alone (a due date taking effect, a deadline
    /// passing, days remaining ticking down, the target expiring); nil when time alone changes nothing.
    public var nextEvaluationAt: Date?

    /// Creates a value from its parts.
    public init(
        macID: UUID, evaluatedAt: Date, isLegacy: Bool, obligations: [OSObligation],
        osEnforcement: DeclaredEnforcement?,
        bsiEnforcement: DeclaredEnforcement?, daysRemaining: Int?, shouldNotify: Bool, compliance: ComplianceState,
        conflicts: [ItemConflict], unsupportedItemIDs: [UUID], itemRoles: [ItemRoleAssignment],
        timeZone: PlanTimeZone?, nextEvaluationAt: Date?
    ) {
        self.macID = macID
        self.evaluatedAt = evaluatedAt
        self.isLegacy = isLegacy
        self.obligations = obligations
        self.osEnforcement = osEnforcement
        self.bsiEnforcement = bsiEnforcement
        self.daysRemaining = daysRemaining
        self.shouldNotify = shouldNotify
        self.compliance = compliance
        self.conflicts = conflicts
        self.unsupportedItemIDs = unsupportedItemIDs
        self.itemRoles = itemRoles
        self.timeZone = timeZone
        self.nextEvaluationAt = nextEvaluationAt
    }

    /// The role of `itemID` for this Mac; nil when the item does not reach the Mac.
    public func role(of itemID: UUID) -> ItemRole? { itemRoles.first { $0.itemID == itemID }?.role }
}
