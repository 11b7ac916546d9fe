// ComplianceEvaluator: per-Mac and per-item compliance from a plan and the Mac's latest reports.

import Foundation

/// Compliance of a Mac, per item and overall (DOMAIN.md §7).
///
/// Precedence: `unsupported` and `unmanaged` (facts about configuration) come first; then `unknown`
/// when no report arrived yet or the last is older than the staleness limit; then, for an item with an
/// obligation: `failed` (failure count > 0), `inProgress` (downloading/prepared/installing), `overdue`,
/// `pending`; without an obligation the Mac is `compliant`.
public enum ComplianceEvaluator {
    /// Whether the Mac's reports are missing or older than `stalenessLimit`.
    public static func isStale(_ mac: MacState, now: Date, stalenessLimit: TimeInterval) -> Bool {
        guard let last = mac.lastReportAt else { return true }
        return now.timeIntervalSince(last) > stalenessLimit
    }

    /// The compliance of `mac` for `item`, given the Mac's `plan` at `now`.
    public static func state(
        for item: ManagedOSItem, plan: MacPlan, mac: MacState, now: Date, stalenessLimit: TimeInterval
    ) -> ComplianceState {
        guard let role = plan.role(of: item.id) else { return .unmanaged }
        var responsibleItemID = item.id
        switch role {
        case .unsupported:
            return .unsupported
        case .notApplicable:
            return .unmanaged
        case .selfServiceOffer:
            // Managed only once the user requested it.
            guard plan.obligations.contains(where: { $0.sourceItemID == item.id }) else { return .unmanaged }
        case .update, .upgrade:
            guard item.versionEnforcement.enforcesSomething || item.bsiEnforcement != .none else { return .unmanaged }
        case .conflictLoser:
            // The Mac follows the winner of the conflict; the loser reports the same standing.
            guard let conflict = plan.conflicts.first(where: { $0.losingItemID == item.id }) else { return .unmanaged }
            responsibleItemID = conflict.winningItemID
        }
        if isStale(mac, now: now, stalenessLimit: stalenessLimit) { return .unknown(lastReportAt: mac.lastReportAt) }
        let obligation = plan.obligations.filter { $0.sourceItemID == responsibleItemID }
            .min { $0.deadlineInstant < $1.deadlineInstant }
        guard let obligation else { return .compliant }
        return state(of: obligation, mac: mac)
    }

    /// The standing of `mac` against one obligation (reports are assumed fresh).
    public static func state(of obligation: OSObligation, mac: MacState) -> ComplianceState {
        if mac.failureCount > 0 { return .failed(reason: mac.failureReason, count: mac.failureCount) }
        if let installState = mac.installState, installState.isInProgress { return .inProgress(installState) }
        return obligation.isOverdue
            ? .overdue(deadline: obligation.deadlineInstant) : .pending(deadline: obligation.deadlineInstant)
    }

    /// The overall compliance of a Mac whose plan has these parts (used by `MacEvaluator`).
    ///
    /// - Parameters:
    ///   - declared: the obligation of the declared OS enforcement, else the BSI one.
    ///   - isManaged: whether an update or upgrade item that enforces something governs the Mac.
    public static func overallState(
        obligations: [OSObligation], declared: OSObligation?, roles: [ItemRoleAssignment], isManaged: Bool,
        mac: MacState, now: Date, stalenessLimit: TimeInterval
    ) -> ComplianceState {
        if roles.isEmpty { return .unmanaged }
        if roles.allSatisfy({ $0.role == .unsupported }) { return .unsupported }
        if obligations.isEmpty && !isManaged { return .unmanaged }
        if isStale(mac, now: now, stalenessLimit: stalenessLimit) { return .unknown(lastReportAt: mac.lastReportAt) }
        guard let obligation = declared ?? obligations.min(by: { $0.deadlineInstant < $1.deadlineInstant }) else {
            return .compliant
        }
        return state(of: obligation, mac: mac)
    }
}
