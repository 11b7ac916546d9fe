// ComplianceSummaryCache: serves the fleet-wide compliance summary, recomputing it only when the fleet changed
// (or, when changes are not being watched, at most `maxAge` old), once for all concurrent callers and ahead of
// time, so callers do not wait for it.

import Foundation
import NIOCore

/// Keeps the last summary and lets concurrent requests share one computation (single flight).
///
/// Every write that can change the summary publishes a bus event in its transaction (`plan`, `device`,
/// `blueprint`, `library`), and each computation reads the newest such event id in its own snapshot (its
/// *change mark*). While ``CacheChangeWatcher`` reports the newest id (``noteChanges(upTo:)``), a kept
/// summary whose mark is not behind it is the database's current answer and is served without recomputing,
/// however old. Once it is behind, it is *stale since* the watcher noticed; untracked (no watcher, or it lost
/// the database) a summary is stale from the moment its computation started.
///
/// A stale summary is still served while it has been stale for less than `maxAge`, and the first request
/// that sees it stale starts its replacement in the background, at most one computation per `maxAge / 5`
/// (under constant change, a refresh every second with the default 5 s); only a request arriving when nothing
/// young enough is kept (the first, or after a quiet spell untracked) waits for a computation.
actor ComplianceSummaryCache {
    /// A computed summary, and its JSON encoded once for every API caller.
    struct Entry: Sendable {
        let view: ComplianceSummaryView
        let json: ByteBuffer
        /// The newest change event id in the computation's snapshot (nil: unknown).
        let changeMark: Int64?

        init(_ view: ComplianceSummaryView, changeMark: Int64? = nil) throws {
            self.view = view
            self.changeMark = changeMark
            json = ByteBuffer(bytes: try JSONBody.encoder.encode(view))
        }
    }

    /// What a computation returns: the summary and its snapshot's change mark.
    typealias Computation = @Sendable () async throws -> (view: ComplianceSummaryView, changeMark: Int64?)

    /// How long a summary may be served after it stopped being current; zero disables caching.
    let maxAge: Duration
    private var cached: (value: Entry, startedAt: ContinuousClock.Instant)?
    private var inFlight: Task<Entry, any Error>?
    /// The newest change event id the watcher saw; nil while changes are not watched.
    private var latestChange: Int64?
    /// When the watcher first saw a change newer than the kept summary.
    private var changeNoticedAt: ContinuousClock.Instant?
    /// The current instant (tests move it).
    private let now: @Sendable () -> ContinuousClock.Instant

    init(maxAge: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.maxAge = maxAge
        self.now = now
    }

    /// Whether the watcher reports changes (tests wait for it).
    var isWatchingChanges: Bool { latestChange != nil }

    /// Records the newest change event id in the database (nil: changes are no longer watched).
    func noteChanges(upTo mark: Int64?) {
        latestChange = mark
        guard let mark else {
            changeNoticedAt = nil
            return
        }
        if changeNoticedAt == nil, let kept = cached?.value.changeMark, mark > kept { changeNoticedAt = now() }
    }

    /// A summary that is current, or stale for less than `maxAge`, computed by `compute` when needed.
    func summary(_ compute: @escaping Computation) async throws -> Entry {
        guard maxAge > .zero else {
            let computed = try await compute()
            return try Entry(computed.view, changeMark: computed.changeMark)
        }
        if let cached {
            guard let staleSince = staleSince(cached) else { return cached.value }
            let current = now()
            if staleSince.duration(to: current) < maxAge {
                // At most one computation per fifth of the age: under full load on two cores one took up to
                // 2.5 s, and refreshing only from half of 5 s let the kept summary expire and every caller wait.
                if inFlight == nil, cached.startedAt.duration(to: current) >= maxAge / 5 { inFlight = refresh(compute) }
                return cached.value
            }
        }
        let task = inFlight ?? refresh(compute)
        inFlight = task
        return try await task.value
    }

    /// From when `kept` may no longer reflect the database; nil while it is current.
    private func staleSince(_ kept: (value: Entry, startedAt: ContinuousClock.Instant)) -> ContinuousClock.Instant? {
        guard let latestChange, let mark = kept.value.changeMark else { return kept.startedAt }
        guard latestChange > mark else { return nil }
        return changeNoticedAt ?? kept.startedAt
    }

    /// Starts a computation that replaces the kept summary when it finishes.
    private func refresh(_ compute: @escaping Computation) -> Task<Entry, any Error> {
        let startedAt = now()
        return Task {
            do {
                let computed = try await compute()
                let value = try Entry(computed.view, changeMark: computed.changeMark)
                self.finish(with: (value, startedAt))
                return value
            } catch {
                self.finish(with: nil)
                throw error
            }
        }
    }

    private func finish(with result: (value: Entry, startedAt: ContinuousClock.Instant)?) {
        inFlight = nil
        guard let result else { return }
        cached = result
        // A change noticed while it was computed may be missing from it: stale from its snapshot on.
        if let latestChange, let mark = result.value.changeMark, latestChange > mark {
            changeNoticedAt = result.startedAt
        } else {
            changeNoticedAt = nil
        }
    }
}
