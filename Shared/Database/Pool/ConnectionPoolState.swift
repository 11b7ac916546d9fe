// ConnectionPoolState: the pool's bookkeeping as a value with mutating events (no I/O, no locking).

/// The connection pool's bookkeeping: idle connections, open count and waiting callers.
/// Every event is a `mutating` method that returns what the caller must do outside the lock.
struct ConnectionPoolState: Sendable {
    /// What a caller receives: a pooled connection, or permission to open a new one.
    enum Lease: Sendable {
        case existing(DatabaseConnection)
        case create
    }

    /// What `acquire` tells the caller to do.
    enum AcquireAction {
        case resume(Lease)
        case fail(DatabaseError)
        case wait(UInt64)
    }

    typealias Waiter = CheckedContinuation<Lease, any Error>

    private(set) var idle: [DatabaseConnection] = []
    /// Connections counted against the limit: idle, lent, or being opened.
    private(set) var open = 0
    private(set) var waiters: [(id: UInt64, continuation: Waiter)] = []
    private var nextWaiterID: UInt64 = 0
    private var closed = false

    mutating func acquire(maximum: Int, continuation: Waiter) -> AcquireAction {
        if closed { return .fail(DatabaseError(code: .poolClosed, message: "the connection pool is closed")) }
        if let connection = idle.popLast() { return .resume(.existing(connection)) }
        if open < maximum {
            open += 1
            return .resume(.create)
        }
        nextWaiterID += 1
        waiters.append((nextWaiterID, continuation))
        return .wait(nextWaiterID)
    }

    /// A healthy connection came back: the first waiter gets it, else it goes idle (or is dropped when closed).
    mutating func release(_ connection: DatabaseConnection) -> Waiter? {
        if closed {
            open -= 1
            return nil
        }
        if !waiters.isEmpty { return waiters.removeFirst().continuation }
        idle.append(connection)
        return nil
    }

    /// A connection was closed: its slot goes to the first waiter (to open a new one) or is freed.
    mutating func dropConnection() -> Waiter? {
        if !closed && !waiters.isEmpty { return waiters.removeFirst().continuation }
        open -= 1
        return nil
    }

    mutating func removeWaiter(_ id: UInt64) -> Waiter? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: index).continuation
    }

    /// Takes every idle connection out (for a health sweep); they come back through `release`/`dropConnection`.
    mutating func takeIdle() -> [DatabaseConnection] {
        defer { idle.removeAll() }
        return idle
    }

    /// Closes the pool: idle connections are dropped, waiters returned to be failed.
    mutating func close() -> [Waiter] {
        closed = true
        open -= idle.count
        idle.removeAll()
        defer { waiters.removeAll() }
        return waiters.map(\.continuation)
    }
}
