// EnforcementTime: the wall-clock time of day (`HH:mm`, 24 h) at which an item's deadlines fall.

/// A time of day `HH:mm` (24 h) at which deadlines fall; encoded as the text `"HH:mm"`.
public struct EnforcementTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Hour 0–23.
    public let hour: Int
    /// Minute 0–59.
    public let minute: Int

    /// Creates a time; nil when out of range.
    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// Parses `HH:mm` (two digits each, 24 h); nil otherwise.
    public init?(parsing text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":") else { return nil }
        let digits = [bytes[0], bytes[1], bytes[3], bytes[4]]
        guard digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let values = digits.map { Int($0 - 48) }
        self.init(hour: values[0] * 10 + values[1], minute: values[2] * 10 + values[3])
    }

    /// The local date-time at this time on `date`.
    public func on(_ date: CivilDate) -> LocalDateTime {
        // Components are validated at construction, so this cannot fail.
        LocalDateTime(date: date, hour: hour, minute: minute)!
    }

    /// `HH:mm`.
    public var description: String {
        (hour < 10 ? "0\(hour)" : "\(hour)") + ":" + (minute < 10 ? "0\(minute)" : "\(minute)")
    }

    public static func < (lhs: EnforcementTime, rhs: EnforcementTime) -> Bool {
        (lhs.hour, lhs.minute) < (rhs.hour, rhs.minute)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = EnforcementTime(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "invalid time \(text), expected HH:mm"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
