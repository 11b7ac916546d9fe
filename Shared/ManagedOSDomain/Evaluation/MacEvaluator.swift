// MacEvaluator: the pure evaluation of one Mac (state, governing items, catalog, now) into a MacPlan.

import Foundation

/// Evaluates Macs against their items and the catalog at one instant (DOMAIN.md §4–§5).
///
/// The result depends only on the inputs: equal inputs give equal plans. An evaluator caches
/// catalog answers, due dates and time-zone conversions for its `catalog` and `now`, so evaluate a
/// whole fleet with one instance. It is not `Sendable` (its caches are mutable): use one per task.
public final class MacEvaluator {
    /// The catalog evaluated against.
    public let catalog: ReleaseCatalog
    /// The instant evaluated at.
    public let now: Date
    /// Reports older than this make a Mac's compliance `unknown`.
    public let stalenessLimit: TimeInterval
    /// Default staleness limit: 14 days.
    public static let defaultStalenessLimit: TimeInterval = 14 * 86_400

    private let nowSeconds: Int
    private let cache = EvaluationCache()

    /// Creates a value from its parts.
    public init(catalog: ReleaseCatalog, now: Date, stalenessLimit: TimeInterval = MacEvaluator.defaultStalenessLimit) {
        self.catalog = catalog
        self.now = now
        self.stalenessLimit = stalenessLimit
        self.nowSeconds = Int(now.timeIntervalSince1970.rounded(.down))
    }

    /// Evaluates one Mac at `now`; convenience for a single evaluation (no cache reuse).
    public static func evaluate(
        mac: MacState, items: [ManagedOSItem], catalog: ReleaseCatalog, now: Date,
        stalenessLimit: TimeInterval = MacEvaluator.defaultStalenessLimit
    ) -> MacPlan {
        MacEvaluator(catalog: catalog, now: now, stalenessLimit: stalenessLimit).evaluate(mac: mac, items: items)
    }

