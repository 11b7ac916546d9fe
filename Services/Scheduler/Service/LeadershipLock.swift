// LeadershipLock: a PostgreSQL session advisory lock on a dedicated connection — whoever holds it is the
// active scheduler; it is released the moment that process or its connection dies.

import Database
import NIOPosix

/// One attempt at leadership: its own connection and thread (libpq calls block).
final class LeadershipLock: @unchecked Sendable {
    /// The advisory lock key every scheduler agrees on.
    static let key: Int64 = 0x4D4F_5353_4348  // "MOSSCH"

    private let configuration: DatabaseConfiguration
    private let thread = NIOThreadPool(numberOfThreads: 1)
    // Only touched on `thread`.
    private var connection: DatabaseConnection?

    init(configuration: DatabaseConfiguration) {
        self.configuration = configuration
        thread.start()
    }

    /// No call runs on `thread` by now (each keeps the lock alive), so the connection (and with it the
    /// advisory lock) is finished here, synchronously, rather than in the thread's shutdown callback.
    deinit {
        connection = nil
        thread.shutdownGracefully { _ in }
    }

    /// Connects and tries the lock once; true when this process is now the active scheduler.
    func tryAcquire() async -> Bool {
        let configuration = self.configuration
        return (try? await thread.runIfActive { () -> Bool in
            let connection = try DatabaseConnection.connect(configuration)
            let held: Bool = try connection.query("SELECT pg_try_advisory_lock($1::bigint) AS held", [Self.key])
                .first?.decode("held") ?? false
            if held { self.connection = connection }
            return held
        }) ?? false
    }

    /// Whether the lock is still held (its connection still answers).
    func isHeld() async -> Bool {
        (try? await thread.runIfActive { () -> Bool in
            guard let connection = self.connection else { return false }
            return try connection.query("SELECT 1 AS one").first != nil
        }) ?? false
    }

    /// Gives the lock up by closing the connection.
    func release() async {
        _ = try? await thread.runIfActive { self.connection = nil }
    }
}
