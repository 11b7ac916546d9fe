// SelfServiceObservation: what the gateway knows about a Mac when it moves a request (plan and status).

import Foundation

/// A snapshot of one Mac as it bears on its open Self Service request: whether its plan declares the
/// request, and its latest status report.
public struct SelfServiceObservation: Sendable, Hashable {
    /// The Mac's plan holds a Self Service obligation for the request's major.
    public var planDeclaresRequest: Bool
    /// Whether the Mac's latest status report arrived after the request was declared (older reports
    /// describe something else, e.g. an earlier update's failure count, and are ignored).
    public var reportedSinceDeclared: Bool
    /// `device.operating-system.version`.
    public var osVersion: OSVersion?
    /// `softwareupdate.install-state`.
    public var installState: SoftwareUpdateInstallState?
    /// Major of `softwareupdate.pending-version`, when the Mac names what it is installing.
    public var pendingMajor: Int?
    /// `softwareupdate.failure-reason.count`.
    public var failureCount: Int
    /// `softwareupdate.failure-reason.reason`.
    public var failureReason: String?

    /// Creates a value from its parts.
    public init(
        planDeclaresRequest: Bool, reportedSinceDeclared: Bool, osVersion: OSVersion?,
        installState: SoftwareUpdateInstallState?, pendingMajor: Int?, failureCount: Int, failureReason: String?
    ) {
        self.planDeclaresRequest = planDeclaresRequest
        self.reportedSinceDeclared = reportedSinceDeclared
        self.osVersion = osVersion
        self.installState = installState
        self.pendingMajor = pendingMajor
        self.failureCount = failureCount
        self.failureReason = failureReason
    }
}

extension SelfServiceRequest {
    /// Moves the request as far as `observation` allows, through the state machine (events it refuses are
    /// skipped); returns whether the state changed.
    ///
    /// Order: the plan declares it; then, for a declared request and a report received since: the OS
    /// version (completed once on the requested major), a failure (failed with the reason), and the
    /// install state, unless the Mac names a pending version of another major (an ordinary update).
    @discardableResult
    public mutating func observe(_ observation: SelfServiceObservation) -> Bool {
        let before = state
        guard !state.isTerminal else { return false }
        if observation.planDeclaresRequest { try? apply(.declared) }
        guard state != .requested, observation.reportedSinceDeclared else { return state != before }
        if let version = observation.osVersion, version.major >= major {
            try? apply(.osVersionReported(version))
            return state != before
        }
        if observation.failureCount > 0 {
            try? apply(.failureReported(reason: observation.failureReason))
            return state != before
        }
        if let installState = observation.installState, observation.pendingMajor.map({ $0 == major }) ?? true {
            try? apply(.installStateReported(installState))
        }
        return state != before
    }
}