    /// Evaluates `mac` against the `items` that reach it (from its blueprint), at `now`.
    public func evaluate(mac: MacState, items: [ManagedOSItem]) -> MacPlan {
        let hardware = hardwareReleases(mac.hardware)
        let classes = ItemResolver.classify(
            items, currentMajor: mac.osVersion.major, supportedMajors: hardware.supportedMajors)
        var change = NextChange(after: nowSeconds)
        var conflicts: [ItemConflict] = []

        let update = decide(.update, items: items, classes: classes, mac: mac, hardware: hardware, change: &change)
        let upgrade = decide(.upgrade, items: items, classes: classes, mac: mac, hardware: hardware, change: &change)
        var roles: [ItemRoleAssignment] = []
        roles.reserveCapacity(items.count)
        var unsupported: [UUID] = []
        var selfServiceIndex: Int? = nil
        for index in items.indices {
            let role: ItemRole
            switch classes[index] {
            case .duplicate: continue
            case .update, .upgrade:
                let winner = classes[index] == .update ? update.index : upgrade.index
                if index == winner {
                    role = classes[index] == .update ? .update : .upgrade
                } else {
                    role = .conflictLoser
                    if let winner {
                        conflicts.append(
                            ItemConflict(
                                major: items[index].major, winningItemID: items[winner].id,
                                losingItemID: items[index].id))
                    }
                }
            case .selfService:
                role = .selfServiceOffer
                if items[index].major == mac.selfServiceRequestMajor,
                    selfServiceIndex == nil || Self.precedes(items[index].id, items[selfServiceIndex!].id)
                {
                    selfServiceIndex = index
                }
            case .unsupported:
                role = .unsupported
                unsupported.append(items[index].id)
            case .notApplicable:
                role = .notApplicable
            }
            roles.append(ItemRoleAssignment(itemID: items[index].id, role: role))
        }

        let selfService = selfServiceIndex.flatMap { selfServiceCandidate(items[$0], mac: mac, hardware: hardware) }

        // One OS enforcement: the earliest effective deadline; ties: the higher target.
        func better(_ lhs: Candidate?, than rhs: Candidate?) -> Bool {
            guard let lhs else { return false }
            guard let rhs else { return true }
            if lhs.effectiveDeadline != rhs.effectiveDeadline { return lhs.effectiveDeadline < rhs.effectiveDeadline }
            return lhs.obligation.targetVersion > rhs.obligation.targetVersion
        }
        var chosen = update.candidate
        if better(upgrade.candidate, than: chosen) { chosen = upgrade.candidate }
        if better(selfService, than: chosen) { chosen = selfService }
        let osEnforcement = chosen.map { declare($0, mac: mac) }

        var bsiEnforcement: DeclaredEnforcement? = nil
        var obligations: [OSObligation] = []
        if let candidate = update.candidate { obligations.append(candidate.obligation) }
        if let candidate = upgrade.candidate { obligations.append(candidate.obligation) }
        if let candidate = selfService { obligations.append(candidate.obligation) }
        if let winner = update.index,
            let candidate = bsiCandidate(items[winner], mac: mac, hardware: hardware, change: &change)
        {
            obligations.append(candidate.obligation)
            bsiEnforcement = declare(candidate, mac: mac)
        }
        let declared = osEnforcement ?? bsiEnforcement

        var daysRemaining: Int? = nil
        var shouldNotify = false
        if let declared {
            daysRemaining = DaysRemaining.count(until: declared.deadlineInstant, from: now)
            if let tick = DaysRemaining.nextChange(until: declared.deadlineInstant, from: now) {
                change.note(Int(tick.timeIntervalSince1970.rounded(.up)))
            }
            let cached = mac.isLegacy ? mac.legacyUpdateDownloaded : mac.installState == .prepared
            shouldNotify = cached && declared.deadlineInstant > now
        }
        for obligation in obligations where !obligation.isOverdue {
            change.note(Int(obligation.deadlineInstant.timeIntervalSince1970.rounded(.up)))
        }
        if let expiration = chosen?.targetExpiration {
            change.note(expiration.adding(days: 1).daysSinceEpoch * 86_400)
        }

        func enforces(_ index: Int?) -> Bool {
            guard let index else { return false }
            return items[index].versionEnforcement.enforcesSomething || items[index].bsiEnforcement != .none
        }
        let isManaged = enforces(update.index) || enforces(upgrade.index)
        let compliance = ComplianceEvaluator.overallState(
            obligations: obligations, declared: declared?.obligation, roles: roles, isManaged: isManaged, mac: mac,
            now: now,
            stalenessLimit: stalenessLimit)
        if let last = mac.lastReportAt, !obligations.isEmpty || isManaged {
            change.note(Int((last.timeIntervalSince1970 + stalenessLimit).rounded(.down)) + 1)
        }

        return MacPlan(
            macID: mac.id, evaluatedAt: now, isLegacy: mac.isLegacy, obligations: obligations,
            osEnforcement: osEnforcement,
            bsiEnforcement: bsiEnforcement, daysRemaining: daysRemaining, shouldNotify: shouldNotify,
            compliance: compliance,
            conflicts: conflicts, unsupportedItemIDs: unsupported, itemRoles: roles,
            timeZone: declared?.obligation.timeZone ?? obligations.first?.timeZone,
            nextEvaluationAt: change.seconds.map { Date(timeIntervalSince1970: TimeInterval($0)) })
    }

    // MARK: - Candidates

    /// The earliest future instant (seconds) at which the plan changes by time alone.
    private struct NextChange {
        let after: Int
        var seconds: Int? = nil

        init(after: Int) { self.after = after }

        mutating func note(_ candidate: Int?) {
            guard let candidate, candidate > after else { return }
            if seconds == nil || candidate < seconds! { seconds = candidate }
        }
    }

