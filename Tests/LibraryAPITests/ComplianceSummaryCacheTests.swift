// ComplianceSummaryCacheTests: single flight, refresh ahead without making callers wait, the age limit, and
// recomputing only after a change while changes are watched.

import Foundation
import Synchronization
import Testing

@testable import LibraryAPIService

@Suite("compliance summary cache")
struct ComplianceSummaryCacheTests {
    /// A computation whose result (as `totalMacs`) is `base` plus the number of times it ran, with the change
    /// mark `mark`, optionally held at a gate until `release()`.
    final class Computation: Sendable {
        struct Gate {
            var waiting: CheckedContinuation<Void, Never>?
            var open = false
        }

        let runs = Mutex(0)
        let gate = Mutex(Gate())
        let holds: Bool
        let base: Int
        let mark: Int64?

        init(holds: Bool, base: Int = 0, mark: Int64? = nil) {
            self.holds = holds
            self.base = base
            self.mark = mark
        }

        func compute() async throws -> (view: ComplianceSummaryView, changeMark: Int64?) {
            let run = runs.withLock { runs in
                runs += 1
                return runs
            }
            if holds {
                await withCheckedContinuation { continuation in
                    let passes = gate.withLock { gate -> Bool in
                        if gate.open { return true }
                        gate.waiting = continuation
                        return false
                    }
                    if passes { continuation.resume() }
                }
            }
            let view = ComplianceSummaryView(
                generatedAt: Date(), totalMacs: base + run, overall: ComplianceCounts(), perItem: [], perBlueprint: [],
                perVersion: [])
            return (view, mark)
        }

        /// Waits (up to 5 s) until a held computation is at the gate, then opens it for good; says whether one
        /// was held there.
        @discardableResult func release() async -> Bool {
            for _ in 0..<5_000 {
                if gate.withLock({ $0.waiting != nil }) { break }
                try? await Task.sleep(for: .milliseconds(1))
            }
            let waiting = gate.withLock { gate -> CheckedContinuation<Void, Never>? in
                gate.open = true
                defer { gate.waiting = nil }
                return gate.waiting
            }
            waiting?.resume()
            return waiting != nil
        }
    }

    @Test("concurrent first callers share one computation")
    func singleFlight() async throws {
        let cache = ComplianceSummaryCache(maxAge: .seconds(60))
        let computation = Computation(holds: true)
        async let first = cache.summary { try await computation.compute() }
        async let second = cache.summary { try await computation.compute() }
        await computation.release()
        let answers = try await [first.view.totalMacs, second.view.totalMacs]
        #expect(answers == [1, 1])
        #expect(computation.runs.withLock { $0 } == 1)
    }

    /// Real time plus an offset the test moves (no sleeping, whatever the machine's load).
    final class MovableClock: Sendable {
        let offset = Mutex(Duration.zero)
        func now() -> ContinuousClock.Instant { ContinuousClock.now + offset.withLock { $0 } }
        func advance(by duration: Duration) { offset.withLock { $0 += duration } }
    }

    @Test("past a fifth of its age the kept summary is still served while its replacement is computed")
    func refreshesAheadWithoutWaiting() async throws {
        let clock = MovableClock()
        let cache = ComplianceSummaryCache(maxAge: .seconds(60), now: { clock.now() })
        let first = Computation(holds: false)
        #expect(try await cache.summary { try await first.compute() }.view.totalMacs == 1)
        // Young: served as kept, nothing computed.
        #expect(try await cache.summary { try await first.compute() }.view.totalMacs == 1)
        #expect(first.runs.withLock { $0 } == 1)

        clock.advance(by: .seconds(13))
        let second = Computation(holds: true, base: 10)
        // Past a fifth of its age: answered at once from the kept summary though the replacement is held at its
        // gate.
        #expect(try await cache.summary { try await second.compute() }.view.totalMacs == 1)
        #expect(try await cache.summary { try await second.compute() }.view.totalMacs == 1)
        // The replacement started with those calls (it waits at the gate) ...
        #expect(await second.release())
        // ... and once it is in, it is served; it was computed once for all those callers.
        #expect(try await Self.servedOnceReplaced(cache, kept: 1) { try await second.compute() } == 11)
        #expect(second.runs.withLock { $0 } == 1)
    }

