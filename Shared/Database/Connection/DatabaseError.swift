// DatabaseError: every failure the database module reports, with SQLSTATE fields and no SQL in its description.

/// An error from PostgreSQL or from this module.
///
/// Carries the server's SQLSTATE, message, detail and constraint name when the server sent them.
/// `description` never contains SQL text or parameter values, so it is safe to log and to show.
/// The failing statement is kept in `query` for debugging only.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// Could not connect (or reconnect) to the server.
        public static let connectionFailed = Code("connectionFailed")
        /// The connection was lost while in use.
        public static let connectionLost = Code("connectionLost")
        /// The server reported an error for a statement.
        public static let server = Code("server")
        /// No pooled connection became free within the acquire timeout.
        public static let poolTimeout = Code("poolTimeout")
        /// The pool has been shut down.
        public static let poolClosed = Code("poolClosed")
        /// A parameter cannot be sent.
        public static let invalidParameter = Code("invalidParameter")
        /// A text parameter contains U+0000, which PostgreSQL text cannot hold; nothing was sent. Services answer
        /// it as bad input (`400 invalid_text`), since such text only ever comes from a request.
        public static let nulCharacter = Code("nulCharacter")
        /// A value in a result could not be decoded as the requested type.
        public static let decoding = Code("decoding")
        /// The connection string or URL is invalid.
        public static let invalidConfiguration = Code("invalidConfiguration")
        public var description: String { name }
    }

    public var code: Code
    /// SQLSTATE, e.g. `23505` for a unique violation.
    public var sqlState: String?
    /// The primary human-readable message.
    public var message: String
    /// The server's DETAIL field, if any.
    public var detail: String?
    /// The violated constraint's name, if any.
    public var constraintName: String?
    /// The statement that failed (never part of `description`).
    public var query: String?

    public init(
        code: Code, message: String, sqlState: String? = nil, detail: String? = nil, constraintName: String? = nil,
        query: String? = nil
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.constraintName = constraintName
        self.query = query
    }

    /// Whether this is a unique-constraint violation (SQLSTATE 23505).
    public var isUniqueViolation: Bool { sqlState == "23505" }

    public var description: String {
        var text = "database error (\(code))"
        if let sqlState { text += " [\(sqlState)]" }
        text += ": \(message)"
        if let constraintName { text += " (constraint \(constraintName))" }
        return text
    }
}