    /// An obligation with what is needed to choose and declare it.
    private struct Candidate {
        var obligation: OSObligation
        var detailsURL: String?
        var targetExpiration: CivilDate?
        /// Deadline in seconds used to choose: now when overdue.
        var effectiveDeadline: Int
        var zone: ResolvedZone
    }

    /// Deterministic order of item ids (byte order), used to break ties without formatting strings.
    static func precedes(_ lhs: UUID, _ rhs: UUID) -> Bool {
        let l = lhs.uuid
        let r = rhs.uuid
        return withUnsafeBytes(of: l) { left in
            withUnsafeBytes(of: r) { right in left.lexicographicallyPrecedes(right) }
        }
    }

    /// Decides the items of one class (update or upgrade): computes each obligation; the earliest
    /// deadline wins (no obligation counts as latest; ties: the higher floor, then the lower id).
    private func decide(
        _ itemClass: ItemResolver.ItemClass, items: [ManagedOSItem], classes: [ItemResolver.ItemClass], mac: MacState,
        hardware: HardwareReleases, change: inout NextChange
    ) -> (index: Int?, candidate: Candidate?) {
        let reason: OSObligation.Reason = itemClass == .update ? .update : .upgrade
        var bestIndex: Int? = nil
        var best: Candidate? = nil
        for index in items.indices where classes[index] == itemClass {
            let candidate = scheduleCandidate(
                items[index], reason: reason, mac: mac, hardware: hardware, change: &change)
            guard let current = bestIndex else {
                bestIndex = index
                best = candidate
                continue
            }
            let left = candidate?.effectiveDeadline ?? Int.max
            let right = best?.effectiveDeadline ?? Int.max
            let wins: Bool
            if left != right {
                wins = left < right
            } else {
                let leftFloor = candidate?.obligation.floor
                let rightFloor = best?.obligation.floor
                if leftFloor != rightFloor {
                    wins = (leftFloor ?? OSVersion(major: 1)) > (rightFloor ?? OSVersion(major: 1))
                } else {
                    wins = Self.precedes(items[index].id, items[current].id)
                }
            }
            if wins {
                bestIndex = index
                best = candidate
            }
        }
        return (bestIndex, best)
    }

