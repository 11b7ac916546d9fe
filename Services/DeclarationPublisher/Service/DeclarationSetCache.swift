// DeclarationSetCache: per-replica memory of each Mac's answers, invalidated by bus events.

import Foundation
import Synchronization

/// Each Mac's answers in memory, keyed by enrollment id, so the hot path does no query while nothing changed.
///
/// Correctness never depends on it: a miss reads the database. Entries are only added while the
/// invalidator is live (listening and caught up with the bus), and a load that overlapped any invalidation
/// is served but not kept (`ticket` / `insert`), so a stale read can never outlive the event that
/// superseded it. When full, an arbitrary entry makes room.
public final class DeclarationSetCache: Sendable {
    private struct State {
        var entries: [String: CachedDeclarationSet] = [:]
        var enrollmentByDevice: [UUID: String] = [:]
        var epoch: UInt64 = 0
        var isLive = false
    }

    /// Most Macs held; 0 disables the cache.
    public let capacity: Int
    private let state = Mutex(State())

    /// Creates an empty cache that keeps nothing until `setLive(true)`.
    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// The cached answers for `enrollmentID`.
    public func lookup(_ enrollmentID: String) -> CachedDeclarationSet? {
        state.withLock { $0.entries[enrollmentID] }
    }

    /// Taken before reading the database; nil while the cache keeps nothing.
    public func ticket() -> UInt64? {
        state.withLock { $0.isLive && capacity > 0 ? $0.epoch : nil }
    }

    /// Keeps `entry` unless an invalidation happened since `ticket` was taken.
    public func insert(_ entry: CachedDeclarationSet, enrollmentID: String, ticket: UInt64?) {
        guard let ticket else { return }
        state.withLock { state in
            guard state.isLive, state.epoch == ticket else { return }
            if state.entries[enrollmentID] == nil, state.entries.count >= capacity,
                let victim = state.entries.first
            {
                state.entries.removeValue(forKey: victim.key)
                state.enrollmentByDevice.removeValue(forKey: victim.value.deviceID)
            }
            if let previous = state.enrollmentByDevice[entry.deviceID], previous != enrollmentID {
                state.entries.removeValue(forKey: previous)
            }
            state.entries[enrollmentID] = entry
            state.enrollmentByDevice[entry.deviceID] = enrollmentID
        }
    }

    /// Drops the entries of `deviceIDs` and voids every load in flight.
    public func invalidate(deviceIDs: some Sequence<UUID>) {
        state.withLock { state in
            state.epoch &+= 1
            for deviceID in deviceIDs {
                if let enrollmentID = state.enrollmentByDevice.removeValue(forKey: deviceID) {
                    state.entries.removeValue(forKey: enrollmentID)
                }
            }
        }
    }

    /// Drops everything; with `live: false` keeps nothing until made live again (invalidator not listening).
    public func invalidateAll(live: Bool) {
        state.withLock { state in
            state.epoch &+= 1
            state.entries.removeAll()
            state.enrollmentByDevice.removeAll()
            state.isLive = live
        }
    }

    /// Number of Macs held.
    public var count: Int { state.withLock { $0.entries.count } }
}
