// PostgresBindable: how Swift values become statement parameters (text format, cast in SQL).

import Foundation

/// A value that can be sent as a statement parameter.
///
/// Parameters travel in PostgreSQL's text format; the statement casts them (`$1::uuid`,
/// `$2::timestamptz`, `$3::text[]`). Values are never spliced into SQL text.
public protocol PostgresBindable: Sendable {
    /// The text form PostgreSQL parses for this value.
    var postgresText: String { get }
    /// PostgreSQL's binary form of the value, sent instead of the text when not nil (see `PostgresTextArray`).
    var postgresBinary: [UInt8]? { get }
}

extension PostgresBindable {
    public var postgresBinary: [UInt8]? { nil }
}

extension String: PostgresBindable {
    public var postgresText: String { self }
}

extension Substring: PostgresBindable {
    public var postgresText: String { String(self) }
}

extension Int: PostgresBindable {
    public var postgresText: String { String(self) }
}

extension Int64: PostgresBindable {
    public var postgresText: String { String(self) }
}

extension Int32: PostgresBindable {
    public var postgresText: String { String(self) }
}

extension Bool: PostgresBindable {
    public var postgresText: String { self ? "t" : "f" }
}

extension Double: PostgresBindable {
    public var postgresText: String {
        if isNaN { return "NaN" }
        if isInfinite { return self > 0 ? "Infinity" : "-Infinity" }
        return "\(self)"
    }
}

extension UUID: PostgresBindable {
    public var postgresText: String { PostgresUUID.format(self) }
}

extension Date: PostgresBindable {
    /// ISO 8601 in UTC with microseconds: `2026-11-29T02:34:59.123456Z`.
    public var postgresText: String { PostgresTimestamp.format(self) }
}

extension Data: PostgresBindable {
    /// bytea hex form: `\x0102ff`.
    public var postgresText: String {
        let digits: [Character] = Array("0123456789abcdef")
        var text = "\\x"
        text.reserveCapacity(2 + count * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return text
    }
}

extension Array: PostgresBindable where Element: PostgresArrayElement {
    /// Array literal with every element quoted: `{"a","b \"c\"",NULL}`.
    public var postgresText: String { PostgresArrayLiteral.encode(self.map { $0.arrayElementText }) }
}

/// A value that can be an element of an array parameter; nil elements become SQL NULL.
public protocol PostgresArrayElement: Sendable {
    /// The element's text, or nil for NULL.
    var arrayElementText: String? { get }
}

extension String: PostgresArrayElement { public var arrayElementText: String? { self } }
extension Int: PostgresArrayElement { public var arrayElementText: String? { String(self) } }
extension Int64: PostgresArrayElement { public var arrayElementText: String? { String(self) } }
extension Bool: PostgresArrayElement { public var arrayElementText: String? { self ? "t" : "f" } }
extension Double: PostgresArrayElement { public var arrayElementText: String? { postgresText } }
extension UUID: PostgresArrayElement { public var arrayElementText: String? { postgresText } }
extension Date: PostgresArrayElement { public var arrayElementText: String? { postgresText } }
extension PostgresJSON: PostgresArrayElement { public var arrayElementText: String? { text } }
extension Optional: PostgresArrayElement where Wrapped: PostgresArrayElement {
    public var arrayElementText: String? { self?.arrayElementText }
}
