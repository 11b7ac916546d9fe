// SelfServiceTransitionError: why an event on a Self Service request was refused.

/// Why a Self Service request event was refused.
public enum SelfServiceTransitionError: Error, Equatable, Sendable {
    /// The event is not allowed in this state (e.g. `downloading` after `installing`, cancel while installing).
    case illegalTransition(from: SelfServiceRequest.State, event: SelfServiceRequest.Event)
    /// The request already completed, failed or was cancelled.
    case requestFinished(state: SelfServiceRequest.State, event: SelfServiceRequest.Event)
}
