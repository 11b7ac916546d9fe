// LocalDateTime+TimeZone: converting wall-clock times to instants in an IANA zone and back, with DST rules.

import Foundation

extension LocalDateTime {
    /// The instant at which clocks in `zone` show this local date-time.
    ///
    /// Daylight-saving rules (DOMAIN.md §5): a local time that does not exist (spring-forward gap)
    /// moves forward to the first valid instant, the transition itself (02:30 on a New York
    /// spring-forward day → 03:00 EDT); an ambiguous local time (fall-back overlap) takes the
    /// earlier instant.
    public func instant(in zone: TimeZone) -> Date {
        Date(timeIntervalSince1970: TimeInterval(Self.instantSeconds(wallClock: wallClockSeconds, in: zone)))
    }

    /// The local date-time shown by clocks in `zone` at `instant` (fractions of a second dropped).
    public init(instant: Date, in zone: TimeZone) {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down))
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
        self.init(wallClockSeconds: seconds + offset)
    }

    /// Seconds since the epoch of the instant showing wall-clock `local` in `zone` (DST rules above).
    static func instantSeconds(wallClock local: Int, in zone: TimeZone) -> Int {
        func offset(_ seconds: Int) -> Int {
            zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
        }
        // Offsets in force a day either side cover every real-world transition (at most one per day).
        let before = offset(local - 86_400)
        let after = offset(local + 86_400)
        let early = local - before
        let late = local - after
        let earlyValid = offset(early) == before
        let lateValid = offset(late) == after
        switch (earlyValid, lateValid) {
        case (true, true): return Swift.min(early, late)
        case (true, false): return early
        case (false, true): return late
        case (false, false):
            // In a gap: the first valid instant is the transition, which lies in (min, max] of the two.
            var low = Swift.min(early, late)
            var high = Swift.max(early, late)
            let lowOffset = offset(low)
            while high - low > 1 {
                let middle = low + (high - low) / 2
                if offset(middle) == lowOffset { low = middle } else { high = middle }
            }
            return high
        }
    }
}
