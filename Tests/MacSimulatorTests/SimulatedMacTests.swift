// SimulatedMacTests: the simulated Mac's update state machine, its status reports and the demo fleet generator.

import AppleFeedSnapshots
import Foundation
import MacSimulation
import ManagedOSDomain
import Testing

@Suite struct SimulatedMacTests {
    static let start = Date(timeIntervalSince1970: 1_786_017_600)  // 2026-08-06T12:00:00Z
    static let paris = TimeZone(identifier: "Europe/Paris")!
    /// Fixed durations, no failures: every transition happens at a known instant.
    static let behaviour = InstallBehaviour(
        download: 600...600, userDelay: 3600...3600, overdueDelay: 120...120, install: 900...900,
        retryDelay: 1800...1800, failureRate: 0)

    static func mac(_ version: String = "15.7.8") -> SimulatedMac {
        SimulatedMac(
            enrollmentID: "mac-1", modelIdentifier: "Mac14,2", timeZone: paris,
            osVersion: try! OSVersion(parsing: version), buildVersion: "24G824")
    }

    static func enforcement(_ version: String, deadline: String) -> EnforcementDeclaration {
        EnforcementDeclaration(
            identifier: "com.managedos.enforcement.os", targetVersion: try! OSVersion(parsing: version),
            targetLocalDateTime: deadline, installedBuild: "24G830")
    }

