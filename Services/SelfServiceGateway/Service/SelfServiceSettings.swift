// SelfServiceSettings: self-service-gateway's own settings (rate limit, long-poll and stream limits, cookie).

import Foundation
import ServiceSupport

/// Settings only self-service-gateway reads, from the environment.
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `SELF_SERVICE_RATE_LIMIT_PER_MINUTE` | requests one Mac may make per minute (per replica), 1–100000 | `30` |
/// | `SELF_SERVICE_LONG_POLL_MAX_SECONDS` | longest `?waitSeconds=` a long-poll may ask for, 1–300 | `30` |
/// | `SELF_SERVICE_STREAM_MAX_SECONDS` | how long an event stream stays open, 1–3600 | `300` |
/// | `SELF_SERVICE_COOKIE_SECURE` | `true`: the web page's session cookie is `Secure` (serve over https) | `false` |
/// | `SELF_SERVICE_CACHE_MAX_MACS` | most Macs whose `GET /v1/me/updates` answer is held in memory, 0 = no cache | `200000` |
/// | `SELF_SERVICE_NOW` | pins the gateway's clock to an ISO 8601 instant (tests, demos; like `SCHEDULER_NOW`) | unset |
public struct SelfServiceSettings: Sendable, Equatable {
    public var rateLimitPerMinute: Int
    public var longPollMaximum: Duration
    public var streamMaximum: Duration
    public var secureCookie: Bool
    /// Most Macs whose updates source is held in memory (per replica); 0 disables the cache.
    public var cacheMaximumMacs: Int
    /// How often a long-poll or a stream re-reads its request (not an environment setting).
    public var progressPollInterval: Duration
    /// The instant the gateway takes as now, when pinned (offers, days remaining, request times).
    public var pinnedNow: Date?

    /// Defaults.
    public init(
        rateLimitPerMinute: Int = 30, longPollMaximum: Duration = .seconds(30), streamMaximum: Duration = .seconds(300),
        secureCookie: Bool = false, cacheMaximumMacs: Int = 200_000, progressPollInterval: Duration = .milliseconds(500)
    ) {
        self.cacheMaximumMacs = cacheMaximumMacs
        self.rateLimitPerMinute = rateLimitPerMinute
        self.longPollMaximum = longPollMaximum
        self.streamMaximum = streamMaximum
        self.secureCookie = secureCookie
        self.progressPollInterval = progressPollInterval
    }

    /// The clock the settings call for: the system clock, or a fixed instant when `SELF_SERVICE_NOW` is set.
    public var now: @Sendable () -> Date {
        if let pinnedNow { return { pinnedNow } }
        return { Date() }
    }

    /// Reads the settings; throws listing every invalid one.
    public init(environment: ServiceEnvironment) throws(SelfServiceSettingsError) {
        var problems: [String] = []
        func integer(_ name: String, _ range: ClosedRange<Int>, _ defaultValue: Int) -> Int {
            guard let raw = environment[name] else { return defaultValue }
            guard let value = Int(raw), range.contains(value) else {
                problems.append(
                    "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound) (got \"\(raw)\")")
                return defaultValue
            }
            return value
        }
        self.init()
        rateLimitPerMinute = integer("SELF_SERVICE_RATE_LIMIT_PER_MINUTE", 1...100_000, 30)
        longPollMaximum = .seconds(integer("SELF_SERVICE_LONG_POLL_MAX_SECONDS", 1...300, 30))
        streamMaximum = .seconds(integer("SELF_SERVICE_STREAM_MAX_SECONDS", 1...3600, 300))
        cacheMaximumMacs = integer("SELF_SERVICE_CACHE_MAX_MACS", 0...10_000_000, 200_000)
        switch environment["SELF_SERVICE_COOKIE_SECURE"]?.lowercased() {
        case nil, "false", "0", "no": secureCookie = false
        case "true", "1", "yes": secureCookie = true
        case .some(let other): problems.append("SELF_SERVICE_COOKIE_SECURE must be true or false (got \"\(other)\")")
        }
        if let raw = environment["SELF_SERVICE_NOW"] {
            if let instant = try? Date(raw, strategy: .iso8601) {
                pinnedNow = instant
            } else {
                problems.append(
                    "SELF_SERVICE_NOW must be an ISO 8601 instant such as 2026-08-25T09:00:00Z (got \"\(raw)\")")
            }
        }
        guard problems.isEmpty else { throw SelfServiceSettingsError(problems: problems) }
    }
}

/// Invalid self-service-gateway settings.
public struct SelfServiceSettingsError: Error, Sendable, CustomStringConvertible {
    /// One sentence per invalid setting.
    public var problems: [String]
    public var description: String { problems.joined(separator: "; ") }
}
