// ComplianceSummaryCache: serves the fleet-wide compliance summary at most `maxAge` old, computing it once
// for all concurrent callers.

import Foundation

/// Keeps the last summary for `maxAge` and lets concurrent requests share one computation (single flight),
/// so the summary costs one aggregation over the fleet per `maxAge`, whatever the request rate.
actor ComplianceSummaryCache {
    /// How old a served summary may be; zero disables caching.
    let maxAge: Duration
    private var cached: (value: ComplianceSummaryView, at: ContinuousClock.Instant)?
    private var inFlight: Task<ComplianceSummaryView, any Error>?

    init(maxAge: Duration) { self.maxAge = maxAge }

    /// A summary no older than `maxAge`, computed by `compute` when needed.
    func summary(_ compute: @escaping @Sendable () async throws -> ComplianceSummaryView) async throws
        -> ComplianceSummaryView
    {
        guard maxAge > .zero else { return try await compute() }
        if let cached, cached.at.duration(to: .now) < maxAge { return cached.value }
        if let inFlight { return try await inFlight.value }
        let task = Task { try await compute() }
        inFlight = task
        defer { inFlight = nil }
        let value = try await task.value
        cached = (value, .now)
        return value
    }
}
