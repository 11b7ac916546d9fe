// DatabaseConnection: one libpq connection; parameterised statements, typed results, server errors.

import CLibPQ
import Foundation

/// One PostgreSQL connection through libpq.
///
/// A connection is used by one thread at a time: the pool lends it inside `withConnection { }` and
/// runs the closure on its thread pool, so calls here block that thread, never the cooperative pool.
/// Every `PGresult` is cleared exactly once and the connection is finished exactly once (`deinit`).
public final class DatabaseConnection: @unchecked Sendable {
    /// The libpq handle; valid until `deinit`.
    let handle: OpaquePointer
    /// The server process serving this connection (`pg_backend_pid()`).
    public let backendPID: Int32
    /// SQL text → name of the statement prepared for it on this connection.
    private var preparedStatements: [String: String] = [:]

    private init(handle: OpaquePointer) {
        self.handle = handle
        self.backendPID = PQbackendPID(handle)
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    deinit { PQfinish(handle) }

    /// Opens a connection (blocking). Sessions run with `DateStyle=ISO`, `TimeZone=UTC`, UTF-8.
    public static func connect(_ configuration: DatabaseConfiguration) throws -> DatabaseConnection {
        let pairs = configuration.connectParameters
        let keywords = pairs.map { strdup($0.0) }
        let values = pairs.map { strdup($0.1) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        var keywordPointers: [UnsafePointer<CChar>?] = keywords.map { UnsafePointer($0) } + [nil]
        var valuePointers: [UnsafePointer<CChar>?] = values.map { UnsafePointer($0) } + [nil]
        guard let handle = PQconnectdbParams(&keywordPointers, &valuePointers, 1) else {
            throw DatabaseError(code: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle))
            PQfinish(handle)
            throw DatabaseError(code: .connectionFailed, message: Self.clean(message))
        }
        let connection = DatabaseConnection(handle: handle)
        try connection.executeScript("SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; SET extra_float_digits = 3")
        return connection
    }

    /// Runs one statement with parameters (`$1`, `$2`, … with casts in the SQL) and returns its rows.
    /// A nil parameter is SQL NULL.
    @discardableResult
    public func query(_ sql: String, _ parameters: [(any PostgresBindable)?] = []) throws -> QueryResult {
        var texts: [UnsafeMutablePointer<CChar>?] = []
        texts.reserveCapacity(parameters.count)
        defer { texts.forEach { free($0) } }
        // Lengths and formats matter only for binary parameters (text ones are NUL-terminated).
        var lengths = [Int32](repeating: 0, count: parameters.count)
        var formats = [Int32](repeating: 0, count: parameters.count)
        for parameter in parameters {
            guard let parameter else {
                texts.append(nil)
                continue
            }
            if let binary = parameter.postgresBinary {
                guard let copy = malloc(max(binary.count, 1)) else { fatalError("out of memory") }
                binary.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: binary.count) }
                lengths[texts.count] = Int32(binary.count)
                formats[texts.count] = 1
                texts.append(copy.assumingMemoryBound(to: CChar.self))
                continue
            }
            guard let copy = Self.cString(parameter.postgresText) else {
                throw DatabaseError(
                    code: .nulCharacter, message: "parameter \(texts.count + 1) contains a NUL character",
                    query: sql)
            }
            texts.append(copy)
        }
        let anyBinary = formats.contains(1)
        let statement = try preparedStatementName(for: sql, parameterCount: parameters.count)
        let result = texts.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { pointers in
                lengths.withUnsafeBufferPointer { lengths in
                    formats.withUnsafeBufferPointer { formats in
                        let lengths = anyBinary ? lengths.baseAddress : nil
                        let formats = anyBinary ? formats.baseAddress : nil
                        if let statement {
                            return PQexecPrepared(
                                handle, statement, Int32(parameters.count), pointers.baseAddress, lengths, formats, 0)
                        } else {
                            return PQexecParams(
                                handle, sql, Int32(parameters.count), nil, pointers.baseAddress, lengths, formats, 0)
                        }
                    }
                }
            }
        }
        return try consume(result, sql: sql)
    }

    /// A `malloc`ed, NUL-terminated copy of `text` for libpq, or nil when the text itself holds a NUL
    /// (PostgreSQL text cannot). One `memchr` and one `memcpy` over the contiguous UTF-8: batch writes pass
    /// megabytes of parameters, and checking them a byte at a time was a visible share of a batch.
    private static func cString(_ text: String) -> UnsafeMutablePointer<CChar>? {
        var text = text
        return text.withUTF8 { bytes -> UnsafeMutablePointer<CChar>? in
            if let base = bytes.baseAddress, memchr(base, 0, bytes.count) != nil { return nil }
            guard let copy = malloc(bytes.count + 1) else { fatalError("out of memory") }
            if let base = bytes.baseAddress { copy.copyMemory(from: base, byteCount: bytes.count) }
            copy.storeBytes(of: 0, toByteOffset: bytes.count, as: UInt8.self)
            return copy.assumingMemoryBound(to: CChar.self)
        }
    }

    /// The name of this connection's prepared statement for `sql`, preparing it on first use
    /// (statements are parsed and planned once per connection, like `pgbench -M prepared`).
    /// Returns nil once the cache is full; those statements run unprepared.
    private func preparedStatementName(for sql: String, parameterCount: Int) throws -> String? {
        if let name = preparedStatements[sql] { return name }
        guard preparedStatements.count < Self.preparedStatementLimit else { return nil }
        let name = "mos_\(preparedStatements.count + 1)"
        try consume(PQprepare(handle, name, sql, Int32(parameterCount), nil), sql: sql)
        preparedStatements[sql] = name
        return name
    }

    /// Most statements one connection keeps prepared.
    static let preparedStatementLimit = 512

    /// Runs one statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [(any PostgresBindable)?] = []) throws -> Int {
        try query(sql, parameters).affectedRows
    }

    /// Runs SQL text that may hold several statements and takes no parameters (migrations, session
    /// settings). Never pass text built from input to this.
    public func executeScript(_ sql: String) throws {
        try consume(PQexec(handle, sql), sql: sql)
    }

    /// Whether the connection can still be used: reads whatever the server sent (a terminated backend
    /// announces itself) without blocking, then checks libpq's state.
    public var isUsable: Bool {
        guard PQstatus(handle) == CONNECTION_OK else { return false }
        // An idle connection has nothing to read unless the server spoke first (a notification, a
        // FATAL error before termination, or end-of-file). Read until the socket is quiet; libpq
        // reports end-of-file from `PQconsumeInput` as 0.
        let socket = PQsocket(handle)
        guard socket >= 0 else { return false }
        for _ in 0..<4 {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 0)
            if ready == 0 { break }
            if ready < 0 { return errno == EINTR }
            if PQconsumeInput(handle) == 0 { return false }
            if descriptor.revents & Int16(POLLHUP | POLLERR) != 0 { return false }
        }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Whether a transaction is open (or failed and not yet rolled back) on this connection.
    public var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// Converts a native result to `QueryResult` or throws the server's error; clears it either way.
    @discardableResult
    private func consume(_ result: OpaquePointer?, sql: String) throws -> QueryResult {
        guard let result else {
            throw lostOrFailed(message: String(cString: PQerrorMessage(handle)), sql: sql)
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return QueryResult(columns: [], values: [], affectedRows: Self.affectedRows(result))
        case PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE:
            let rowCount = Int(PQntuples(result))
            let columnCount = Int(PQnfields(result))
            var columns: [String] = []
            columns.reserveCapacity(columnCount)
            for column in 0..<columnCount { columns.append(String(cString: PQfname(result, Int32(column)))) }
            var values: [[String?]] = []
            values.reserveCapacity(rowCount)
            for row in 0..<rowCount {
                var rowValues: [String?] = []
                rowValues.reserveCapacity(columnCount)
                for column in 0..<columnCount {
                    if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                        rowValues.append(nil)
                    } else {
                        let length = Int(PQgetlength(result, Int32(row), Int32(column)))
                        let pointer = PQgetvalue(result, Int32(row), Int32(column))!
                        rowValues.append(
                            pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
                                String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                            })
                    }
                }
                values.append(rowValues)
            }
            return QueryResult(columns: columns, values: values, affectedRows: Self.affectedRows(result))
        default:
            func field(_ code: Character) -> String? {
                guard let pointer = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
                return String(cString: pointer)
            }
            let sqlState = field("C")
            if sqlState == nil && PQstatus(handle) != CONNECTION_OK {
                throw lostOrFailed(message: String(cString: PQresultErrorMessage(result)), sql: sql)
            }
            throw DatabaseError(
                code: .server, message: field("M") ?? Self.clean(String(cString: PQresultErrorMessage(result))),
                sqlState: sqlState, detail: field("D"), constraintName: field("n"), query: sql)
        }
    }

    private func lostOrFailed(message: String, sql: String) -> DatabaseError {
        let lost = PQstatus(handle) != CONNECTION_OK
        return DatabaseError(
            code: lost ? .connectionLost : .server, message: Self.clean(message), sqlState: lost ? "08006" : nil,
            query: sql)
    }

    private static func affectedRows(_ result: OpaquePointer) -> Int {
        Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    static func clean(_ message: String) -> String {
        message.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
