// SchedulerClock: where the scheduler reads "now" — the system clock, or one a test sets.

import Foundation
import Synchronization

/// The scheduler's source of the current instant. Tests inject a `ManualSchedulerClock`.
public protocol SchedulerClock: Sendable {
    /// The current instant, whole seconds.
    func now() -> Date
}

/// The system clock, truncated to whole seconds (plans store instants at second precision).
public struct SystemSchedulerClock: SchedulerClock {
    public init() {}
    public func now() -> Date { Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)) }
}

/// A clock a test sets and advances.
public final class ManualSchedulerClock: SchedulerClock {
    private let current: Mutex<Date>

    /// Starts at `start`.
    public init(_ start: Date) { current = Mutex(start) }

    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock to `instant`.
    public func set(_ instant: Date) { current.withLock { $0 = instant } }

    /// Moves the clock forward.
    public func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
