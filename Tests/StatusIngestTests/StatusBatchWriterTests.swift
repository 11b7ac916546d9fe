// StatusBatchWriterTests: the group-commit writer stops when its task is cancelled, and writes what it took.

import Database
import Foundation
import Logging
import Synchronization
import StatusIngestService
import TestSupport
import Testing

@Suite("status batch writer", .enabled(if: TestDatabase.isEnabled))
struct StatusBatchWriterTests {
    /// Cancelling the task that runs the writer (what a service group does when graceful shutdown takes too
    /// long, and what a test or benchmark does to stop an application) ends `run()`. Its idle loops used to wait
    /// for work forever, so the application never returned.
    @Test func cancellingTheRunningTaskEndsTheWriterAfterItsWork() async throws {
        let database = try await TestDatabase.create()
        defer { database.drop() }
        let pool = database.makePool()
        try database.query("INSERT INTO devices (enrollment_id) VALUES ('mac-writer')")
        let writer = StatusBatchWriter(
            pool: pool, store: StatusStore(autoRegister: false), window: .milliseconds(2), maximumBatchSize: 10,
            writers: 3, logger: TestDatabase.logger)
        let finished = Atomic(false)
        let running = Task {
            try? await writer.run()
            finished.store(true, ordering: .sequentiallyConsistent)
        }
        let body = StatusReportFixtures.installState("downloading")
        /// Submits one report; true when it was stored.
        func submitted() async throws -> Bool {
            let outcome = try await writer.submit(
                IncomingStatusReport(
                    enrollmentID: "mac-writer", receivedAt: Date(),
                    report: try StatusReportParser.parse(Array(body.utf8)), body: body))
            if case .stored = outcome { return true }
            return false
        }
        #expect(try await submitted())
        running.cancel()
        // Polled, not awaited: a writer that ignores cancellation fails the test instead of hanging it.
        let deadline = ContinuousClock.now + .seconds(10)
        while !finished.load(ordering: .sequentiallyConsistent), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let ended = finished.load(ordering: .sequentiallyConsistent)
        #expect(ended)
        // After the loops ended, a report is still written (directly) and acknowledged only once committed.
        #expect(try await submitted())
        #expect(try database.query("SELECT count(*) AS n FROM device_status_history").first!.decode("n", as: Int.self) == 2)
        await pool.close()
    }
}
