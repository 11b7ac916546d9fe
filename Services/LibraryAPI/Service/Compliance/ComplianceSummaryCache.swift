// ComplianceSummaryCache: serves the fleet-wide compliance summary at most `maxAge` old, computing it once
// for all concurrent callers and ahead of time, so callers do not wait for it.

import Foundation

/// Keeps the last summary for `maxAge` and lets concurrent requests share one computation (single flight),
/// so the summary costs one aggregation over the fleet per `maxAge / 2` at most, whatever the request rate.
///
/// Once the kept summary is half `maxAge` old, the next request starts its replacement in the background
/// and is still answered from the kept one; only a request arriving when nothing young enough is kept (the
/// first, or after a quiet spell) waits for a computation. A summary's age counts from when its computation
/// started, so a served summary never reflects the database more than `maxAge` ago.
actor ComplianceSummaryCache {
    /// How old a served summary may be; zero disables caching.
    let maxAge: Duration
    private var cached: (value: ComplianceSummaryView, startedAt: ContinuousClock.Instant)?
    private var inFlight: Task<ComplianceSummaryView, any Error>?

    init(maxAge: Duration) { self.maxAge = maxAge }

    /// A summary no older than `maxAge`, computed by `compute` when needed.
    func summary(
        _ compute: @escaping @Sendable () async throws -> ComplianceSummaryView
    ) async throws
        -> ComplianceSummaryView
    {
        guard maxAge > .zero else { return try await compute() }
        if let cached {
            let age = cached.startedAt.duration(to: .now)
            if age < maxAge {
                if age >= maxAge / 2, inFlight == nil { inFlight = refresh(compute) }
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
    )
        -> Task<ComplianceSummaryView, any Error>
    {
        let startedAt = ContinuousClock.now
        return Task {
            do {
                let value = try await compute()
                self.finish(with: (value, startedAt))
                return value
            } catch {
                self.finish(with: nil)
                throw error
            }
        }
    }

    private func finish(with result: (value: ComplianceSummaryView, startedAt: ContinuousClock.Instant)?) {
        if let result { cached = result }
        inFlight = nil
    }
}
