// StatusBatchWriter: group commit for status reports; requests wait until their batch has committed.

import Database
import Logging
import ServiceLifecycle
import Synchronization

/// Collects reports from concurrent requests and writes them in batches, one transaction each.
///
/// `submit` queues a report and suspends until the transaction holding it has committed (or failed). As a
/// `Service`, `run()` drives `writers` loops: each waits for work, lets a batch gather for up to `window`
/// (unless `maximumBatchSize` reports are already queued), takes up to `maximumBatchSize` reports and writes
/// them. While writes are in flight new reports queue up, so batches grow with load. A batch that fails is
/// retried report by report, so one unwritable report fails alone. After shutdown (or before `run()`),
/// reports are written one by one directly.
public final class StatusBatchWriter: Service, Sendable {
    /// One queued report and the request waiting for it.
    struct Pending {
        var report: IncomingStatusReport
        var continuation: CheckedContinuation<StatusWriteOutcome, any Error>
    }

    /// The queue and the idle writer loops.
    struct State {
        var pending: [Pending] = []
        var idleWriters: [CheckedContinuation<Bool, Never>] = []
        var running = false
        var stopped = false
        /// Set once the loops have exited and the queue was handed over; later reports are written directly.
        var drained = false
    }

    /// Thrown inside `submit` to leave the continuation when the report must be written directly.
    struct WriteDirectly: Error {}

    private let pool: ConnectionPool
    private let store: StatusStore
    private let logger: Logger
    /// Longest a report waits for others before its batch is written.
    public let window: Duration
    /// Most reports in one transaction.
    public let maximumBatchSize: Int
    /// Concurrent batch transactions.
    public let writers: Int
    private let state = Mutex(State())

    /// Creates a writer over `pool`.
    public init(
        pool: ConnectionPool, store: StatusStore, window: Duration, maximumBatchSize: Int, writers: Int,
        logger: Logger
    ) {
        self.pool = pool
        self.store = store
        self.window = window
        self.maximumBatchSize = max(1, maximumBatchSize)
        self.writers = max(1, writers)
        self.logger = logger
    }

    /// Queues `report` and returns once it is committed.
    public func submit(_ report: IncomingStatusReport) async throws -> StatusWriteOutcome {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                let admission = state.withLock { state -> (queued: Bool, writer: CheckedContinuation<Bool, Never>?) in
                    guard state.running, !state.drained else { return (false, nil) }
                    state.pending.append(Pending(report: report, continuation: continuation))
                    return (true, state.idleWriters.popLast())
                }
                if admission.queued {
                    admission.writer?.resume(returning: true)
                } else {
                    continuation.resume(throwing: WriteDirectly())
                }
            }
        } catch is WriteDirectly {
            return try await write([report])[0]
        }
    }

    /// Runs the writer loops until graceful shutdown or cancellation, then writes what is still queued.
    public func run() async throws {
        state.withLock { $0.running = true }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<writers {
                group.addTask { await self.writerLoop() }
            }
            // Graceful shutdown and cancellation (a service group escalating, or a task running the
            // application being cancelled) both stop the loops; without the latter, idle loops waited forever.
            await withTaskCancellationHandler {
                await withGracefulShutdownHandler {
                    await group.waitForAll()
                } onGracefulShutdown: {
                    self.stop()
                }
            } onCancel: {
                self.stop()
            }
        }
        let rest = state.withLock { state -> [Pending] in
            state.drained = true
            defer { state.pending.removeAll() }
            return state.pending
        }
        for pending in rest { await writeAndResume([pending]) }
    }

    /// Stops the loops after they drained the queue; later reports are written directly.
    public func stop() {
        let idle = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.stopped = true
            defer { state.idleWriters.removeAll() }
            return state.idleWriters
        }
        for writer in idle { writer.resume(returning: false) }
    }

    private func writerLoop() async {
        while await waitForWork() {
            let queued = state.withLock { $0.pending.count }
            if maximumBatchSize > queued, window > .zero {
                try? await Task.sleep(for: window)
            }
            let batch = state.withLock { state -> [Pending] in
                let count = min(maximumBatchSize, state.pending.count)
                defer { state.pending.removeFirst(count) }
                return Array(state.pending.prefix(count))
            }
            guard !batch.isEmpty else { continue }
            await writeAndResume(batch)
        }
    }

    /// True when there is work; false once stopped with an empty queue.
    private func waitForWork() async -> Bool {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool? in
                if !state.pending.isEmpty { return true }
                if state.stopped { return false }
                state.idleWriters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func writeAndResume(_ batch: [Pending]) async {
        do {
            let outcomes = try await write(batch.map(\.report))
            for (pending, outcome) in zip(batch, outcomes) { pending.continuation.resume(returning: outcome) }
        } catch {
            if batch.count > 1 {
                logger.warning(
                    "status batch failed, retrying report by report",
                    metadata: ["batch.size": "\(batch.count)", "error.message": "\(error)"])
                for pending in batch { await writeAndResume([pending]) }
            } else {
                batch[0].continuation.resume(throwing: error)
            }
        }
    }

    private func write(_ reports: [IncomingStatusReport]) async throws -> [StatusWriteOutcome] {
        let store = self.store
        return try await pool.withTransaction { connection in try store.write(reports, on: connection) }
    }
}
