// FleetGenerator: a deterministic demo fleet from the Apple catalog (real model identifiers and board IDs).

import Foundation
import ManagedOSDomain

/// Generates Mac `index` of a fleet: the same seed, prefix and catalog always give the same Mac, so the seeding
/// step and the simulator agree without sharing anything but their arguments.
///
/// Majors are spread 40 % macOS 26, 30 % 15, 18 % 14, 12 % 13 (as far as the catalog has them); each Mac gets a
/// model that supports its major and one of the four newest releases of that major published by `now` (the
/// newest most often), so some Macs are current and others owe an update.
public struct FleetGenerator: Sendable {
    /// Relative weights of the majors.
    public static let majorWeights: [(major: Int, weight: Int)] = [(26, 40), (15, 30), (14, 18), (13, 12)]
    /// Time zones the Macs are spread over.
    public static let timeZones = [
        "Europe/Paris", "America/New_York", "America/Los_Angeles", "Europe/London", "Asia/Tokyo",
    ]

    public let prefix: String
    public let seed: UInt64
    public let blueprintCount: Int
    /// Per major: (model identifier, board ID) pairs that run it, and its releases published by `now`.
    private let hardware: [Int: [(model: String, board: String?)]]
    private let releases: [Int: [Release]]
    private let weights: [(major: Int, weight: Int)]

    /// A generator over `catalog` as of `now`.
    public init(
        catalog: ReleaseCatalog, now: Date, prefix: String = "demo-mac-", seed: UInt64 = 1, blueprintCount: Int = 4
    ) {
        self.prefix = prefix
        self.seed = seed
        self.blueprintCount = max(1, blueprintCount)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        let today = CivilDate(year: parts.year!, month: parts.month!, day: parts.day!)
        var hardware: [Int: [(model: String, board: String?)]] = [:]
        var releases: [Int: [Release]] = [:]
        for (major, _) in Self.majorWeights {
            for model in catalog.boardIDsByModelIdentifier.keys.sorted() {
                let machine = MacHardware(modelIdentifier: model)
                if catalog.supports(major: major, hardware: machine) {
                    hardware[major, default: []].append(
                        (model, catalog.boardIDs(forModelIdentifier: model).sorted().first))
                }
            }
            releases[major] = catalog.updates(major: major).filter { release in
                !release.isBackgroundSecurityImprovement && today.map { release.releaseDate <= $0 } ?? true
            }
        }
        self.hardware = hardware
        self.releases = releases
        weights = Self.majorWeights.filter {
            !(hardware[$0.major] ?? []).isEmpty && !(releases[$0.major] ?? []).isEmpty
        }
    }

    /// Mac number `index` (0-based).
    public func member(_ index: Int) -> FleetMember {
        var random = SeededGenerator(seed: seed, index: index)
        let major = pickMajor(&random)
        let models = hardware[major] ?? [("Mac14,2", nil)]
        let machine = models[Int.random(in: 0..<models.count, using: &random)]
        let newest = Array((releases[major] ?? []).suffix(4).reversed())
        let release = pick(newest, weights: [40, 30, 20, 10], &random)
        let version = release?.version ?? OSVersion(major: major)
        let build = release?.build?.rawValue ?? SimulatedMac.madeUpBuild(version)
        let number = String(format: "%05d", index + 1)
        return FleetMember(
            enrollmentID: "\(prefix)\(number)",
            serialNumber: "DEMO\(String(format: "%08X", UInt32(truncatingIfNeeded: seed &+ UInt64(index))))",
            modelIdentifier: machine.model, boardID: machine.board,
            timeZone: Self.timeZones[Int.random(in: 0..<Self.timeZones.count, using: &random)],
            osVersion: version, buildVersion: build, blueprintSlot: index % blueprintCount,
            tags: Int.random(in: 0..<10, using: &random) == 0 ? ["demo", "pilot"] : ["demo"])
    }

    private func pickMajor(_ random: inout SeededGenerator) -> Int {
        let total = weights.reduce(0) { $0 + $1.weight }
        guard total > 0 else { return 15 }
        var roll = Int.random(in: 0..<total, using: &random)
        for (major, weight) in weights {
            if roll < weight { return major }
            roll -= weight
        }
        return weights.last!.major
    }

    private func pick<T>(_ values: [T], weights: [Int], _ random: inout SeededGenerator) -> T? {
        guard !values.isEmpty else { return nil }
        let used = Array(weights.prefix(values.count))
        var roll = Int.random(in: 0..<used.reduce(0, +), using: &random)
        for (index, weight) in used.enumerated() {
            if roll < weight { return values[index] }
            roll -= weight
        }
        return values.last
    }
}
