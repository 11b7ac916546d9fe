// LocalDateTime: a wall-clock date and time with no zone, and its DDM `TargetLocalDateTime` text form.

/// A wall-clock date and time with no time zone, to the second (`2026-03-08T02:30:00`).
///
/// This is what DDM's `TargetLocalDateTime` carries: the Mac applies it in its own local time. It is
/// encoded as exactly `yyyy-MM-ddTHH:mm:ss` (no zone, no fraction).
public struct LocalDateTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The calendar day.
    public let date: CivilDate
    /// Hour 0–23.
    public let hour: Int
    /// Minute 0–59.
    public let minute: Int
    /// Second 0–59.
    public let second: Int

    /// Creates a local date-time; nil when a component is out of range.
    public init?(date: CivilDate, hour: Int, minute: Int, second: Int = 0) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else { return nil }
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// Creates a local date-time from seconds counted as if the wall clock were UTC
    /// (`date.daysSinceEpoch * 86_400 + seconds of the day`).
    public init(wallClockSeconds seconds: Int) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let ofDay = seconds - days * 86_400
        date = CivilDate(daysSinceEpoch: days)
        hour = ofDay / 3600
        minute = (ofDay % 3600) / 60
        second = ofDay % 60
    }

    /// Seconds since 1970-01-01T00:00:00 of this wall-clock reading, as if it were UTC.
    public var wallClockSeconds: Int { date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second }

    /// Parses exactly `yyyy-MM-ddTHH:mm:ss`; nil for any other form (zones and fractions are refused).
    public init?(targetLocalDateTime text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 19, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
            bytes[16] == UInt8(ascii: ":"), let date = CivilDate(iso: String(decoding: bytes[0..<10], as: UTF8.self))
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let h = number(11..<13), let m = number(14..<16), let s = number(17..<19) else { return nil }
        self.init(date: date, hour: h, minute: m, second: s)
    }

    /// The DDM `TargetLocalDateTime` text: `yyyy-MM-ddTHH:mm:ss`.
    public var targetLocalDateTime: String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(date)T\(two(hour)):\(two(minute)):\(two(second))"
    }

    public var description: String { targetLocalDateTime }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        lhs.wallClockSeconds < rhs.wallClockSeconds
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = LocalDateTime(targetLocalDateTime: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "invalid local date-time \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(targetLocalDateTime)
    }
}
