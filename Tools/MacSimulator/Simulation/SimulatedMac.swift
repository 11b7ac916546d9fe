// SimulatedMac: one simulated Mac's software update state and its transitions (pure: time and dice are parameters).

import Foundation
import ManagedOSDomain

/// What one Mac does with the OS enforcement it was declared: download, wait for the user (or the deadline),
/// install, fail sometimes and retry, then run the new version. Every change is a `Transition` the driver
/// turns into a status report.
public struct SimulatedMac: Sendable, Equatable {
    /// Where the Mac is with its pending update.
    public enum Phase: Sendable, Equatable {
        /// Nothing pending.
        case idle
        /// Downloading until the instant.
        case downloading(until: Date)
        /// Downloaded and prepared; installs at the instant (the user's choice, or the deadline).
        case prepared(installAt: Date)
        /// Installing until the instant.
        case installing(until: Date)
        /// The last installation failed; tries again at the instant.
        case failed(retryAt: Date)

        /// `softwareupdate.install-state` for the phase.
        public var installState: String {
            switch self {
            case .idle: "none"
            case .downloading: "downloading"
            case .prepared: "prepared"
            case .installing: "installing"
            case .failed: "failed"
            }
        }
    }

    /// One change of the Mac's state.
    public enum Transition: Sendable, Equatable {
        /// A new enforcement arrived and the download started.
        case startedDownload(target: OSVersion)
        /// The enforcement was withdrawn before installing.
        case withdrew
        /// The download finished; installation planned.
        case prepared
        /// Installation started.
        case startedInstall
        /// Installation failed with a reason.
        case failed(reason: String)
        /// A retry after a failure: prepared again, installing at once.
        case retrying
        /// The new version runs.
        case installed(version: OSVersion, build: String)
    }

    public let enrollmentID: String
    public let modelIdentifier: String
    public let timeZone: TimeZone
    public private(set) var osVersion: OSVersion
    public private(set) var buildVersion: String
    public private(set) var phase: Phase = .idle
    /// The enforcement being acted on.
    public private(set) var enforcement: EnforcementDeclaration?
    /// Failures of the current update (`softwareupdate.failure-reason.count`).
    public private(set) var failureCount = 0
    public private(set) var failureReason: String?

    /// A Mac running `osVersion` (`buildVersion`) with nothing pending.
    public init(
        enrollmentID: String, modelIdentifier: String, timeZone: TimeZone, osVersion: OSVersion, buildVersion: String
    ) {
        self.enrollmentID = enrollmentID
        self.modelIdentifier = modelIdentifier
        self.timeZone = timeZone
        self.osVersion = osVersion
        self.buildVersion = buildVersion
    }

    /// When the Mac next changes on its own (nil: it waits for a declaration).
    public var nextEventAt: Date? {
        switch phase {
        case .idle: nil
        case .downloading(let until): until
        case .prepared(let installAt): installAt
        case .installing(let until): until
        case .failed(let retryAt): retryAt
        }
    }

    /// Takes the OS enforcement of the latest DDM sync (nil: none declared). A target at or below the running
    /// version is ignored (Apple reports it as an error); a withdrawn enforcement stops everything but a
    /// running installation; the same target again only moves the deadline.
    public mutating func receive(
        _ declared: EnforcementDeclaration?, now: Date, behaviour: InstallBehaviour,
        random: inout some RandomNumberGenerator
    ) -> Transition? {
        guard let declared, declared.targetVersion > osVersion else {
            guard enforcement != nil else { return nil }
            if case .installing = phase { return nil }
            enforcement = nil
            phase = .idle
            failureCount = 0
            failureReason = nil
            return .withdrew
        }
        if let current = enforcement, current.targetVersion == declared.targetVersion {
            enforcement = declared
            if case .prepared(let installAt) = phase {
                phase = .prepared(
                    installAt: installationInstant(after: now, notLaterThan: installAt, behaviour, &random))
            }
            return nil
        }
        if case .installing = phase { return nil }
        enforcement = declared
        failureCount = 0
        failureReason = nil
        phase = .downloading(until: now.addingTimeInterval(TimeInterval.random(in: behaviour.download, using: &random)))
        return .startedDownload(target: declared.targetVersion)
    }

    /// Fires the next due change, if one is due at `now`; call again until it returns nil.
    public mutating func advance(
        now: Date, behaviour: InstallBehaviour, random: inout some RandomNumberGenerator
    ) -> Transition? {
        guard let due = nextEventAt, due <= now, let enforcement else { return nil }
        switch phase {
        case .idle:
            return nil
        case .downloading:
            phase = .prepared(installAt: installationInstant(after: now, notLaterThan: nil, behaviour, &random))
            return .prepared
        case .prepared:
            phase = .installing(
                until: now.addingTimeInterval(TimeInterval.random(in: behaviour.install, using: &random)))
            return .startedInstall
        case .installing:
            if Double.random(in: 0..<1, using: &random) < behaviour.failureRate {
                let reason = InstallBehaviour.failureReasons.randomElement(using: &random) ?? "Install failed"
                failureCount += 1
                failureReason = reason
                phase = .failed(
                    retryAt: now.addingTimeInterval(TimeInterval.random(in: behaviour.retryDelay, using: &random)))
                return .failed(reason: reason)
            }
            osVersion = enforcement.targetVersion
            buildVersion = enforcement.installedBuild ?? enforcement.targetBuild ?? Self.madeUpBuild(osVersion)
            self.enforcement = nil
            phase = .idle
            failureCount = 0
            failureReason = nil
            return .installed(version: osVersion, build: buildVersion)
        case .failed:
            phase = .prepared(installAt: now)
            return .retrying
        }
    }

    /// When a prepared update installs: after the user's delay, but by the deadline (shortly after it, when
    /// it has passed), and never later than `latest`.
    private func installationInstant(
        after now: Date, notLaterThan latest: Date?, _ behaviour: InstallBehaviour,
        _ random: inout some RandomNumberGenerator
    ) -> Date {
        var instant = now.addingTimeInterval(TimeInterval.random(in: behaviour.userDelay, using: &random))
        if let deadline = enforcement?.deadline(in: timeZone) {
            if deadline <= now {
                instant = now.addingTimeInterval(TimeInterval.random(in: behaviour.overdueDelay, using: &random))
            } else {
                instant = min(instant, deadline)
            }
        }
        if let latest { instant = min(instant, latest) }
        return instant
    }

    /// A build for a version the catalog does not know (`15.7.9` → `15G709`).
    public static func madeUpBuild(_ version: OSVersion) -> String {
        "\(version.major + 9)G\(version.minor)\(String(format: "%02d", version.patch))"
    }
}
