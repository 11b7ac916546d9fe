// PlanShapePruning: deletes plan shapes no plan names any more, at most once per interval.

import Database
import FleetStore
import Foundation
import Synchronization

/// When the active scheduler last deleted unused plan shapes (`PlanStore.deleteUnusedShapes`), so a cycle —
/// which runs on every tick and bus wake-up — does it at most once per `interval`. A shape younger than
/// `interval` is kept.
final class PlanShapePruning: Sendable {
    let interval: Duration
    private let lastRun = Mutex<Date?>(nil)

    init(interval: Duration) {
        self.interval = interval
    }

    /// Deletes unused shapes when the last run is `interval` ago (or there was none); returns how many.
    func runIfDue(now: Date, pool: ConnectionPool) async throws -> Int {
        let seconds = TimeInterval(interval.components.seconds)
        let due = lastRun.withLock { last in
            guard last.map({ now.timeIntervalSince($0) >= seconds }) ?? true else { return false }
            last = now
            return true
        }
        guard due else { return 0 }
        return try await pool.withConnection {
            try PlanStore.deleteUnusedShapes(createdBefore: now.addingTimeInterval(-seconds), on: $0)
        }
    }
}
