// PostgresDecodable: how result values (text format) become Swift values.

import Foundation

/// A type a result column can be decoded as. Decoding reads the server's text format.
public protocol PostgresDecodable: Sendable {
    /// Decodes from the column's text; nil when the text is not a valid value of this type.
    init?(postgresText text: String)
}

extension String: PostgresDecodable {
    public init?(postgresText text: String) { self = text }
}

extension Int: PostgresDecodable {
    public init?(postgresText text: String) { self.init(text) }
}

extension Int64: PostgresDecodable {
    public init?(postgresText text: String) { self.init(text) }
}

extension Int32: PostgresDecodable {
    public init?(postgresText text: String) { self.init(text) }
}

extension Bool: PostgresDecodable {
    public init?(postgresText text: String) {
        switch text {
        case "t", "true": self = true
        case "f", "false": self = false
        default: return nil
        }
    }
}

extension Double: PostgresDecodable {
    public init?(postgresText text: String) { self.init(text) }
}

extension UUID: PostgresDecodable {
    public init?(postgresText text: String) {
        guard let value = PostgresUUID.parse(text) else { return nil }
        self = value
    }
}

extension Date: PostgresDecodable {
    public init?(postgresText text: String) {
        guard let date = PostgresTimestamp.parse(text) else { return nil }
        self = date
    }
}

extension PostgresDate: PostgresDecodable {
    public init?(postgresText text: String) { self.init(text: text) }
}

extension PostgresJSON: PostgresDecodable {
    public init?(postgresText text: String) { self.init(text: text) }
}

extension Data: PostgresDecodable {
    /// Decodes bytea hex output (`\x0102ff`).
    public init?(postgresText text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0
        else { return nil }
        func nibble(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 48...57: byte - 48
            case 97...102: byte - 87
            case 65...70: byte - 55
            default: nil
            }
        }
        var data = Data(capacity: (bytes.count - 2) / 2)
        var index = 2
        while index < bytes.count {
            guard let high = nibble(bytes[index]), let low = nibble(bytes[index + 1]) else { return nil }
            data.append(high << 4 | low)
            index += 2
        }
        self = data
    }
}

extension Array: PostgresDecodable where Element: PostgresArrayDecodable {
    public init?(postgresText text: String) {
        guard let elements = PostgresArrayLiteral.parse(text) else { return nil }
        var result: [Element] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let value = Element(arrayElementText: element) else { return nil }
            result.append(value)
        }
        self = result
    }
}

/// A type an array element can be decoded as; `Optional` elements accept NULL.
public protocol PostgresArrayDecodable: Sendable {
    /// Decodes one element (nil text = NULL element); returns nil when it cannot.
    init?(arrayElementText text: String?)
}

extension String: PostgresArrayDecodable {
    public init?(arrayElementText text: String?) {
        guard let text else { return nil }
        self = text
    }
}

extension Int: PostgresArrayDecodable {
    public init?(arrayElementText text: String?) {
        guard let text, let value = Int(text) else { return nil }
        self = value
    }
}

extension Int64: PostgresArrayDecodable {
    public init?(arrayElementText text: String?) {
        guard let text, let value = Int64(text) else { return nil }
        self = value
    }
}

extension UUID: PostgresArrayDecodable {
    public init?(arrayElementText text: String?) {
        guard let text, let value = PostgresUUID.parse(text) else { return nil }
        self = value
    }
}

extension Optional: PostgresArrayDecodable where Wrapped: PostgresArrayDecodable {
    public init?(arrayElementText text: String?) {
        guard let text else {
            self = .none
            return
        }
        guard let value = Wrapped(arrayElementText: text) else { return nil }
        self = .some(value)
    }
}
