// JSONObjectReader: strict, field-naming reads of one JSON object of a request body.

import Foundation
import HTTPTypes

/// Reads the members of one JSON object. Unknown members, wrong types and missing required members
/// throw a 400 ``LibraryProblem`` naming the field by its full path (`versionEnforcement.timeframe`).
struct JSONObjectReader: Sendable {
    /// The object's path (`""` for the body itself).
    let path: String
    /// The object's members.
    let members: [String: JSONValue]

    /// The full name of member `key`.
    func fieldName(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Throws `unknown_field` for the first member (alphabetically) not in `allowed`.
    func requireOnly(_ allowed: Set<String>) throws {
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw LibraryProblem.badRequest(
                field: fieldName(unknown), code: "unknown_field",
                message: "Unknown field \(fieldName(unknown)).")
        }
    }

    private func wrongType(_ key: String, expected: String, got value: JSONValue) -> LibraryProblem {
        .badRequest(
            field: fieldName(key), code: "wrong_type",
            message: "\(fieldName(key)) must be \(expected), not \(value.typeName).")
    }

    private func required(_ key: String) throws -> JSONValue {
        guard let value = members[key], value != .null else {
            throw LibraryProblem.badRequest(
                field: fieldName(key), code: "missing_field", message: "\(fieldName(key)) is required.")
        }
        return value
    }

    /// A required string.
    func string(_ key: String) throws -> String {
        let value = try required(key)
        guard case .string(let text) = value else { throw wrongType(key, expected: "a string", got: value) }
        return text
    }

    /// An optional string (absent or null → nil).
    func optionalString(_ key: String) throws -> String? {
        guard members[key] != nil, members[key] != .null else { return nil }
        return try string(key)
    }

    /// A required integer.
    func int(_ key: String) throws -> Int {
        let value = try required(key)
        guard case .number(let number) = value, number.rounded() == number, abs(number) < 1e15 else {
            throw wrongType(key, expected: "an integer", got: value)
        }
        return Int(number)
    }

    /// An optional integer (absent or null → nil).
    func optionalInt(_ key: String) throws -> Int? {
        guard members[key] != nil, members[key] != .null else { return nil }
        return try int(key)
    }

    /// A required object.
    func object(_ key: String) throws -> JSONObjectReader {
        let value = try required(key)
        guard case .object(let members) = value else { throw wrongType(key, expected: "an object", got: value) }
        return JSONObjectReader(path: fieldName(key), members: members)
    }

    /// An optional object (absent or null → nil).
    func optionalObject(_ key: String) throws -> JSONObjectReader? {
        guard members[key] != nil, members[key] != .null else { return nil }
        return try object(key)
    }

    /// An optional array of strings (absent or null → nil).
    func optionalStringArray(_ key: String) throws -> [String]? {
        guard let value = members[key], value != .null else { return nil }
        guard case .array(let elements) = value else { throw wrongType(key, expected: "an array", got: value) }
        return try elements.enumerated().map { index, element in
            guard case .string(let text) = element else {
                throw LibraryProblem.badRequest(
                    field: "\(fieldName(key))[\(index)]", code: "wrong_type",
                    message: "\(fieldName(key))[\(index)] must be a string, not \(element.typeName).")
            }
            return text
        }
    }

    /// An optional array of UUID strings; a string that is no UUID is a 400 naming its index.
    func optionalUUIDArray(_ key: String) throws -> [UUID]? {
        try optionalStringArray(key)?.enumerated().map { index, text in
            guard let id = UUID(uuidString: text) else {
                throw LibraryProblem.badRequest(
                    field: "\(fieldName(key))[\(index)]", code: "wrong_type",
                    message: "\(fieldName(key))[\(index)] must be a UUID.")
            }
            return id
        }
    }

    /// An optional UUID string (absent or null → nil).
    func optionalUUID(_ key: String) throws -> UUID? {
        guard let text = try optionalString(key) else { return nil }
        guard let id = UUID(uuidString: text) else {
            throw LibraryProblem.badRequest(
                field: fieldName(key), code: "wrong_type", message: "\(fieldName(key)) must be a UUID.")
        }
        return id
    }
}
