// AsyncGate: lets at most `width` tasks through at a time; the rest wait in order.

/// A counting semaphore for async tasks (waiters resume first come, first served).
actor AsyncGate {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(width: Int) {
        available = width
    }

    /// Waits for a free place.
    func wait() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Frees a place (handing it to the first waiter, if any).
    func signal() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
