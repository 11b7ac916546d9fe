// QueryResult and Row: a statement's rows, copied out of libpq, with typed access by column.

/// The rows a statement returned (copied out of libpq, so it outlives the native result) and
/// the number of rows it affected.
public struct QueryResult: Sendable {
    /// Column names in order.
    public let columns: [String]
    /// The rows, in the order the server sent them.
    public let rows: [Row]
    /// Rows inserted, updated or deleted (`PQcmdTuples`), 0 when not applicable.
    public let affectedRows: Int

    init(columns: [String], values: [[String?]], affectedRows: Int) {
        self.columns = columns
        let index = ColumnIndex(columns: columns)
        self.rows = values.map { Row(values: $0, index: index) }
        self.affectedRows = affectedRows
    }

    /// The first row, if any.
    public var first: Row? { rows.first }
}

/// Column name → position, shared by every row of one result.
final class ColumnIndex: Sendable {
    let positions: [String: Int]
    init(columns: [String]) {
        var positions: [String: Int] = [:]
        for (offset, name) in columns.enumerated() where positions[name] == nil { positions[name] = offset }
        self.positions = positions
    }
}

/// One result row. NULL is `nil`, distinct from an empty string.
public struct Row: Sendable {
    /// Raw text values by position; nil is SQL NULL.
    public let values: [String?]
    let index: ColumnIndex

    /// Whether the column is NULL. Throws when there is no such column.
    public func isNull(_ column: String) throws -> Bool {
        try rawValue(column) == nil
    }

    /// The raw text of a column (nil for NULL).
    public func rawValue(_ column: String) throws -> String? {
        guard let position = index.positions[column] else {
            throw DatabaseError(code: .decoding, message: "no column named \(column)")
        }
        return values[position]
    }

    /// Decodes a non-NULL column; NULL or a malformed value throws `.decoding` naming the column.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let text = try rawValue(column) else {
            throw DatabaseError(code: .decoding, message: "column \(column) is NULL, expected \(T.self)")
        }
        guard let value = T(postgresText: text) else {
            throw DatabaseError(code: .decoding, message: "column \(column) is not a valid \(T.self)")
        }
        return value
    }

    /// Decodes a column that may be NULL (nil for NULL).
    public func decodeIfPresent<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T? {
        guard try rawValue(column) != nil else { return nil }
        return try decode(column, as: type)
    }
}
