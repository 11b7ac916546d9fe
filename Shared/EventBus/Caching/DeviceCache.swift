// DeviceCache: per-replica memory of each Mac's answers, invalidated by bus events.

import Foundation
import Synchronization

/// A cached answer that belongs to one Mac, so a bus event naming the Mac can drop it.
public protocol DeviceCacheEntry: Sendable {
    /// What the hot path looks the answer up by (an enrollment id, a credential digest).
    associatedtype Key: Hashable & Sendable = String
    /// The Mac the answer belongs to.
    var deviceID: UUID { get }
}

/// What ``DeviceCacheInvalidator`` needs of a cache, whatever it holds.
public protocol DeviceInvalidatable: Sendable {
    /// Drops the entries of `deviceIDs` and voids every load in flight.
    func invalidate(deviceIDs: some Sequence<UUID>)
    /// Drops everything; with `live: false` keeps nothing until made live again.
    func invalidateAll(live: Bool)
}

/// Each Mac's answers in memory under a key the hot path has at hand (an enrollment id, a credential
/// digest), so that path does no query while nothing changed. Used by declaration-publisher and
/// self-service-gateway; kept true by ``DeviceCacheInvalidator``.
///
/// Correctness never depends on it: a miss reads the database. Entries are only added while the
/// invalidator is live (listening and caught up with the bus), and a load that overlapped any invalidation
/// is served but not kept (`ticket` / `insert`), so a stale read can never outlive the event that
/// superseded it. When full, an arbitrary entry makes room.
public final class DeviceCache<Entry: DeviceCacheEntry>: DeviceInvalidatable {
    private struct State {
        var entries: [Entry.Key: Entry] = [:]
        var keyByDevice: [UUID: Entry.Key] = [:]
        var epoch: UInt64 = 0
        var isLive = false
    }

    /// Most Macs held; 0 disables the cache.
    public let capacity: Int
    private let state = Mutex(State())

    /// Creates an empty cache that keeps nothing until `invalidateAll(live: true)`.
    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// The cached answer under `key`.
    public func lookup(_ key: Entry.Key) -> Entry? {
        state.withLock { $0.entries[key] }
    }

    /// Taken before reading the database; nil while the cache keeps nothing.
    public func ticket() -> UInt64? {
        state.withLock { $0.isLive && capacity > 0 ? $0.epoch : nil }
    }

    /// Keeps `entry` under `key` unless an invalidation happened since `ticket` was taken. A Mac has one
    /// key at a time: a new key for the same Mac replaces the old one.
    public func insert(_ entry: Entry, key: Entry.Key, ticket: UInt64?) {
        guard let ticket else { return }
        state.withLock { state in
            guard state.isLive, state.epoch == ticket else { return }
            if state.entries[key] == nil, state.entries.count >= capacity, let victim = state.entries.first {
                state.entries.removeValue(forKey: victim.key)
                state.keyByDevice.removeValue(forKey: victim.value.deviceID)
            }
            if let previous = state.keyByDevice[entry.deviceID], previous != key {
                state.entries.removeValue(forKey: previous)
            }
            state.entries[key] = entry
            state.keyByDevice[entry.deviceID] = key
        }
    }

    public func invalidate(deviceIDs: some Sequence<UUID>) {
        state.withLock { state in
            state.epoch &+= 1
            for deviceID in deviceIDs {
                if let key = state.keyByDevice.removeValue(forKey: deviceID) {
                    state.entries.removeValue(forKey: key)
                }
            }
        }
    }

    public func invalidateAll(live: Bool) {
        state.withLock { state in
            state.epoch &+= 1
            state.entries.removeAll()
            state.keyByDevice.removeAll()
            state.isLive = live
        }
    }

    /// Number of Macs held.
    public var count: Int { state.withLock { $0.entries.count } }
}
