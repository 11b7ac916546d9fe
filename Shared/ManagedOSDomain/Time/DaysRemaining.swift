// DaysRemaining: the day count shown to users before a deadline, and when that count next changes.

import Foundation

/// Days remaining before a deadline as users see them: `ceil((deadline − now) / 1 day)`, 0 once due.
public enum DaysRemaining {
    /// Seconds in one day.
    public static let secondsPerDay: TimeInterval = 86_400

    /// `ceil((deadline − now) / 1 day)`; 7.6 days shows as 8; 0 when the deadline is now or past.
    public static func count(until deadline: Date, from now: Date) -> Int {
        let interval = deadline.timeIntervalSince(now)
        guard interval > 0 else { return 0 }
        return Int((interval / secondsPerDay).rounded(.up))
    }

    /// The first instant after `now` at which `count(until:from:)` changes; nil once the deadline passed.
    public static func nextChange(until deadline: Date, from now: Date) -> Date? {
        let current = count(until: deadline, from: now)
        guard current > 0 else { return nil }
        return deadline.addingTimeInterval(-TimeInterval(current - 1) * secondsPerDay)
    }
}
