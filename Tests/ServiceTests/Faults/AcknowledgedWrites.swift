// AcknowledgedWrites: what a load generator was told was stored, and what it was refused, across tasks.

import Synchronization

/// The keys of writes a service acknowledged (200/201) and a count of attempts it did not, shared by the
/// concurrent clients of one fault test. After the fault, every acknowledged key must be in the database.
final class AcknowledgedWrites: Sendable {
    private let state = Mutex<(acknowledged: [String], refused: Int)>(([], 0))

    func acknowledge(_ key: String) { state.withLock { $0.acknowledged.append(key) } }
    func refuse() { state.withLock { $0.refused += 1 } }

    /// Every acknowledged key, in the order the answers came.
    var acknowledged: [String] { state.withLock { $0.acknowledged } }
    var acknowledgedCount: Int { state.withLock { $0.acknowledged.count } }
    /// Attempts answered with another status or not at all.
    var refused: Int { state.withLock { $0.refused } }
}
