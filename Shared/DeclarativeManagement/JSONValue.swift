// JSONValue: a small JSON tree encoded canonically (sorted keys, no whitespace), so equal content is equal bytes.

import Foundation

/// A JSON value built by the declaration builder. `canonicalText` is deterministic: keys sorted,
/// no insignificant whitespace, slashes not escaped; equal values always give byte-identical text.
public enum JSONValue: Sendable, Hashable, Encodable {
    /// A string.
    case string(String)
    /// An integer.
    case integer(Int)
    /// A boolean.
    case bool(Bool)
    /// An array.
    case array([JSONValue])
    /// An object.
    case object([String: JSONValue])

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The canonical JSON text (`JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes`).
    public var canonicalText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings, integers, booleans, arrays and string-keyed objects cannot fail.
        guard let data = try? encoder.encode(self) else { preconditionFailure("JSONValue is always encodable") }
        return String(decoding: data, as: UTF8.self)
    }
}
