// FeedTimestamp: lenient parsing of the RFC 3339-like timestamps in Apple and SOFA feeds.

import Foundation

/// Parses the timestamps Apple's and SOFA's feeds write, leniently.
///
/// Accepted: `2026-08-22T18:45:03Z`, fractional seconds of any length
/// (`2026-08-22T18:45:03.057991718+00:00`), numeric offsets, the malformed `+00:00Z` that SOFA's
/// `v1/timestamp.json` writes (offset followed by `Z`), a space instead of `T`, and a bare date
/// (`2026-08-22`, read as midnight UTC). Anything else gives nil.
public enum FeedTimestamp {
    /// The instant `text` denotes, or nil when it is not a timestamp.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard let day = CivilDate(iso: String(decoding: bytes.prefix(10), as: UTF8.self)) else { return nil }
        var seconds = Double(day.daysSinceEpoch) * 86_400
        if bytes.count == 10 { return Date(timeIntervalSince1970: seconds) }
        guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " ")
        else { return nil }
        var index = 11
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += count
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }
        guard let hour = digits(2), expect(":"), let minute = digits(2), hour < 24, minute < 60 else { return nil }
        var second = 0
        if expect(":") {
            guard let value = digits(2), value <= 60 else { return nil }
            second = value
        }
        seconds += Double(hour * 3600 + minute * 60 + second)
        if expect(".") || expect(",") {
            var scale = 0.1
            var fraction = 0.0
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
            seconds += fraction
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1.0 : 1.0
            index += 1
            guard let offsetHours = digits(2) else { return nil }
            _ = expect(":")
            guard let offsetMinutes = digits(2), offsetHours < 24, offsetMinutes < 60 else { return nil }
            seconds -= sign * Double(offsetHours * 3600 + offsetMinutes * 60)
        }
        // `Z` alone, or the malformed `+00:00Z`.
        _ = expect("Z") || expect("z")
        guard index == bytes.count else { return nil }
        // A missing zone is read as UTC, as SOFA means.
        return Date(timeIntervalSince1970: seconds)
    }
}
