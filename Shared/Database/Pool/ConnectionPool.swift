// ConnectionPool: a bounded pool of libpq connections, lent inside `withConnection { }` on a thread pool.

import Logging
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A bounded pool of `DatabaseConnection`s.
///
/// - At most `configuration.maximumConnections` connections are open; callers beyond that wait up to
///   `configuration.acquireTimeout`, then fail with `.poolTimeout`.
/// - Connections are only lent inside `withConnection`/`withTransaction`, whose closure runs on the
///   pool's own threads (libpq blocks; the cooperative pool never does).
/// - A connection is checked before it is lent and after it is returned; a broken one (terminated
///   backend, lost socket, left inside a transaction) is closed and replaced.
/// - As a `Service`, `run()` sweeps idle connections for breakage and closes the pool on graceful shutdown.
public final class ConnectionPool: Service, Sendable {
    /// Where to connect and the pool's limits.
    public let configuration: DatabaseConfiguration
    private let logger: Logger
    private let threadPool: NIOThreadPool
    private let state = Mutex(ConnectionPoolState())

    /// Creates a pool; no connection is opened until one is needed.
    public init(configuration: DatabaseConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.threadPool = NIOThreadPool(numberOfThreads: configuration.maximumConnections + 1)
        threadPool.start()
    }

    /// Lends a connection to `body` on a pool thread and takes it back afterwards.
    @discardableResult
    public func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (DatabaseConnection) throws -> T
    ) async throws -> T {
        let connection = try await acquire()
        do {
            let value = try await threadPool.runIfActive { try body(connection) }
            release(connection)
            return value
        } catch {
            release(connection)
            throw error
        }
    }

    /// Runs `body` in a transaction on a lent connection: committed when it returns, rolled back when it throws.
    @discardableResult
    public func withTransaction<T: Sendable>(
        _ body: @escaping @Sendable (DatabaseConnection) throws -> T
    ) async throws -> T {
        try await withConnection { connection in try connection.withTransaction(body) }
    }

    /// True when `SELECT 1` succeeds within `timeout`.
    public func ping(timeout: Duration = .seconds(2)) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { [self] in
                (try? await withConnection { try $0.query("SELECT 1").rows.count == 1 }) ?? false
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// Numbers for health and metrics.
    public var statistics: (open: Int, idle: Int, waiting: Int) {
        state.withLock { ($0.open, $0.idle.count, $0.waiters.count) }
    }

    /// Sweeps idle connections every few seconds; on graceful shutdown closes the pool and returns.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(5))
                self.sweepIdleConnections()
            }
        }
        await close()
    }

    /// Closes every idle connection, fails waiting callers with `.poolClosed` and stops the threads.
    /// Connections still lent are closed when they come back.
    public func close() async {
        markClosed()
        try? await threadPool.shutdownGracefully()
    }

    // MARK: - Lending

    private func acquire() async throws -> DatabaseConnection {
        let lease: ConnectionPoolState.Lease = try await withCheckedThrowingContinuation { continuation in
            let action = state.withLock {
                $0.acquire(maximum: configuration.maximumConnections, continuation: continuation)
            }
            switch action {
            case .resume(let lease): continuation.resume(returning: lease)
            case .fail(let error): continuation.resume(throwing: error)
            case .wait(let waiterID): scheduleTimeout(for: waiterID)
            }
        }
        switch lease {
        case .existing(let connection):
            if connection.isUsable { return connection }
            logger.info("Replacing broken pooled connection", metadata: ["db.backend_pid": "\(connection.backendPID)"])
            return try await openConnection()
        case .create:
            return try await openConnection()
        }
    }

    /// Opens a connection for a slot already counted in `open`; gives the slot back on failure.
    private func openConnection() async throws -> DatabaseConnection {
        do {
            let configuration = self.configuration
            return try await threadPool.runIfActive { try DatabaseConnection.connect(configuration) }
        } catch {
            giveBackSlot()
            throw error
        }
    }

    private func release(_ connection: DatabaseConnection) {
        guard connection.isUsable, !connection.isInTransaction else {
            giveBackSlot()
            return
        }
        let waiter = state.withLock { $0.release(connection) }
        waiter?.resume(returning: .existing(connection))
    }

    /// A connection was dropped: hand its slot to a waiter (who opens a new one) or free it.
    private func giveBackSlot() {
        let waiter = state.withLock { $0.dropConnection() }
        waiter?.resume(returning: .create)
    }

    private func scheduleTimeout(for waiterID: UInt64) {
        let timeout = configuration.acquireTimeout
        let maximum = configuration.maximumConnections
        Task { [self] in
            try? await Task.sleep(for: timeout)
            let waiter = state.withLock { $0.removeWaiter(waiterID) }
            waiter?.resume(
                throwing: DatabaseError(
                    code: .poolTimeout,
                    message: "no database connection became free within \(timeout) (pool size \(maximum))"))
        }
    }

    private func sweepIdleConnections() {
        let idle = state.withLock { $0.takeIdle() }
        var broken = 0
        for connection in idle {
            if connection.isUsable {
                release(connection)
            } else {
                broken += 1
                giveBackSlot()
            }
        }
        if broken > 0 { logger.info("Closed broken idle connections", metadata: ["db.broken": "\(broken)"]) }
    }

    private func markClosed() {
        let waiters = state.withLock { $0.close() }
        for waiter in waiters {
            waiter.resume(throwing: DatabaseError(code: .poolClosed, message: "the connection pool is closed"))
        }
    }
}