    @Test("a summary older than the maximum age is never served: the caller waits for a new one")
    func expiredIsRecomputed() async throws {
        let clock = MovableClock()
        let cache = ComplianceSummaryCache(maxAge: .seconds(60), now: { clock.now() })
        let computation = Computation(holds: false)
        #expect(try await cache.summary { try await computation.compute() }.view.totalMacs == 1)
        clock.advance(by: .seconds(61))
        #expect(try await cache.summary { try await computation.compute() }.view.totalMacs == 2)
        #expect(computation.runs.withLock { $0 } == 2)
    }

    @Test("a failed computation is not kept: the next caller computes again")
    func failureIsNotKept() async throws {
        struct Failed: Error {}
        let cache = ComplianceSummaryCache(maxAge: .seconds(60))
        await #expect(throws: Failed.self) { try await cache.summary { throw Failed() } }
        let computation = Computation(holds: false)
        #expect(try await cache.summary { try await computation.compute() }.view.totalMacs == 1)
    }

    /// A cache (maximum age 60 s) whose watcher reports change mark 7, holding a first summary computed at
    /// mark 7 (`totalMacs` 1).
    static func watchedCacheWithFirstSummary() async throws
        -> (clock: MovableClock, cache: ComplianceSummaryCache, computation: Computation)
    {
        let clock = MovableClock()
        let cache = ComplianceSummaryCache(maxAge: .seconds(60), now: { clock.now() })
        await cache.noteChanges(upTo: 7)
        let computation = Computation(holds: false, mark: 7)
        #expect(try await cache.summary { try await computation.compute() }.view.totalMacs == 1)
        return (clock, cache, computation)
    }

    /// The `totalMacs` served once the summary with `kept` was replaced (asking up to 400 times, 5 ms apart).
    static func servedOnceReplaced(
        _ cache: ComplianceSummaryCache, kept: Int,
        _ compute: @escaping ComplianceSummaryCache.Computation
    ) async throws -> Int {
        var answer = kept
        for _ in 0..<400 where answer == kept {
            answer = try await cache.summary(compute).view.totalMacs
            if answer == kept { try await Task.sleep(for: .milliseconds(5)) }
        }
        return answer
    }

    @Test("while changes are watched an unchanged summary is served however old, and never recomputed")
    func unchangedIsNeverRecomputed() async throws {
        let (clock, cache, computation) = try await Self.watchedCacheWithFirstSummary()
        clock.advance(by: .seconds(3_600))
        await cache.noteChanges(upTo: 7)
        #expect(try await cache.summary { try await computation.compute() }.view.totalMacs == 1)
        try await Task.sleep(for: .milliseconds(50))
        #expect(computation.runs.withLock { $0 } == 1)
    }

    @Test("a change noticed after a long quiet spell is refreshed in the background; the caller is not made to wait")
    func changeAfterQuietSpellRefreshesAhead() async throws {
        let (clock, cache, _) = try await Self.watchedCacheWithFirstSummary()
        clock.advance(by: .seconds(3_600))
        await cache.noteChanges(upTo: 9)
        let second = Computation(holds: true, base: 10, mark: 9)
        // Stale for no time yet: served at once while the replacement waits at its gate.
        #expect(try await cache.summary { try await second.compute() }.view.totalMacs == 1)
        #expect(await second.release())
        #expect(try await Self.servedOnceReplaced(cache, kept: 1) { try await second.compute() } == 11)
        // Current again: no further computation.
        clock.advance(by: .seconds(600))
        #expect(try await cache.summary { try await second.compute() }.view.totalMacs == 11)
        #expect(second.runs.withLock { $0 } == 1)
    }

    @Test("a change left unrefreshed past the maximum age is never served: the caller waits for a new summary")
    func staleSinceChangeExpires() async throws {
        let (clock, cache, computation) = try await Self.watchedCacheWithFirstSummary()
        await cache.noteChanges(upTo: 8)
        clock.advance(by: .seconds(61))
        #expect(try await cache.summary { try await computation.compute() }.view.totalMacs == 2)
    }

    @Test("when changes stop being watched the age limit applies again")
    func untrackedFallsBackToAge() async throws {
        let (clock, cache, computation) = try await Self.watchedCacheWithFirstSummary()
        await cache.noteChanges(upTo: nil)
        clock.advance(by: .seconds(61))
        #expect(try await cache.summary { try await computation.compute() }.view.totalMacs == 2)
    }
}