    /// The automatic or manual obligation an item sets on a Mac (update or upgrade), if any.
    private func scheduleCandidate(
        _ item: ManagedOSItem, reason: OSObligation.Reason, mac: MacState, hardware: HardwareReleases,
        change: inout NextChange
    ) -> Candidate? {
        // Self Service items never force an upgrade.
        if reason == .upgrade && item.installationMethod != .continuous { return nil }
        let releases = majorReleases(item.major, hardware: hardware, mac: mac.hardware)
        guard let target = releases.target else { return nil }
        let version = mac.osVersion
        let (zone, planZone) = zoneChoice(mac: mac, item: item)
        switch item.versionEnforcement {
        case .doNotManage:
            return nil
        case .automatic(let timeframe):
            let entries = dueEntries(
                major: item.major, hardware: hardware, releases: releases, zone: zone, timeframe: timeframe,
                exploitedTimeframe: item.exploitedCVETimeframe, time: item.enforcementTime)
            var floorIndex: Int? = nil
            var nextIndex: Int? = nil
            var nextFuture: Int? = nil
            for index in entries.indices {
                let entry = entries[index]
                if entry.dueSeconds <= nowSeconds {
                    floorIndex = index
                } else {
                    if nextFuture == nil || entry.dueSeconds < nextFuture! { nextFuture = entry.dueSeconds }
                    if entry.version > version
                        && (nextIndex == nil || entry.dueSeconds < entries[nextIndex!].dueSeconds)
                    {
                        nextIndex = index
                    }
                }
            }
            change.note(nextFuture)
            guard version < target.version else { return nil }
            let floor = floorIndex.map { entries[$0].version }
            let dueIndex: Int
            let overdue: Bool
            if let floorIndex, version < entries[floorIndex].version {
                dueIndex = floorIndex
                overdue = true
            } else if let nextIndex {
                dueIndex = nextIndex
                overdue = false
            } else {
                return nil
            }
            let entry = entries[dueIndex]
            let (local, seconds, isOverdue) = withGrace(
                item, mac: mac, zone: zone, local: entry.dueLocal, seconds: entry.dueSeconds, overdue: overdue,
                change: &change)
            let obligation = OSObligation(
                reason: reason, sourceItemID: item.id, major: item.major, targetVersion: target.version,
                targetBuild: target.build, floor: floor, dueRelease: entry.version, dueReleaseDate: entry.releaseDate,
                deadline: local, deadlineInstant: Date(timeIntervalSince1970: TimeInterval(seconds)),
                isOverdue: isOverdue, timeZone: planZone)
            return Candidate(
                obligation: obligation, detailsURL: item.detailsURL, targetExpiration: target.expirationDate,
                effectiveDeadline: isOverdue ? nowSeconds : seconds, zone: zone)
        case .manualMinimum(let text, let deadlineDate):
            guard let minimum = minimumVersion(text), version < minimum, version < target.version else { return nil }
            let manualLocal = item.enforcementTime.on(deadlineDate)
            let manualSeconds = instantSeconds(manualLocal, zone: zone)
            change.note(manualSeconds)
            let (local, seconds, overdue) = withGrace(
                item, mac: mac, zone: zone, local: manualLocal, seconds: manualSeconds,
                overdue: manualSeconds <= nowSeconds, change: &change)
            let obligation = OSObligation(
                reason: reason, sourceItemID: item.id, major: item.major, targetVersion: target.version,
                targetBuild: target.build, floor: minimum, dueRelease: nil, dueReleaseDate: nil, deadline: local,
                deadlineInstant: Date(timeIntervalSince1970: TimeInterval(seconds)), isOverdue: overdue,
                timeZone: planZone)
            return Candidate(
                obligation: obligation, detailsURL: item.detailsURL, targetExpiration: target.expirationDate,
                effectiveDeadline: overdue ? nowSeconds : seconds,
                zone: zone)
        }
    }

    /// The deadline moved to the end of the Mac's grace period when the item grants one and the deadline
    /// falls before it: the enforcement time on the day `gracePeriodDays` after the grace start (in `zone`).
    private func withGrace(
        _ item: ManagedOSItem, mac: MacState, zone: ResolvedZone, local: LocalDateTime, seconds: Int, overdue: Bool,
        change: inout NextChange
    ) -> (LocalDateTime, Int, Bool) {
        guard let days = item.gracePeriodDays, days > 0, let start = mac.graceStart else { return (local, seconds, overdue) }
        let startDay = LocalDateTime(instant: start, in: zone.zone).date
        let graceLocal = item.enforcementTime.on(startDay.adding(days: days))
        let graceSeconds = instantSeconds(graceLocal, zone: zone)
        guard graceSeconds > seconds else { return (local, seconds, overdue) }
        change.note(graceSeconds)
        return (graceLocal, graceSeconds, graceSeconds <= nowSeconds)
    }

    /// A requested Self Service upgrade: declared at once with a deadline of now.
    private func selfServiceCandidate(_ item: ManagedOSItem, mac: MacState, hardware: HardwareReleases) -> Candidate? {
        let releases = majorReleases(item.major, hardware: hardware, mac: mac.hardware)
        guard let target = releases.target, mac.osVersion < target.version else { return nil }
        let (zone, planZone) = zoneChoice(mac: mac, item: item)
        let obligation = OSObligation(
            reason: .selfService, sourceItemID: item.id, major: item.major, targetVersion: target.version,
            targetBuild: target.build, floor: nil, dueRelease: nil, dueReleaseDate: nil,
            deadline: nowLocal(zone: zone), deadlineInstant: now, isOverdue: false,
            timeZone: planZone)
        return Candidate(
            obligation: obligation, detailsURL: item.detailsURL, targetExpiration: target.expirationDate,
            effectiveDeadline: nowSeconds, zone: zone)
    }

