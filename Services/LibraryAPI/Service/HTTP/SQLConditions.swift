// SQLConditions: a WHERE clause built from the filters a request uses, every value bound as a parameter.

import Database

/// Collects `AND`-ed conditions and their parameters. Leaving unused filters out of the SQL (instead of
/// `$1 IS NULL OR …`) lets PostgreSQL use an index for what is filtered, even with a cached prepared
/// statement; values never enter the SQL text.
struct SQLConditions {
    /// The bound values, `$1` first.
    private(set) var parameters: [(any PostgresBindable)?] = []
    private var conditions: [String] = []

    /// Binds `value` and returns its placeholder (`$n`).
    mutating func bind(_ value: (any PostgresBindable)?) -> String {
        parameters.append(value)
        return "$\(parameters.count)"
    }

    /// Adds a condition written with placeholders from `bind`.
    mutating func add(_ condition: String) { conditions.append(condition) }

    /// `WHERE a AND b`, or nothing.
    var whereClause: String { conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") }
}
