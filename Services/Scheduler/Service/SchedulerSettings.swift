// SchedulerSettings: the scheduler's own settings (feed sources, refresh interval, batching, timing).

import Foundation
import ServiceSupport

/// Settings only the scheduler reads, from the environment.
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `CATALOG_GDMF_SOURCE` | Apple's GDMF `pmv` JSON: `bundled`, a file path, or an `https://` URL | `bundled` |
/// | `CATALOG_SOFA_SOURCE` | the SOFA macOS feed: `bundled`, a file path, or an `https://` URL | `bundled` |
/// | `CATALOG_REFRESH_HOURS` | how often each source is read, 1–168 (at most once a day by default) | `24` |
/// | `SCHEDULER_BATCH_SIZE` | Macs evaluated per transaction, 1–10000 | `1000` |
/// | `SCHEDULER_TICK_SECONDS` | how often due plans (deadlines, due dates, day changes) are looked for, 1–60 | `15` |
/// | `SCHEDULER_LOCK_RETRY_MS` | how often a standby tries to become the active scheduler, 100–10000 | `1000` |
/// | `SCHEDULER_STALENESS_DAYS` | reports older than this make a Mac's compliance unknown, 1–365 | `14` |
/// | `SCHEDULER_NOW` | pins the clock to an ISO 8601 instant (tests and demos of the bundled catalog) | unset |
public struct SchedulerSettings: Sendable, Equatable {
    public var gdmfSource: FeedSource
    public var sofaSource: FeedSource
    public var refreshInterval: Duration
    public var batchSize: Int
    public var tickInterval: Duration
    public var lockRetryInterval: Duration
    public var stalenessDays: Int
    public var pinnedNow: Date?

    /// Defaults: bundled feeds, daily refresh.
    public init(
        gdmfSource: FeedSource = .bundled, sofaSource: FeedSource = .bundled, refreshInterval: Duration = .seconds(86_400),
        batchSize: Int = 1000, tickInterval: Duration = .seconds(15), lockRetryInterval: Duration = .seconds(1),
        stalenessDays: Int = 14, pinnedNow: Date? = nil
    ) {
        self.gdmfSource = gdmfSource
        self.sofaSource = sofaSource
        self.refreshInterval = refreshInterval
        self.batchSize = batchSize
        self.tickInterval = tickInterval
        self.lockRetryInterval = lockRetryInterval
        self.stalenessDays = stalenessDays
        self.pinnedNow = pinnedNow
    }

    /// The clock the settings call for: the system clock, or a fixed one when `SCHEDULER_NOW` is set.
    public var clock: any SchedulerClock {
        if let pinnedNow { return ManualSchedulerClock(pinnedNow) }
        return SystemSchedulerClock()
    }

    /// Reads the settings; throws listing every invalid one.
    public init(environment: ServiceEnvironment) throws(SchedulerSettingsError) {
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
        func source(_ name: String) -> FeedSource {
            guard let raw = environment[name] else { return .bundled }
            do { return try FeedSource(parsing: raw) } catch {
                problems.append("\(name): \(error)")
                return .bundled
            }
        }
        self.init()
        gdmfSource = source("CATALOG_GDMF_SOURCE")
        sofaSource = source("CATALOG_SOFA_SOURCE")
        refreshInterval = .seconds(3600 * integer("CATALOG_REFRESH_HOURS", 1...168, 24))
        batchSize = integer("SCHEDULER_BATCH_SIZE", 1...10_000, 1000)
        tickInterval = .seconds(integer("SCHEDULER_TICK_SECONDS", 1...60, 15))
        lockRetryInterval = .milliseconds(integer("SCHEDULER_LOCK_RETRY_MS", 100...10_000, 1000))
        stalenessDays = integer("SCHEDULER_STALENESS_DAYS", 1...365, 14)
        if let raw = environment["SCHEDULER_NOW"] {
            if let instant = try? Date(raw, strategy: .iso8601) {
                pinnedNow = instant
            } else {
                problems.append("SCHEDULER_NOW must be an ISO 8601 instant such as 2026-08-25T09:00:00Z (got \"\(raw)\")")
            }
        }
        guard problems.isEmpty else { throw SchedulerSettingsError(problems: problems) }
    }
}

/// Invalid scheduler settings.
public struct SchedulerSettingsError: Error, Sendable, CustomStringConvertible {
    /// One sentence per invalid setting.
    public var problems: [String]
    public var description: String { problems.joined(separator: "; ") }
}
