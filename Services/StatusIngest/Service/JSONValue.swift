// JSONValue: a parsed JSON document as a value, decoded strictly and written back as compact JSON text.

import Foundation

/// Any JSON value. Decoding keeps booleans and numbers apart (`1` is never `true`), integers that fit
/// `Int64` stay integers, and ``jsonText`` writes compact JSON with sorted keys that PostgreSQL's `jsonb`
/// accepts (U+0000, which `jsonb` rejects, is written as U+FFFD).
public enum JSONValue: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let object = try? container.decode([String: JSONValue].self) {
            self = .object(object)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let int = try? container.decode(Int64.self) {
            self = .int(int)
        } else {
            self = .double(try container.decode(Double.self))
        }
    }

    /// The object's members, or nil when this is not an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The string, or nil when this is not a string.
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// A short name of the value's JSON type, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// Compact JSON text with sorted object keys.
    public var jsonText: String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(256)
        write(into: &utf8)
        return String(decoding: utf8, as: UTF8.self)
    }

    /// Appends compact JSON text, as UTF-8, to `utf8`.
    func write(into utf8: inout [UInt8]) {
        switch self {
        case .null: utf8.append(contentsOf: "null".utf8)
        case .bool(let value): utf8.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): utf8.append(contentsOf: String(value).utf8)
        case .double(let value): utf8.append(contentsOf: (value.isFinite ? "\(value)" : "null").utf8)
        case .string(let value): Self.writeString(value, into: &utf8)
        case .array(let elements):
            utf8.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { utf8.append(UInt8(ascii: ",")) }
                element.write(into: &utf8)
            }
            utf8.append(UInt8(ascii: "]"))
        case .object(let members):
            utf8.append(UInt8(ascii: "{"))
            for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { utf8.append(UInt8(ascii: ",")) }
                Self.writeString(member.key, into: &utf8)
                utf8.append(UInt8(ascii: ":"))
                member.value.write(into: &utf8)
            }
            utf8.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Writes a JSON string literal, escaping quotes, backslashes and control characters; bytes of other
    /// characters are copied as they are, a run at a time.
    static func writeString(_ value: String, into utf8: inout [UInt8]) {
        utf8.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): utf8.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): utf8.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x0A: utf8.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: utf8.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: utf8.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case 0x00: utf8.append(contentsOf: [0xEF, 0xBF, 0xBD])  // U+FFFD: jsonb refuses U+0000
                default:
                    utf8.append(contentsOf: [
                        UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                        hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)],
                    ])
                }
            }
            utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        utf8.append(UInt8(ascii: "\""))
    }
}
