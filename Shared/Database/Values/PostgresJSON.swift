// PostgresJSON: a json/jsonb value as raw JSON text, with Codable helpers.

import Foundation

/// A `json`/`jsonb` value carried as its JSON text. Bind it with a `::jsonb` cast.
public struct PostgresJSON: Sendable, Hashable, PostgresBindable {
    /// The JSON text.
    public let text: String

    /// Wraps JSON text as it is (the server validates it).
    public init(text: String) { self.text = text }

    /// Encodes a value with `JSONEncoder` (sorted keys, so equal values give equal text).
    public init(encoding value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        text = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes the JSON into `type` with `JSONDecoder`.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: Data(text.utf8))
    }

    public var postgresText: String { text }
}