    @Test func enforcementDeclaredStartsTheDownloadThenInstallsAfterTheUsersDelayAndReportsTheNewVersion() {
        var mac = Self.mac()
        var random = SeededGenerator(seed: 7)
        let declared = Self.enforcement("15.7.9", deadline: "2026-08-20T09:00:00")
        #expect(
            mac.receive(declared, now: Self.start, behaviour: Self.behaviour, random: &random)
                == .startedDownload(target: try! OSVersion(parsing: "15.7.9")))
        #expect(mac.phase == .downloading(until: Self.start + 600))
        #expect(mac.advance(now: Self.start + 599, behaviour: Self.behaviour, random: &random) == nil)
        #expect(mac.advance(now: Self.start + 600, behaviour: Self.behaviour, random: &random) == .prepared)
        #expect(mac.phase == .prepared(installAt: Self.start + 600 + 3600))
        #expect(mac.advance(now: Self.start + 4200, behaviour: Self.behaviour, random: &random) == .startedInstall)
        #expect(
            mac.advance(now: Self.start + 5100, behaviour: Self.behaviour, random: &random)
                == .installed(version: try! OSVersion(parsing: "15.7.9"), build: "24G830"))
        #expect(mac.osVersion.description == "15.7.9")
        #expect(mac.phase == .idle)
        #expect(mac.enforcement == nil)
        #expect(mac.nextEventAt == nil)
    }

    @Test func preparedUpdateInstallsAtTheDeadlineWhenTheUserWouldWaitLonger() {
        var mac = Self.mac()
        var random = SeededGenerator(seed: 1)
        // Deadline 09:00 Paris = 07:00Z on 2026-08-06, 30 minutes after the download finishes at 06:40Z.
        let early = Date(timeIntervalSince1970: 1_785_997_800)  // 2026-08-06T06:30:00Z
        _ = mac.receive(
            Self.enforcement("15.7.9", deadline: "2026-08-06T09:00:00"), now: early, behaviour: Self.behaviour,
            random: &random)
        _ = mac.advance(now: early + 600, behaviour: Self.behaviour, random: &random)
        #expect(mac.phase == .prepared(installAt: Date(timeIntervalSince1970: 1_785_999_600)))
    }

    @Test func overdueEnforcementInstallsShortlyAfterTheDownload() {
        var mac = Self.mac()
        var random = SeededGenerator(seed: 1)
        _ = mac.receive(
            Self.enforcement("15.7.9", deadline: "2026-08-01T09:00:00"), now: Self.start, behaviour: Self.behaviour,
            random: &random)
        _ = mac.advance(now: Self.start + 600, behaviour: Self.behaviour, random: &random)
        #expect(mac.phase == .prepared(installAt: Self.start + 600 + 120))
    }

    @Test func failedInstallReportsTheReasonRetriesAndCountsTheFailure() {
        var failing = Self.behaviour
        failing.failureRate = 1
        var mac = Self.mac()
        var random = SeededGenerator(seed: 3)
        _ = mac.receive(
            Self.enforcement("15.7.9", deadline: "2026-08-01T09:00:00"), now: Self.start, behaviour: failing,
            random: &random)
        var now = Self.start
        var transitions: [SimulatedMac.Transition] = []
        for _ in 0..<4 {
            now = mac.nextEventAt!
            if let transition = mac.advance(now: now, behaviour: failing, random: &random) {
                transitions.append(transition)
            }
        }
        #expect(transitions.count == 4)
        guard case .failed(let reason) = transitions[2] else {
            Issue.record("expected a failure, got \(transitions)")
            return
        }
        #expect(InstallBehaviour.failureReasons.contains(reason))
        #expect(transitions[3] == .retrying)
        #expect(mac.failureCount == 1)
        #expect(mac.osVersion.description == "15.7.8")
        // The retry succeeds once installs stop failing.
        _ = mac.advance(now: mac.nextEventAt!, behaviour: Self.behaviour, random: &random)
        let done = mac.advance(now: mac.nextEventAt!, behaviour: Self.behaviour, random: &random)
        #expect(done == .installed(version: try! OSVersion(parsing: "15.7.9"), build: "24G830"))
        #expect(mac.failureCount == 0)
    }

    @Test func targetAtOrBelowTheRunningVersionIsIgnored() {
        var mac = Self.mac("15.7.9")
        var random = SeededGenerator(seed: 1)
        #expect(
            mac.receive(
                Self.enforcement("15.7.9", deadline: "2026-08-20T09:00:00"), now: Self.start, behaviour: Self.behaviour,
                random: &random) == nil)
        #expect(mac.phase == .idle)
    }

    @Test func withdrawnEnforcementStopsADownloadButNotARunningInstall() {
        var mac = Self.mac()
        var random = SeededGenerator(seed: 1)
        let declared = Self.enforcement("15.7.9", deadline: "2026-08-01T09:00:00")
        _ = mac.receive(declared, now: Self.start, behaviour: Self.behaviour, random: &random)
        #expect(mac.receive(nil, now: Self.start + 10, behaviour: Self.behaviour, random: &random) == .withdrew)
        #expect(mac.phase == .idle)

        _ = mac.receive(declared, now: Self.start, behaviour: Self.behaviour, random: &random)
        _ = mac.advance(now: Self.start + 600, behaviour: Self.behaviour, random: &random)
        _ = mac.advance(now: mac.nextEventAt!, behaviour: Self.behaviour, random: &random)
        guard case .installing = mac.phase else {
            Issue.record("expected installing, got \(mac.phase)")
            return
        }
        #expect(mac.receive(nil, now: mac.nextEventAt!, behaviour: Self.behaviour, random: &random) == nil)
        guard case .installing = mac.phase else {
            Issue.record("the install stopped: \(mac.phase)")
            return
        }
    }

    @Test func aNewerTargetWhileDownloadingRestartsTheDownloadForIt() {
        var mac = Self.mac("26.5")
        var random = SeededGenerator(seed: 1)
        _ = mac.receive(
            Self.enforcement("26.6", deadline: "2026-08-20T09:00:00"), now: Self.start, behaviour: Self.behaviour,
            random: &random)
        let newer = mac.receive(
            Self.enforcement("26.6.1", deadline: "2026-08-20T09:00:00"), now: Self.start + 60,
            behaviour: Self.behaviour, random: &random)
        #expect(newer == .startedDownload(target: try! OSVersion(parsing: "26.6.1")))
        #expect(mac.phase == .downloading(until: Self.start + 660))
    }

    @Test func reportsCarryTheStateStatusIngestReads() throws {
        var mac = Self.mac()
        var random = SeededGenerator(seed: 1)
        let full =
            try JSONSerialization.jsonObject(
                with: StatusReportBuilder.full(mac, serialNumber: "C02TEST", declarations: [])) as! [String: Any]
        #expect(full["FullReport"] as? Bool == true)
        let items = full["StatusItems"] as! [String: Any]
        let device = items["device"] as! [String: Any]
        #expect((device["operating-system"] as? [String: Any])?["version"] as? String == "15.7.8")
        let capabilities = (items["management"] as? [String: Any])?["client-capabilities"] as? [String: Any]
        let configurations =
            ((capabilities?["supported-payloads"] as? [String: Any])?["declarations"] as? [String: Any])?[
                "configurations"] as? [String]
        #expect(configurations?.contains("com.apple.configuration.softwareupdate.enforcement.specific") == true)

        let transition = mac.receive(
            Self.enforcement("15.7.9", deadline: "2026-08-20T09:00:00"), now: Self.start, behaviour: Self.behaviour,
            random: &random)
        let held = [
            HeldDeclaration(kind: "configurations", identifier: "com.managedos.enforcement.os", serverToken: "t9")
        ]
        let incremental =
            try JSONSerialization.jsonObject(
                with: StatusReportBuilder.incremental(mac, after: transition, declarations: held)) as! [String: Any]
        let update = (incremental["StatusItems"] as! [String: Any])["softwareupdate"] as! [String: Any]
        #expect(update["install-state"] as? String == "downloading")
        #expect((update["pending-version"] as? [String: Any])?["os-version"] as? String == "15.7.9")
        let declarations =
            ((incremental["StatusItems"] as! [String: Any])["management"] as? [String: Any])?["declarations"]
            as? [String: Any]
        let configuration = (declarations?["configurations"] as? [[String: Any]])?.first
        #expect(configuration?["server-token"] as? String == "t9")
    }

    @Test func macOS13MacsDoNotOfferDeclarativeEnforcement() {
        let capabilities = StatusReportBuilder.capabilities(major: 13)
        let declarations = (capabilities["supported-payloads"] as? [String: Any])?["declarations"] as? [String: Any]
        #expect(
            (declarations?["configurations"] as? [String])?.contains(
                "com.apple.configuration.softwareupdate.enforcement.specific") == false)
    }

    @Test func fleetGeneratorIsDeterministicAndUsesRealHardwareForEachMajor() throws {
        let catalog = try AppleFeedSnapshots.defaultCatalog()
        let now = Date(timeIntervalSince1970: 1_787_227_200)  // 2026-08-20T12:00:00Z
        let generator = FleetGenerator(catalog: catalog, now: now, prefix: "demo-mac-", seed: 1)
        let fleet = (0..<400).map(generator.member)
        #expect(fleet == (0..<400).map(FleetGenerator(catalog: catalog, now: now, prefix: "demo-mac-", seed: 1).member))
        #expect(fleet[0].enrollmentID == "demo-mac-00001")
        #expect(Set(fleet.map(\.enrollmentID)).count == 400)
        #expect(Set(fleet.map(\.osVersion.major)) == [13, 14, 15, 26])
        for member in fleet {
            let hardware = MacHardware(boardID: member.boardID, modelIdentifier: member.modelIdentifier)
            #expect(catalog.supports(major: member.osVersion.major, hardware: hardware), "\(member)")
            #expect(!catalog.updates(version: member.osVersion).isEmpty, "\(member.osVersion) is not a real release")
        }
    }
}