    /// The BSI obligation of the update item, for a Mac on the latest approved version of the latest
    /// major, on the BSI's base version and build, that does not have the BSI yet.
    private func bsiCandidate(
        _ item: ManagedOSItem, mac: MacState, hardware: HardwareReleases, change: inout NextChange
    ) -> Candidate? {
        guard case .automatic(let timeframe, let time) = item.bsiEnforcement, !mac.isLegacy,
            let build = mac.build, latestMajor(hardware: hardware, mac: mac.hardware) == mac.osVersion.major,
            let latest = majorReleases(mac.osVersion.major, hardware: hardware, mac: mac.hardware).latest,
            latest.version == mac.osVersion,
            let bsi = catalog.backgroundSecurityImprovement(forBaseBuild: build, for: mac.hardware, at: now),
            bsi.version == mac.osVersion,
            case .backgroundSecurityImprovement(let extra, _) = bsi.kind
        else { return nil }
        if let installed = mac.supplementalBuild, let bsiBuild = bsi.build, installed >= bsiBuild { return nil }
        if mac.supplementalBuild == nil,
            let installedExtra = MacState.normalizedExtraVersion(mac.supplementalExtraVersion),
            let wanted = MacState.normalizedExtraVersion(extra), installedExtra >= wanted
        {
            return nil
        }
        let (zone, planZone) = zoneChoice(mac: mac, item: item)
        let local = time.on(timeframe.dueDate(after: bsi.releaseDate))
        let seconds = instantSeconds(local, zone: zone)
        let overdue = seconds <= nowSeconds
        change.note(seconds)
        let obligation = OSObligation(
            reason: .backgroundSecurityImprovement, sourceItemID: item.id, major: mac.osVersion.major,
            targetVersion: bsi.version, targetBuild: bsi.build, targetExtraVersion: extra, floor: nil,
            dueRelease: bsi.version, dueReleaseDate: bsi.releaseDate, deadline: local,
            deadlineInstant: Date(timeIntervalSince1970: TimeInterval(seconds)), isOverdue: overdue, timeZone: planZone)
        return Candidate(
            obligation: obligation, detailsURL: item.detailsURL, targetExpiration: bsi.expirationDate,
            effectiveDeadline: overdue ? nowSeconds : seconds, zone: zone)
    }

    /// What is declared for a candidate: an overdue (or Self Service) obligation gets a deadline of now.
    private func declare(_ candidate: Candidate, mac: MacState) -> DeclaredEnforcement {
        let obligation = candidate.obligation
        let immediate = obligation.isOverdue || obligation.reason == .selfService
        return DeclaredEnforcement(
            obligation: obligation, targetVersion: obligation.targetVersion, targetBuild: obligation.targetBuild,
            deadline: immediate ? nowLocal(zone: candidate.zone) : obligation.deadline,
            deadlineInstant: immediate ? now : obligation.deadlineInstant, detailsURL: candidate.detailsURL,
            channel: mac.isLegacy ? .legacyCommands : .declarative)
    }

    // MARK: - Cached lookups

    /// Under DDM the Mac's own zone when known; otherwise (and always for legacy Macs) the item's.
    private func zoneChoice(mac: MacState, item: ManagedOSItem) -> (ResolvedZone, PlanTimeZone) {
        if !mac.isLegacy, let identifier = mac.timeZoneIdentifier, let zone = resolveZone(identifier) {
            return (zone, PlanTimeZone(identifier: identifier, source: .mac))
        }
        if let zone = resolveZone(item.enforcementTimeZone) {
            return (zone, PlanTimeZone(identifier: item.enforcementTimeZone, source: .item))
        }
        // Items are validated; an unknown zone can only come from unvalidated data: use GMT.
        let gmt = resolveZone("GMT") ?? ResolvedZone(number: -1, zone: TimeZone(secondsFromGMT: 0)!, identifier: "GMT")
        return (gmt, PlanTimeZone(identifier: "GMT", source: .item))
    }

