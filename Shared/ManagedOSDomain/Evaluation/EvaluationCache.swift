// EvaluationCache: per-batch caches of catalog queries, due dates and zone conversions for MacEvaluator.

import Foundation

/// The releases of one major for one hardware, at the evaluator's instant (a class: shared, not copied).
final class MajorReleases {
    /// Approved updates, ascending by version, expired ones included.
    let approved: [Release]
    /// The newest approved installable one: the target.
    let latest: Release?
    /// The target's parts, kept apart so that evaluation does not copy a whole `Release` per Mac.
    let target: Target?

    struct Target {
        let version: OSVersion
        let build: OSBuild?
        let expirationDate: CivilDate?
    }

    init(approved: [Release], latest: Release?) {
        self.approved = approved
        self.latest = latest
        self.target = latest.map { Target(version: $0.version, build: $0.build, expirationDate: $0.expirationDate) }
    }
}

/// One approved release's due date under one schedule.
struct DueEntry {
    let version: OSVersion
    let releaseDate: CivilDate
    let dueLocal: LocalDateTime
    let dueSeconds: Int
}

/// Catalog answers for one hardware.
final class HardwareReleases {
    let supportedMajors: Set<Int>
    var majors: [Int: MajorReleases] = [:]
    var schedules: [ScheduleKey: [DueEntry]] = [:]
    var latestMajorComputed = false
    var latestMajor: Int?

    init(supportedMajors: Set<Int>) { self.supportedMajors = supportedMajors }
}

/// Key of a schedule's due entries: same releases, same timeframe, same time, same zone.
struct ScheduleKey: Hashable {
    let major: Int
    let zone: Int
    let timeframe: EnforcementTimeframe
    let exploitedTimeframe: EnforcementTimeframe?
    let hour: Int
    let minute: Int
}

/// Key of a wall-clock → instant conversion.
struct InstantKey: Hashable {
    let wallClock: Int
    let zone: Int
}

/// A time zone resolved once per evaluator, with a small number standing for its identifier in cache keys.
struct ResolvedZone {
    let number: Int
    let zone: TimeZone
    let identifier: String
}

/// Mutable caches owned by one `MacEvaluator` (not shared across tasks).
final class EvaluationCache {
    var zones: [String: ResolvedZone?] = [:]
    var hardware: [MacHardware: HardwareReleases] = [:]
    var instants: [InstantKey: Int] = [:]
    var nowLocal: [Int: LocalDateTime] = [:]
    var minimums: [String: OSVersion?] = [:]
}
