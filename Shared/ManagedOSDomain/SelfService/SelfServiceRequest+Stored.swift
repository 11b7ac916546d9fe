// SelfServiceRequest+Stored: a request's state as stored text, and a request rebuilt from a stored state.

import Foundation

extension SelfServiceRequest.State {
    /// The state's stored name (`requested`, `declared`, …, `failed`, `cancelled`), as in
    /// `self_service_requests.state`.
    public var storedName: String {
        switch self {
        case .requested: "requested"
        case .declared: "declared"
        case .downloading: "downloading"
        case .prepared: "prepared"
        case .installing: "installing"
        case .completed: "completed"
        case .failed: "failed"
        case .cancelled: "cancelled"
        }
    }

    /// Every stored name, in the forward order.
    public static let storedNames = [
        "requested", "declared", "downloading", "prepared", "installing", "completed", "failed", "cancelled",
    ]

    /// The state named `storedName` (with the failure reason for `failed`); nil for an unknown name.
    public init?(storedName: String, failureReason: String? = nil) {
        switch storedName {
        case "requested": self = .requested
        case "declared": self = .declared
        case "downloading": self = .downloading
        case "prepared": self = .prepared
        case "installing": self = .installing
        case "completed": self = .completed
        case "failed": self = .failed(reason: failureReason)
        case "cancelled": self = .cancelled
        default: return nil
        }
    }

    /// The failure reason of a `failed` state.
    public var failureReason: String? {
        if case .failed(let reason) = self { return reason }
        return nil
    }

    /// Whether the user may still cancel (before installing).
    public var isCancellable: Bool { rank < Self.installing.rank }
}

extension SelfServiceRequest {
    /// A request rebuilt in `state` (as read back from storage), by replaying the events that lead there,
    /// so the state machine's rules stay the only way a state is reached.
    public static func restored(
        macID: UUID, major: Int, itemID: UUID, requestedAt: Date, state: State
    ) -> SelfServiceRequest {
        var request = SelfServiceRequest(macID: macID, major: major, itemID: itemID, requestedAt: requestedAt)
        let path: [Event]
        switch state {
        case .requested: path = []
        case .declared: path = [.declared]
        case .downloading: path = [.declared, .installStateReported(.downloading)]
        case .prepared: path = [.declared, .installStateReported(.prepared)]
        case .installing: path = [.declared, .installStateReported(.installing)]
        case .completed: path = [.declared, .osVersionReported(OSVersion(major: major))]
        case .failed(let reason): path = [.declared, .failureReported(reason: reason)]
        case .cancelled: path = [.cancel]
        }
        for event in path { try? request.apply(event) }
        return request
    }
}
