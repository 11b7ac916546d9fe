// PropertyTests: properties of evaluation over hundreds of random catalogs, items, Macs and instants.

import Foundation
import ManagedOSDomain
import PropertyBased
import Testing

/// A random evaluation scenario built deterministically from one seed.
struct Scenario: CustomStringConvertible {
    var catalog: ReleaseCatalog
    var items: [ManagedOSItem]
    var mac: MacState
    var now: Date
    var seed: UInt64

    var description: String { "scenario(seed: \(seed), mac: \(mac.osVersion), now: \(now))" }

    static let zones = ["UTC", "America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata"]

    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
        }
    }

    /// Releases of 15 and 26 with random (possibly out-of-order) dates, random items and a random Mac.
    init(seed: UInt64) {
        self.seed = seed
        var random = SplitMix(state: seed)
        var releases: [Release] = []
        let start = TestCatalog.day(2025, 6, 1)
        for major in [15, 26] {
            for minor in 0...random.int(1...6) {
                let date = start.adding(days: random.int(0...300))
                releases.append(
                    Release(
                        version: OSVersion(major: major, minor: minor), build: OSBuild(unchecked: "\(major)A\(minor)"),
                        releaseDate: date, supportedBoardIDs: random.int(0...4) == 0 ? ["J314sAP"] : []))
            }
        }
        catalog = ReleaseCatalog(releases: releases, approvalPolicy: .init(holdDays: random.int(0...3)))
        now = Date(timeIntervalSince1970: TimeInterval(start.daysSinceEpoch * 86_400 + random.int(0...(400 * 86_400))))
        func enforcement(_ major: Int) -> VersionEnforcement {
            if random.int(0...2) == 0 {
                return .manualMinimum(
                    version: "\(major).\(random.int(0...6))", deadlineDate: start.adding(days: random.int(0...400)))
            }
            return .automatic(timeframe: EnforcementTimeframe.allCases[random.int(0...7)])
        }
        items = [
            TestCatalog.item(
                1, major: 15, enforcement: enforcement(15),
                time: String(format: "%02d:%02d", random.int(0...23), random.int(0...59)),
                zone: Self.zones[random.int(0...4)]),
            TestCatalog.item(
                2, major: 26, method: random.int(0...1) == 0 ? .continuous : .selfService, enforcement: enforcement(26),
                time: String(format: "%02d:%02d", random.int(0...23), random.int(0...59)),
                zone: Self.zones[random.int(0...4)]),
        ]
        mac = TestCatalog.mac(
            "\(random.int(0...1) == 0 ? 15 : 26).\(random.int(0...7))",
            hardware: random.int(0...1) == 0 ? TestCatalog.appleSilicon : TestCatalog.intel,
            zone: random.int(0...2) == 0 ? nil : Self.zones[random.int(0...4)], lastReportAt: now)
    }
}

@Suite struct PropertyTests {
    static let seeds = Gen.int(in: 0...Int(Int32.max))

    func evaluate(_ scenario: Scenario) -> MacPlan {
        MacEvaluator.evaluate(mac: scenario.mac, items: scenario.items, catalog: scenario.catalog, now: scenario.now)
    }

    @Test func raisingTheFloorNeverTurnsANonCompliantMacCompliant() async {
        await propertyCheck(count: 400, input: Self.seeds, Gen.int(in: 0...6), Gen.int(in: 0...6)) { seed, a, b in
            var scenario = Scenario(seed: UInt64(seed))
            let deadline = TestCatalog.day(2025, 10, 1)
            let low = min(a, b)
            let high = max(a, b)
            scenario.items[0].versionEnforcement = .manualMinimum(version: "15.\(low)", deadlineDate: deadline)
            let lower = evaluate(scenario)
            scenario.items[0].versionEnforcement = .manualMinimum(version: "15.\(high)", deadlineDate: deadline)
            let higher = evaluate(scenario)
            if lower.compliance.status != .compliant {
                #expect(higher.compliance.status != .compliant, "\(scenario) floors 15.\(low) → 15.\(high)")
            }
            if lower.obligations.contains(where: { $0.isOverdue }) {
                #expect(higher.obligations.contains(where: { $0.isOverdue }), "\(scenario)")
            }
        }
    }

    @Test func aDeadlineIsNeverBeforeTheReleaseDateOfWhatItEnforces() async {
        await propertyCheck(count: 500, input: Self.seeds) { seed in
            let scenario = Scenario(seed: UInt64(seed))
            let plan = evaluate(scenario)
            for obligation in plan.obligations {
                if let releaseDate = obligation.dueReleaseDate {
                    #expect(obligation.deadline.date >= releaseDate, "\(scenario)")
                }
            }
            for declared in [plan.osEnforcement, plan.bsiEnforcement].compactMap({ $0 }) {
                #expect(
                    declared.deadlineInstant >= declared.obligation.deadlineInstant
                        || declared.obligation.reason == .selfService, "\(scenario)")
                #expect(declared.deadlineInstant >= scenario.now || !declared.obligation.isOverdue, "\(scenario)")
            }
        }
    }

    @Test func nothingIsDeclaredToAMacAtOrAboveItsTarget() async {
        await propertyCheck(count: 500, input: Self.seeds) { seed in
            let scenario = Scenario(seed: UInt64(seed))
            let plan = evaluate(scenario)
            for obligation in plan.obligations where obligation.reason != .backgroundSecurityImprovement {
                #expect(scenario.mac.osVersion < obligation.targetVersion, "\(scenario)")
                let latest = scenario.catalog.latestApproved(
                    major: obligation.major, for: scenario.mac.hardware, at: scenario.now)
                #expect(latest?.version == obligation.targetVersion, "\(scenario)")
            }
        }
    }

    @Test func evaluationIsDeterministicForEqualInputs() async {
        await propertyCheck(count: 300, input: Self.seeds, Self.seeds) { seed, other in
            let scenario = Scenario(seed: UInt64(seed))
            let distraction = Scenario(seed: UInt64(other))
            let first = evaluate(scenario)
            // A shared evaluator that has already evaluated another Mac gives the same plan.
            let shared = MacEvaluator(catalog: scenario.catalog, now: scenario.now)
            _ = shared.evaluate(mac: distraction.mac, items: distraction.items)
            let second = shared.evaluate(mac: scenario.mac, items: scenario.items)
            let third = shared.evaluate(mac: scenario.mac, items: scenario.items)
            #expect(first == second, "\(scenario)")
            #expect(second == third, "\(scenario)")
        }
    }
}
