// BlockingWork: runs blocking libpq calls of test set-up on their own threads, off the cooperative pool.

import Foundation
import Synchronization

/// Test set-up (CREATE DATABASE, DROP DATABASE) blocks for seconds on a loaded server. Run on Swift's
/// cooperative pool — two threads on a two-core machine — it would stall every other test's async work;
/// each call here gets a thread of its own instead.
///
/// Work started and not awaited (a test's `defer { database.drop() }`) is still finished before the test
/// process exits: libpq talks TLS to the test cluster, and OpenSSL's own exit handler frees its locks, so a
/// drop still running while the process exits crashed it (SIGSEGV in `pthread_rwlock_*` under libcrypto).
/// An exit handler registered after OpenSSL's — handlers run in reverse order — waits for that work first.
public enum BlockingWork {
    /// Runs `body` on a new thread and returns its result.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            start { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Starts `body` on a new thread and returns at once; the process does not exit before it has finished.
    public static func start(_ body: @escaping @Sendable () -> Void) {
        inFlight.enter()
        let thread = Thread {
            body()
            registerExitWaitOnce()
            inFlight.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Work started and not yet finished.
    private static let inFlight = DispatchGroup()
    private static let exitWaitRegistered = Mutex(false)
    /// Longest the process waits at exit for unfinished work (a drop on a loaded server takes seconds).
    private static let exitWaitLimit = DispatchTimeInterval.seconds(60)

    /// Registers the exit handler after the first piece of work has finished: that work opened a libpq
    /// connection, so OpenSSL has registered its handler by then and ours runs before it.
    private static func registerExitWaitOnce() {
        let first = exitWaitRegistered.withLock { registered in
            defer { registered = true }
            return !registered
        }
        guard first else { return }
        atexit { _ = BlockingWork.inFlight.wait(timeout: .now() + BlockingWork.exitWaitLimit) }
    }
}
