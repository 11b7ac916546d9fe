// DeviceCacheTests: what the per-replica cache keeps, drops and refuses to keep.

import EventBus
import Foundation
import Testing

@Suite struct DeviceCacheTests {
    struct Answer: DeviceCacheEntry, Equatable {
        var deviceID: UUID
        var text: String
    }

    static func liveCache(capacity: Int = 10) -> DeviceCache<Answer> {
        let cache = DeviceCache<Answer>(capacity: capacity)
        cache.invalidateAll(live: true)
        return cache
    }

    @Test func nothingIsKeptUntilTheInvalidatorIsLive() {
        let cache = DeviceCache<Answer>(capacity: 10)
        #expect(cache.ticket() == nil)
        cache.insert(Answer(deviceID: UUID(), text: "a"), key: "k", ticket: cache.ticket())
        #expect(cache.lookup("k") == nil)
        cache.invalidateAll(live: true)
        let answer = Answer(deviceID: UUID(), text: "a")
        cache.insert(answer, key: "k", ticket: cache.ticket())
        #expect(cache.lookup("k") == answer)
        cache.invalidateAll(live: false)
        #expect(cache.lookup("k") == nil)
        #expect(cache.ticket() == nil)
    }

    @Test func aLoadThatOverlappedAnyInvalidationIsServedButNotKept() {
        let cache = Self.liveCache()
        let ticket = cache.ticket()
        cache.invalidate(deviceIDs: [UUID()])  // an event for any Mac while the load ran
        cache.insert(Answer(deviceID: UUID(), text: "stale?"), key: "k", ticket: ticket)
        #expect(cache.lookup("k") == nil)
        cache.insert(Answer(deviceID: UUID(), text: "fresh"), key: "k", ticket: cache.ticket())
        #expect(cache.lookup("k")?.text == "fresh")
    }

    @Test func anEventDropsOnlyTheMacItNames() {
        let cache = Self.liveCache()
        let first = Answer(deviceID: UUID(), text: "1")
        let second = Answer(deviceID: UUID(), text: "2")
        cache.insert(first, key: "one", ticket: cache.ticket())
        cache.insert(second, key: "two", ticket: cache.ticket())
        cache.invalidate(deviceIDs: [first.deviceID])
        #expect(cache.lookup("one") == nil)
        #expect(cache.lookup("two") == second)
    }

    @Test func aMacHasOneKeyAndANewKeyReplacesTheOld() {
        let cache = Self.liveCache()
        let device = UUID()
        cache.insert(Answer(deviceID: device, text: "old credential"), key: "old", ticket: cache.ticket())
        cache.insert(Answer(deviceID: device, text: "new credential"), key: "new", ticket: cache.ticket())
        #expect(cache.lookup("old") == nil)
        #expect(cache.lookup("new")?.text == "new credential")
        cache.invalidate(deviceIDs: [device])
        #expect(cache.lookup("new") == nil)
        #expect(cache.count == 0)
    }

    @Test func aFullCacheMakesRoomAndAZeroCapacityKeepsNothing() {
        let cache = Self.liveCache(capacity: 3)
        for n in 0..<5 {
            cache.insert(Answer(deviceID: UUID(), text: "\(n)"), key: "k\(n)", ticket: cache.ticket())
        }
        #expect(cache.count == 3)
        #expect(cache.lookup("k4")?.text == "4")
        let none = Self.liveCache(capacity: 0)
        #expect(none.ticket() == nil)
        none.insert(Answer(deviceID: UUID(), text: "x"), key: "k", ticket: none.ticket())
        #expect(none.lookup("k") == nil)
    }
}
