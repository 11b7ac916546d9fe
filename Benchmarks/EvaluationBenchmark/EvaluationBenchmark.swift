// EvaluationBenchmark: evaluates a synthetic fleet of Macs against the bundled real Apple catalog on one core.

import AppleFeedSnapshots
import ArgumentParser
import BenchmarkSupport
import Foundation
import ManagedOSDomain

#if canImport(Glibc)
import Glibc
private let rusageSelf = RUSAGE_SELF.rawValue
#elseif canImport(Darwin)
import Darwin
private let rusageSelf = RUSAGE_SELF
#endif

/// Evaluates `--macs` Macs (majors 13–26, hardware from the catalog's board IDs, 3 items each) against
/// `AppleFeedSnapshots.defaultCatalog`, on one core, and prints evaluations per second, peak memory and
/// two references measured in the same run (JSON-encoding the plans; a loop computing only the target).
@main
struct EvaluationBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluation-benchmark", abstract: "Measures MacEvaluator throughput on one core.")

    @Option(help: "Number of Macs.") var macs = 100_000
    @Option(help: "Timed rounds (the best is reported).") var rounds = 3
    @Option(help: "Random seed.") var seed: UInt64 = 42
    @Flag(help: "Skip the JSON-encoding reference (for profiling).") var skipEncoding = false
    @Option(help: "Write the results into this markdown file between bench-evaluation markers.") var markdown: String?

    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func pick<T>(_ values: [T]) -> T { values[Int(next() % UInt64(values.count))] }
    }

    func run() throws {
        let loadStart = ContinuousClock.now
        let catalog = try AppleFeedSnapshots.defaultCatalog(approvalPolicy: .init(holdDays: 0))
        let loadTime = ContinuousClock.now - loadStart
        // The snapshot was taken on 2026-08-22; evaluate shortly after, while its releases are installable.
        let now = Date(
            timeIntervalSince1970: TimeInterval(
                CivilDate(year: 2026, month: 8, day: 25)!.daysSinceEpoch * 86_400 + 12 * 3600))
        var random = SplitMix(state: seed)

        let majors = catalog.majors.filter { (13...26).contains($0) }
        let boards = Array(Set(catalog.releases.flatMap(\.supportedBoardIDs))).sorted()
        let zones: [String?] = [
            nil, "America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "Asia/Tokyo",
            "America/Los_Angeles", "UTC",
        ]
        let itemZones = ["America/New_York", "Europe/Berlin", "Asia/Kolkata"]
        let timeframes = EnforcementTimeframe.allCases

        // Per major: an automatic item and a manual item; continuous items above; Self Service items.
        var itemNumber = 0
        func makeItem(major: Int, method: InstallationMethod, enforcement: VersionEnforcement) -> ManagedOSItem {
            itemNumber += 1
            return ManagedOSItem(
                id: UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", itemNumber))!,
                label: "\(major) #\(itemNumber)",
                major: major, installationMethod: method, versionEnforcement: enforcement,
                enforcementTime: EnforcementTime(hour: 9 + itemNumber % 8, minute: 0)!,
                enforcementTimeZone: random.pick(itemZones),
                bsiEnforcement: major >= 26
                    ? .automatic(timeframe: .oneWeek, time: EnforcementTime(hour: 10, minute: 0)!) : .none)
        }
        var updateItems: [Int: [ManagedOSItem]] = [:]
        var versionsByMajor: [Int: [(OSVersion, OSBuild?)]] = [:]
        for major in majors {
            let updates = catalog.releases.filter { $0.major == major && !$0.isBackgroundSecurityImprovement }
            versionsByMajor[major] = updates.map { ($0.version, $0.build) }
            let newest = updates.map(\.version).max() ?? OSVersion(major: major)
            updateItems[major] = [
                makeItem(
                    major: major, method: .continuous, enforcement: .automatic(timeframe: random.pick(timeframes))),
                makeItem(
                    major: major, method: .continuous,
                    enforcement: .manualMinimum(
                        version: newest.description, deadlineDate: CivilDate(year: 2026, month: 9, day: 1)!)),
            ]
        }
        let upgradeItems = majors.filter { $0 >= 14 }.map {
            makeItem(major: $0, method: .continuous, enforcement: .automatic(timeframe: .oneMonth))
        }
        let selfServiceItems = majors.filter { $0 >= 15 }.map {
            makeItem(major: $0, method: .selfService, enforcement: .doNotManage)
        }

        var fleet: [(MacState, [ManagedOSItem])] = []
        fleet.reserveCapacity(macs)
        for index in 0..<macs {
            let board = random.pick(boards)
            let hardware = MacHardware(boardID: board, modelIdentifier: catalog.modelIdentifierByBoardID[board])
            let supported = majors.filter { catalog.supportedMajors(for: hardware).contains($0) }
            let major = supported.isEmpty ? random.pick(majors) : random.pick(supported)
            let (version, build) = random.pick(versionsByMajor[major] ?? [(OSVersion(major: major), nil)])
            let mac = MacState(
                id: UUID(uuidString: String(format: "10000000-0000-0000-0000-%012d", index))!, hardware: hardware,
                osVersion: version,
                build: build, timeZoneIdentifier: random.pick(zones),
                installState: random.pick([nil, .downloading, .prepared]),
                lastReportAt: now.addingTimeInterval(-Double(random.next() % 1_000_000)),
                selfServiceRequestMajor: random.next() % 20 == 0 ? 26 : nil)
            let items = [
                random.pick(updateItems[major] ?? upgradeItems), random.pick(upgradeItems),
                random.pick(selfServiceItems),
            ]
            fleet.append((mac, items))
        }

        // Evaluation: one evaluator (one task, one core) per round.
        /// CPU time of this thread, in seconds: throughput on one core, whatever else runs on the machine.
        func threadCPUSeconds() -> Double {
            var spec = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
            return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
        }
        var best = Duration.seconds(1_000_000)
        var bestCPU = Double.infinity
        var declared = 0
        for _ in 0..<rounds {
            declared = 0
            let start = ContinuousClock.now
            let startCPU = threadCPUSeconds()
            let evaluator = MacEvaluator(catalog: catalog, now: now)
            for (mac, items) in fleet {
                let plan = evaluator.evaluate(mac: mac, items: items)
                if plan.osEnforcement != nil || plan.bsiEnforcement != nil { declared += 1 }
            }
            best = min(best, ContinuousClock.now - start)
            bestCPU = min(bestCPU, threadCPUSeconds() - startCPU)
        }

        // Reference 1: a loop over the same Macs computing only the target of their update major.
        let referenceStart = threadCPUSeconds()
        var targets = 0
        for (mac, _) in fleet
        where catalog.latestApproved(major: mac.osVersion.major, for: mac.hardware, at: now) != nil { targets += 1 }
        let targetLoop = threadCPUSeconds() - referenceStart

        // Reference 2: JSON-encoding the same number of plans (collected outside the timed loop).
        let evaluator = MacEvaluator(catalog: catalog, now: now)
        let plans = skipEncoding ? [] : fleet.map { evaluator.evaluate(mac: $0.0, items: $0.1) }
        let encoder = JSONEncoder()
        let encodeStart = threadCPUSeconds()
        var bytes = 0
        for plan in plans where !skipEncoding { bytes += try encoder.encode(plan).count }
        let encodeTime = threadCPUSeconds() - encodeStart

        var usage = rusage()
        getrusage(rusageSelf, &usage)
        let peakMB = Double(usage.ru_maxrss) / 1024  // KiB on Linux

        func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        let rate = Double(macs) / bestCPU
        print(
            "catalog: \(catalog.releases.count) releases, majors \(majors), \(boards.count) board IDs, loaded in \(loadTime)"
        )
        print("fleet: \(macs) Macs, 3 items each; \(declared) with a declaration; \(targets) with a target")
        print(
            String(
                format:
                    "evaluation:  %10.0f evaluations/s per core (thread CPU time %.3f s, best of %d; wall %.3f s → %.0f/s)",
                rate, bestCPU, rounds, seconds(best), Double(macs) / seconds(best)))
        print(
            String(
                format:
                    "reference, latestApproved only: %10.0f Macs/s (%.3f s CPU): evaluation costs %.2f× this bare target lookup",
                Double(macs) / targetLoop, targetLoop, bestCPU / targetLoop))
        if !skipEncoding {
            print(
                String(
                    format:
                        "reference, JSON-encoding the plans: %10.0f plans/s (%.3f s CPU, %d bytes): evaluation is %.2f× faster",
                    Double(macs) / encodeTime, encodeTime, bytes, encodeTime / bestCPU))
        }
        print(String(format: "peak memory (ru_maxrss): %.1f MiB", peakMB))
        print(
            rate >= 200_000
                ? "target ≥ 200,000 evaluations/s on one core: met"
                : "target ≥ 200,000 evaluations/s on one core: MISSED")
        var results = [
            BenchmarkResult(
                name: "Evaluations/s on one core (\(macs) Macs, majors 13–26, 3 items each, real catalog)",
                figure: rate, unit: "evaluations/s", reference: Double(macs) / targetLoop,
                referenceName: "loop computing only latestApproved (Macs/s)", target: "≥ 200,000/s",
                met: rate >= 200_000)
        ]
        if !skipEncoding {
            results.append(
                BenchmarkResult(
                    name: "Evaluations/s beside JSON-encoding the same plans", figure: rate, unit: "evaluations/s",
                    reference: Double(macs) / encodeTime, referenceName: "JSONEncoder plans/s", target: "(recorded)",
                    met: nil))
        }
        results.append(
            BenchmarkResult(
                name: "Peak memory (ru_maxrss) for the run", figure: peakMB, unit: "MiB", reference: 0,
                referenceName: "–", target: "(recorded)", met: nil))
        let report = BenchmarkReport(
            section: "bench-evaluation", title: "Domain evaluation (pure, one core)", results: results)
        if let markdown { try report.write(into: markdown) }
    }
}
