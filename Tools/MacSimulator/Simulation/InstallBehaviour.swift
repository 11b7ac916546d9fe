// InstallBehaviour: how long simulated Macs take to download and install, how users wait, how often installs fail.

import Foundation

/// Durations are on the simulated Macs' clock (seconds); the driver may run that clock faster than real time.
public struct InstallBehaviour: Sendable, Equatable {
    /// Time from receiving an enforcement to the update being downloaded and prepared.
    public var download: ClosedRange<TimeInterval>
    /// How long a user lets a prepared update wait before installing it (capped by the deadline).
    public var userDelay: ClosedRange<TimeInterval>
    /// How soon the OS installs a prepared update whose deadline has passed (Apple: within about an hour).
    public var overdueDelay: ClosedRange<TimeInterval>
    /// Time the installation itself takes.
    public var install: ClosedRange<TimeInterval>
    /// Time after a failed installation before the Mac tries again.
    public var retryDelay: ClosedRange<TimeInterval>
    /// Share of installations that fail, 0...1.
    public var failureRate: Double

    /// Creates a behaviour; the defaults are plausible for a real fleet (minutes to download and install,
    /// users waiting hours to a few days, 5 % failures).
    public init(
        download: ClosedRange<TimeInterval> = 300...1200, userDelay: ClosedRange<TimeInterval> = 1800...259_200,
        overdueDelay: ClosedRange<TimeInterval> = 60...3600, install: ClosedRange<TimeInterval> = 900...1800,
        retryDelay: ClosedRange<TimeInterval> = 1800...7200, failureRate: Double = 0.05
    ) {
        self.download = download
        self.userDelay = userDelay
        self.overdueDelay = overdueDelay
        self.install = install
        self.retryDelay = retryDelay
        self.failureRate = failureRate
    }

    /// Reasons a failed installation reports (free text on real Macs).
    public static let failureReasons = [
        "Not enough free disk space", "The update could not be verified", "The Mac was shut down during the install",
        "Bootstrap token unavailable",
    ]
}
