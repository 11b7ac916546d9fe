// ComplianceSummaryCache: serves the fleet-wide compliance summary at most `maxAge` old, computing it once
// for all concurrent callers and ahead of time, so callers do not wait for it.

import Foundation
import NIOCore

/// Keeps the last summary for `maxAge` and lets concurrent requests share one computation (single flight),
/// so the summary costs at most one aggregation over the fleet per `maxAge / 5` plus its own duration,
/// whatever the request rate.
///
/// Once the kept summary is a fifth of `maxAge` old, the next request starts its replacement in the background
/// and is still answered from the kept one; only a request arriving when nothing young enough is kept (the
/// first, or after a quiet spell) waits for a computation. A summary's age counts from when its computation
/// started, so a served summary never reflects the database more than `maxAge` ago.
actor ComplianceSummaryCache {
    /// A computed summary, and its JSON encoded once for every API caller.
    struct Entry: Sendable {
        let view: ComplianceSummaryView
        let json: ByteBuffer

        init(_ view: ComplianceSummaryView) throws {
            self.view = view
            json = ByteBuffer(bytes: try JSONBody.encoder.encode(view))
        }
    }

    /// How old a served summary may be; zero disables caching.
    let maxAge: Duration
    private var cached: (value: Entry, startedAt: ContinuousClock.Instant)?
    private var inFlight: Task<Entry, any Error>?
    /// The current instant (tests move it).
    private let now: @Sendable () -> ContinuousClock.Instant

    init(maxAge: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.maxAge = maxAge
        self.now = now
    }

    /// A summary no older than `maxAge`, computed by `compute` when needed.
    func summary(
        _ compute: @escaping @Sendable () async throws -> ComplianceSummaryView
    ) async throws -> Entry {
        guard maxAge > .zero else { return try Entry(await compute()) }
        if let cached {
            let age = cached.startedAt.duration(to: now())
            if age < maxAge {
                // From a fifth of its age: under full load on two cores a computation took up to 2.5 s, which
                // from half of 5 s let the kept summary expire and every caller wait.
                if age >= maxAge / 5, inFlight == nil { inFlight = refresh(compute) }
                return cached.value
            }
        }
        let task = inFlight ?? refresh(compute)
        inFlight = task
        return try await task.value
    }

    /// Starts a computation that replaces the kept summary when it finishes.
    private func refresh(
        _ compute: @escaping @Sendable () async throws -> ComplianceSummaryView
    ) -> Task<Entry, any Error> {
        let startedAt = now()
        return Task {
            do {
                let value = try Entry(await compute())
                self.finish(with: (value, startedAt))
                return value
            } catch {
                self.finish(with: nil)
                throw error
            }
        }
    }

    private func finish(with result: (value: Entry, startedAt: ContinuousClock.Instant)?) {
        if let result { cached = result }
        inFlight = nil
    }
}
