// BlockingWork: runs blocking libpq calls of test set-up on their own threads, off the cooperative pool.

import Foundation

/// Test set-up (CREATE DATABASE, DROP DATABASE) blocks for seconds on a loaded server. Run on Swift's
/// cooperative pool — two threads on a two-core machine — it would stall every other test's async work;
/// each call here gets a thread of its own instead.
public enum BlockingWork {
    /// Runs `body` on a new thread and returns its result.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            start { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Starts `body` on a new thread and returns at once.
    public static func start(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread { body() }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
