// SelfServiceRequest: the state machine of one Self Service upgrade request, driven by status reports.

import Foundation

/// One Self Service upgrade request, unique per (Mac, major) (DOMAIN.md §6).
///
/// requested → declared → downloading → prepared → installing → completed | failed(reason);
/// `cancelled` before installing. Install-state reports move the request forward only (states may be
/// skipped, since reports can be missed; repeating the current state is a no-op); unknown values
/// (`waiting`, `none`, anything new) are tolerated and change nothing. Completion comes from the Mac
/// reporting a version of the requested major or later.
public struct SelfServiceRequest: Sendable, Hashable, Codable {
    /// Where the request stands.
    public enum State: Sendable, Hashable, Codable {
        /// Created; not yet declared.
        case requested
        /// Declared to the Mac with a deadline of now.
        case declared
        /// The Mac is downloading.
        case downloading
        /// Downloaded and prepared.
        case prepared
        /// Installing.
        case installing
        /// The Mac runs the requested major.
        case completed
        /// The Mac reported a failure, with its reason.
        case failed(reason: String?)
        /// Cancelled before installing.
        case cancelled

        /// Position in the forward order (terminal states last).
        var rank: Int {
            switch self {
            case .requested: 0
            case .declared: 1
            case .downloading: 2
            case .prepared: 3
            case .installing: 4
            case .completed, .failed, .cancelled: 5
            }
        }

        /// Whether nothing can follow.
        public var isTerminal: Bool { rank == 5 }
    }

    /// What happens to a request.
    public enum Event: Sendable, Hashable, Codable {
        /// The enforcement was declared to the Mac.
        case declared
        /// The Mac reported `softwareupdate.install-state`.
        case installStateReported(SoftwareUpdateInstallState)
        /// The Mac reported `softwareupdate.failure-reason` with count > 0.
        case failureReported(reason: String?)
        /// The Mac reported its OS version.
        case osVersionReported(OSVersion)
        /// The user or an admin cancelled.
        case cancel
    }

    /// The Mac.
    public let macID: UUID
    /// The major requested.
    public let major: Int
    /// The item offering it.
    public let itemID: UUID
    /// When it was requested.
    public let requestedAt: Date
    /// Where it stands.
    public private(set) var state: State

    /// A new request in state `requested`.
    public init(macID: UUID, major: Int, itemID: UUID, requestedAt: Date) {
        self.macID = macID
        self.major = major
        self.itemID = itemID
        self.requestedAt = requestedAt
        self.state = .requested
    }

    /// Applies `event`, or throws when it is not allowed in the current state (the state is unchanged).
    public mutating func apply(_ event: Event) throws(SelfServiceTransitionError) {
        if state.isTerminal { throw .requestFinished(state: state, event: event) }
        switch event {
        case .declared:
            switch state {
            case .requested: state = .declared
            case .declared: break
            default: throw .illegalTransition(from: state, event: event)
            }
        case .cancel:
            guard state.rank < State.installing.rank else { throw .illegalTransition(from: state, event: event) }
            state = .cancelled
        case .osVersionReported(let version):
            guard version.major >= major else { return }
            guard state != .requested else { throw .illegalTransition(from: state, event: event) }
            state = .completed
        case .failureReported(let reason):
            guard state != .requested else { throw .illegalTransition(from: state, event: event) }
            state = .failed(reason: reason)
        case .installStateReported(let installState):
            let next: State
            switch installState {
            case .downloading: next = .downloading
            case .prepared: next = .prepared
            case .installing: next = .installing
            case .failed: next = .failed(reason: nil)
            case .none, .waiting, .other: return
            }
            guard state != .requested else { throw .illegalTransition(from: state, event: event) }
            if next == state { return }
            guard next.rank > state.rank else { throw .illegalTransition(from: state, event: event) }
            state = next
        }
    }
}
