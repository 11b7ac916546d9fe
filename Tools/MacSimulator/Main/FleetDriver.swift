// FleetDriver: runs the simulated Macs against the product's DDM endpoints until cancelled or a duration passes.

import Foundation
import MacSimulation
import ManagedOSDomain

/// Drives `SimulatedMac` values with real HTTP: each Mac sends a full status report first, then syncs (tokens;
/// manifest and the OS enforcement when the token changed) every `syncInterval`, and reports each transition
/// of its update. The Macs' clock starts at `clockStart` and runs `speed` times faster than real time.
struct FleetDriver: Sendable {
    /// One Mac with what the driver remembers about it.
    struct Runtime: Sendable {
        var mac: SimulatedMac
        var serialNumber: String
        var random: SeededGenerator
        var lastToken: String?
        var held: [HeldDeclaration] = []
        var sentFullReport = false
        var needsReport = false
        var nextSyncAt: Date
        var replica: Int
    }

    /// Totals printed as progress lines.
    struct Totals: Sendable {
        var installed = 0
        var failures = 0
        var reports = 0
        var errors = 0
        var lastError: String?
    }

    let ddm: DDMClient
    let behaviour: InstallBehaviour
    let clockStart: Date
    let speed: Double
    let syncInterval: TimeInterval
    let concurrency: Int
    /// The build a Mac of a model reports for a version (from the bundled catalog).
    let buildLookup: @Sendable (OSVersion, String) -> String?
    let progressInterval: TimeInterval

    /// Runs `members` until `duration` passes (nil: until the task is cancelled or the process is stopped).
    func run(_ members: [FleetMember], seed: UInt64, duration: TimeInterval?) async {
        let realStart = Date()
        var runtimes = members.enumerated().map { index, member in
            Runtime(
                mac: SimulatedMac(
                    enrollmentID: member.enrollmentID, modelIdentifier: member.modelIdentifier,
                    timeZone: TimeZone(identifier: member.timeZone) ?? TimeZone(identifier: "UTC")!,
                    osVersion: member.osVersion,
                    buildVersion: member.buildVersion),
                serialNumber: member.serialNumber, random: SeededGenerator(seed: seed ^ 0x5EED, index: index),
                nextSyncAt: realStart, replica: index)
        }
        var totals = Totals()
        var lastProgress = realStart
        log("simulating \(runtimes.count) Macs (clock from \(clockStart.formatted(.iso8601)), \(speed)x)")
        while !Task.isCancelled {
            let realNow = Date()
            if let duration, realNow.timeIntervalSince(realStart) >= duration { break }
            let macNow = clockStart.addingTimeInterval(realNow.timeIntervalSince(realStart) * speed)
            let due = runtimes.indices.filter { index in
                let runtime = runtimes[index]
                return !runtime.sentFullReport || runtime.needsReport || runtime.nextSyncAt <= realNow
                    || (runtime.mac.nextEventAt.map { $0 <= macNow } ?? false)
            }
            var cursor = 0
            while cursor < due.count, !Task.isCancelled {
                let chunk = Array(due[cursor..<min(cursor + concurrency, due.count)])
                cursor += chunk.count
                await withTaskGroup(of: (Int, Runtime).self) { group in
                    for index in chunk {
                        let runtime = runtimes[index]
                        group.addTask { (index, await self.step(runtime, realNow: realNow, macNow: macNow)) }
                    }
                    for await (index, updated) in group {
                        totals.installed += updated.installedCount(comparedTo: runtimes[index])
                        totals.failures += updated.mac.failureCount > runtimes[index].mac.failureCount ? 1 : 0
                        runtimes[index] = updated
                    }
                }
            }
            if realNow.timeIntervalSince(lastProgress) >= progressInterval {
                lastProgress = realNow
                log(progress(runtimes, totals: totals))
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        log(progress(runtimes, totals: totals))
    }

    /// One Mac's due work: first report, sync, transitions, each reported.
    func step(_ start: Runtime, realNow: Date, macNow: Date) async -> Runtime {
        var runtime = start
        let id = runtime.mac.enrollmentID
        do {
            if !runtime.sentFullReport {
                try await ddm.sendStatus(
                    id,
                    body: StatusReportBuilder.full(runtime.mac, serialNumber: runtime.serialNumber, declarations: []),
                    replica: runtime.replica)
                runtime.sentFullReport = true
            }
            if runtime.needsReport {
                try await ddm.sendStatus(
                    id, body: StatusReportBuilder.incremental(runtime.mac, after: nil, declarations: runtime.held),
                    replica: runtime.replica)
                runtime.needsReport = false
            }
            if runtime.nextSyncAt <= realNow {
                runtime.nextSyncAt = realNow.addingTimeInterval(syncInterval * Double.random(in: 0.75...1.25))
                let token = try await ddm.declarationsToken(id)
                if token != runtime.lastToken {
                    let sync = try await ddm.sync(id)
                    var enforcement = sync.enforcement
                    if var declared = enforcement {
                        declared.installedBuild =
                            declared.targetBuild ?? buildLookup(declared.targetVersion, runtime.mac.modelIdentifier)
                        enforcement = declared
                    }
                    let transition = runtime.mac.receive(
                        enforcement, now: macNow, behaviour: behaviour, random: &runtime.random)
                    runtime.held = sync.held
                    runtime.needsReport = true
                    try await ddm.sendStatus(
                        id,
                        body: StatusReportBuilder.incremental(runtime.mac, after: transition, declarations: sync.held),
                        replica: runtime.replica)
                    runtime.needsReport = false
                    runtime.lastToken = token
                }
            }
            while let transition = runtime.mac.advance(now: macNow, behaviour: behaviour, random: &runtime.random) {
                runtime.needsReport = true
                try await ddm.sendStatus(
                    id, body: StatusReportBuilder.incremental(runtime.mac, after: transition, declarations: nil),
                    replica: runtime.replica)
                runtime.needsReport = false
                if case .installed = transition {
                    // The product withdraws the enforcement (or declares the next one): sync soon.
                    runtime.nextSyncAt = min(runtime.nextSyncAt, realNow.addingTimeInterval(min(syncInterval, 2)))
                }
            }
        } catch {
            log("\(id): \(error)")
            runtime.nextSyncAt = max(runtime.nextSyncAt, realNow.addingTimeInterval(syncInterval))
        }
        return runtime
    }

    func progress(_ runtimes: [Runtime], totals: Totals) -> String {
        var phases: [String: Int] = [:]
        var versions: [Int: Int] = [:]
        for runtime in runtimes {
            phases[runtime.mac.phase.installState, default: 0] += 1
            versions[runtime.mac.osVersion.major, default: 0] += 1
        }
        let phaseText = ["downloading", "prepared", "installing", "failed"].map { "\($0) \(phases[$0] ?? 0)" }
        let majorText = versions.keys.sorted().map { "macOS \($0): \(versions[$0]!)" }
        return
            "simulator: \(runtimes.count) Macs; \(phaseText.joined(separator: ", ")); updates installed \(totals.installed), "
            + "failed installs \(totals.failures); \(majorText.joined(separator: ", "))"
    }

    func log(_ line: String) {
        FileHandle.standardError.write(Data("\(line)\n".utf8))
    }
}

extension FleetDriver.Runtime {
    /// 1 when this step installed a new version compared with `before`, else 0.
    func installedCount(comparedTo before: FleetDriver.Runtime) -> Int { mac.osVersion > before.mac.osVersion ? 1 : 0 }
}