    private func resolveZone(_ identifier: String) -> ResolvedZone? {
        if let cached = cache.zones[identifier] { return cached }
        let zone = TimeZone(identifier: identifier).map {
            ResolvedZone(number: cache.zones.count, zone: $0, identifier: identifier)
        }
        cache.zones[identifier] = zone
        return zone
    }

    private func hardwareReleases(_ hardware: MacHardware) -> HardwareReleases {
        if let cached = cache.hardware[hardware] { return cached }
        let value = HardwareReleases(supportedMajors: catalog.supportedMajors(for: hardware))
        cache.hardware[hardware] = value
        return value
    }

    private func majorReleases(_ major: Int, hardware: HardwareReleases, mac: MacHardware) -> MajorReleases {
        if let cached = hardware.majors[major] { return cached }
        let approved = catalog.approvedUpdates(major: major, for: mac, at: now)
        let value = MajorReleases(approved: approved, latest: approved.last { catalog.isInstallable($0, at: now) })
        hardware.majors[major] = value
        return value
    }

    /// The highest major with an approved installable release for the hardware.
    private func latestMajor(hardware: HardwareReleases, mac: MacHardware) -> Int? {
        if hardware.latestMajorComputed { return hardware.latestMajor }
        hardware.latestMajor = hardware.supportedMajors.sorted(by: >).first {
            majorReleases($0, hardware: hardware, mac: mac).latest != nil
        }
        hardware.latestMajorComputed = true
        return hardware.latestMajor
    }

    private func dueEntries(
        major: Int, hardware: HardwareReleases, releases: MajorReleases, zone: ResolvedZone,
        timeframe: EnforcementTimeframe, exploitedTimeframe: EnforcementTimeframe? = nil, time: EnforcementTime
    ) -> [DueEntry] {
        let key = ScheduleKey(
            major: major, zone: zone.number, timeframe: timeframe, exploitedTimeframe: exploitedTimeframe,
            hour: time.hour, minute: time.minute)
        if let cached = hardware.schedules[key] { return cached }
        let entries = releases.approved.map { release in
            // A release fixing actively exploited CVEs is due after the shorter timeframe, when one is set.
            var dueDate = timeframe.dueDate(after: release.releaseDate)
            if let exploitedTimeframe, release.fixesActivelyExploitedCVEs {
                dueDate = min(dueDate, exploitedTimeframe.dueDate(after: release.releaseDate))
            }
            let local = time.on(dueDate)
            return DueEntry(
                version: release.version, releaseDate: release.releaseDate, dueLocal: local,
                dueSeconds: instantSeconds(local, zone: zone))
        }
        hardware.schedules[key] = entries
        return entries
    }

    private func instantSeconds(_ local: LocalDateTime, zone: ResolvedZone) -> Int {
        let key = InstantKey(wallClock: local.wallClockSeconds, zone: zone.number)
        if let cached = cache.instants[key] { return cached }
        let value = LocalDateTime.instantSeconds(wallClock: key.wallClock, in: zone.zone)
        cache.instants[key] = value
        return value
    }

    private func nowLocal(zone: ResolvedZone) -> LocalDateTime {
        if let cached = cache.nowLocal[zone.number] { return cached }
        let value = LocalDateTime(instant: now, in: zone.zone)
        cache.nowLocal[zone.number] = value
        return value
    }

    private func minimumVersion(_ text: String) -> OSVersion? {
        if let cached = cache.minimums[text] { return cached }
        let value = try? OSVersion(parsing: text)
        cache.minimums[text] = value
        return value
    }
}
