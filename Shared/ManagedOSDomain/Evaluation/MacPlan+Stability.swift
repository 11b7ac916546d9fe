// MacPlan+Stability: an overdue Mac keeps the "now" it was first declared with, so its declaration does not
// change on every evaluation.

import Foundation

extension MacPlan {
    /// This plan with the declared deadlines of `previous` kept where both plans declare the same overdue
    /// target: an overdue obligation is declared with a deadline of *now* (DOMAIN.md §5), and "now" means
    /// the moment it was first declared — re-declaring a later "now" at every evaluation would change the
    /// Mac's declarations (and push a command) for nothing.
    public func keepingDeclaredDeadlines(of previous: MacPlan?) -> MacPlan {
        guard let previous else { return self }
        return keepingDeclaredDeadlines(os: previous.osEnforcement, bsi: previous.bsiEnforcement)
    }

    /// The same, from the previous plan's two declared enforcements only (all a caller needs to read back).
    public func keepingDeclaredDeadlines(os previousOS: DeclaredEnforcement?, bsi previousBSI: DeclaredEnforcement?)
        -> MacPlan
    {
        var plan = self
        plan.osEnforcement = Self.stable(osEnforcement, previousOS)
        plan.bsiEnforcement = Self.stable(bsiEnforcement, previousBSI)
        return plan
    }

    private static func stable(_ current: DeclaredEnforcement?, _ previous: DeclaredEnforcement?) -> DeclaredEnforcement? {
        guard var current, let previous, current.obligation.isOverdue, previous.obligation.isOverdue,
            current.targetVersion == previous.targetVersion, current.targetBuild == previous.targetBuild,
            current.channel == previous.channel, previous.deadlineInstant <= current.deadlineInstant
        else { return current }
        current.deadline = previous.deadline
        current.deadlineInstant = previous.deadlineInstant
        return current
    }
}
