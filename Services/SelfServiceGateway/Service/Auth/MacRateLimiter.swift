// MacRateLimiter: a token bucket per Mac credential (requests per minute), in this process's memory.

import Digests
import Synchronization

/// Limits each Mac to `perMinute` requests per minute with a token bucket (bursts up to the limit, refilled
/// evenly). Keyed by credential digest, so a flood with one wrong credential is limited too. Per replica:
/// with N replicas behind a balancer a Mac gets at most N times the limit.
public final class MacRateLimiter: Sendable {
    /// The answer for one request.
    public enum Decision: Sendable, Equatable {
        /// Go ahead.
        case allowed
        /// Refused; the client may retry after this many whole seconds.
        case limited(retryAfterSeconds: Int)
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private struct State {
        var buckets: [SHA256Key: Bucket] = [:]
        var lastPrune = ContinuousClock.now
    }

    /// Requests per minute per Mac.
    public let perMinute: Int
    private let state = Mutex(State())
    private let clock = ContinuousClock()

    /// A limiter of `perMinute` requests per minute per Mac.
    public init(perMinute: Int) {
        self.perMinute = perMinute
    }

    /// Takes one token for `key`, or says how long to wait.
    public func check(_ key: SHA256Key) -> Decision {
        let now = clock.now
        let capacity = Double(perMinute)
        let perSecond = capacity / 60
        return state.withLock { state in
            // Once a minute (a bucket idle that long has refilled), not per so many checks: with a large fleet
            // asking fast, a count-based sweep walked every bucket under the lock every second or so.
            if state.lastPrune.duration(to: now) >= .seconds(60) {
                state.lastPrune = now
                // Forget buckets that have refilled completely: they behave exactly like new ones.
                state.buckets = state.buckets.filter { _, bucket in
                    bucket.tokens + Self.seconds(bucket.updated.duration(to: now)) * perSecond < capacity
                }
            }
            var bucket = state.buckets[key] ?? Bucket(tokens: capacity, updated: now)
            bucket.tokens = min(capacity, bucket.tokens + Self.seconds(bucket.updated.duration(to: now)) * perSecond)
            bucket.updated = now
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                state.buckets[key] = bucket
                return .allowed
            }
            state.buckets[key] = bucket
            return .limited(retryAfterSeconds: max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up))))
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
