// JSONNode: JSON decoded with booleans and numbers kept apart (JSONSerialization on Linux blurs them).

import Foundation

/// A decoded JSON value for schema checks.
enum JSONNode: Decodable, Equatable {
    case string(String)
    case integer(Int)
    case real(Double)
    case bool(Bool)
    case array([JSONNode])
    case object([String: JSONNode])
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .real(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONNode].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONNode].self))
        }
    }

    /// Parses JSON text.
    static func parse(_ text: String) throws -> JSONNode {
        try JSONDecoder().decode(JSONNode.self, from: Data(text.utf8))
    }

    /// The object's members, or nil.
    var object: [String: JSONNode]? { if case .object(let value) = self { value } else { nil } }
    /// The array's elements, or nil.
    var array: [JSONNode]? { if case .array(let value) = self { value } else { nil } }
    /// The string, or nil.
    var string: String? { if case .string(let value) = self { value } else { nil } }
    /// Member `key` of an object.
    subscript(key: String) -> JSONNode? { object?[key] }
}
