// StopFlag: tells a fault test's load generators to finish.

import Synchronization

/// Raised once by the test; the load loops check it between requests.
final class StopFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    func raise() { raised.store(true, ordering: .releasing) }
    var isRaised: Bool { raised.load(ordering: .acquiring) }
}
