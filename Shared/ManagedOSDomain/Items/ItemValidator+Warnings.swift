// ItemValidator+Warnings: warnings for a valid item, counted against the fleet it would reach.

import Foundation

extension ItemValidator {
    /// Warnings for a valid `item` about to be saved (DOMAIN.md §3), each with the number of Macs of
    /// `fleet` it would force to update now.
    ///
    /// - Parameters:
    ///   - previous: the item as stored before this save; nil for a new item.
    ///   - fleet: the Macs the item reaches.
    ///   - now: the current instant.
    public static func warnings(
        for item: ManagedOSItem, previous: ManagedOSItem?, fleet: [FleetMac], catalog: ReleaseCatalog, now: Date
    ) -> [ItemSaveWarning] {
        guard let zone = TimeZone(identifier: item.enforcementTimeZone) else { return [] }
        var warnings: [ItemSaveWarning] = []
        // Macs the item would govern: same major (updates) and, for continuous items, older majors
        // whose hardware supports the item's major (upgrades).
        func isReached(_ mac: FleetMac) -> Bool {
            if mac.version.major == item.major { return true }
            return item.installationMethod == .continuous && mac.version.major < item.major
                && catalog.supportedMajors(for: mac.hardware).contains(item.major)
        }
        switch item.versionEnforcement {
        case .doNotManage:
            break
        case .manualMinimum(let text, let deadlineDate):
            guard let minimum = try? OSVersion(parsing: text) else { break }
            let enforcedBefore = previous?.versionEnforcement.enforcesSomething ?? false
            guard !enforcedBefore else { break }
            let deadline = item.enforcementTime.on(deadlineDate).instant(in: zone)
            let soon = now.addingTimeInterval(TimeInterval(recommendedFirstDeadlineDays) * DaysRemaining.secondsPerDay)
            guard deadline < soon else { break }
            let count = fleet.filter { isReached($0) && $0.version < minimum }.count
            let when = deadline <= now ? "is in the past" : "is fewer than \(recommendedFirstDeadlineDays) days away"
            warnings.append(
                .init(
                    field: "versionEnforcement.deadlineDate", code: .manualDeadlineTooSoon,
                    message:
                        "The deadline \(deadlineDate) \(when). For a first enforcement, a deadline at least "
                        + "\(recommendedFirstDeadlineDays) days out is recommended.",
                    affectedMacCount: count))
        case .automatic(let timeframe):
            let approved = catalog.releases.filter {
                $0.major == item.major && !$0.isBackgroundSecurityImprovement && catalog.isApproved($0, at: now)
            }
            guard let newestDate = approved.map(\.releaseDate).max() else { break }
            let newestDue = item.enforcementTime.on(timeframe.dueDate(after: newestDate)).instant(in: zone)
            guard newestDue <= now else { break }
            var floorByHardware: [MacHardware: OSVersion?] = [:]
            func floor(for hardware: MacHardware) -> OSVersion? {
                if let cached = floorByHardware[hardware] { return cached }
                let value = catalog.approvedUpdates(major: item.major, for: hardware, at: now).last {
                    item.enforcementTime.on(timeframe.dueDate(after: $0.releaseDate)).instant(in: zone) <= now
                }?.version
                floorByHardware[hardware] = value
                return value
            }
            let count = fleet.filter { mac in
                guard isReached(mac), let floor = floor(for: mac.hardware) else { return false }
                return mac.version < floor
            }.count
            warnings.append(
                .init(
                    field: "versionEnforcement.timeframe", code: .automaticDueImmediately,
                    message:
                        "Apple released nothing for macOS \(item.major) within the last \(timeframe.label), so every "
                        + "out-of-date Mac is due immediately.",
                    affectedMacCount: count))
        }
        return warnings
    }
}
