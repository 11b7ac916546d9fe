// DatabaseConfiguration: where and how to connect, from a postgres:// URL or a libpq conninfo string.

import CLibPQ
import Foundation

/// Connection settings for libpq: a `postgres://` URL or a `key=value` conninfo string, plus
/// keyword overrides (database name, application name) and pool limits.
public struct DatabaseConfiguration: Sendable {
    /// The URL or conninfo as given.
    public let connectionString: String
    /// libpq keywords that override what the connection string says (`dbname`, `sslmode`, …).
    public var overrides: [String: String]
    /// Most connections a pool opens.
    public var maximumConnections: Int
    /// How long `withConnection` waits for a free connection before failing with `.poolTimeout`.
    public var acquireTimeout: Duration

    /// Validates `url` with libpq's own parser; throws `.invalidConfiguration` with libpq's message.
    public init(url: String, maximumConnections: Int = 8, acquireTimeout: Duration = .seconds(10)) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0) } ?? "unparseable connection string"
            if let errorMessage { PQfreemem(errorMessage) }
            throw DatabaseError(
                code: .invalidConfiguration,
                message: message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        PQconninfoFree(options)
        guard maximumConnections > 0 else {
            throw DatabaseError(code: .invalidConfiguration, message: "maximumConnections must be at least 1")
        }
        self.connectionString = url
        self.overrides = [:]
        self.maximumConnections = maximumConnections
        self.acquireTimeout = acquireTimeout
    }

    /// The same settings, connecting to another database on the same server.
    public func with(database name: String) -> DatabaseConfiguration {
        var copy = self
        copy.overrides["dbname"] = name
        return copy
    }

    /// The same settings with one libpq keyword set (`sslmode`, `sslrootcert`, `application_name`, …).
    public func with(_ keyword: String, _ value: String) -> DatabaseConfiguration {
        var copy = self
        copy.overrides[keyword] = value
        return copy
    }

    /// Keyword/value pairs for `PQconnectdbParams` with `expand_dbname`: the connection string first
    /// (expanded by libpq), then the overrides, which take precedence.
    var connectParameters: [(String, String)] {
        var pairs: [(String, String)] = [("dbname", connectionString), ("client_encoding", "UTF8")]
        if overrides["application_name"] == nil { pairs.append(("fallback_application_name", "managed-os")) }
        if overrides["connect_timeout"] == nil { pairs.append(("connect_timeout", "5")) }
        // No GSSAPI (Kerberos) encryption unless asked for: the product never uses it, libpq's default
        // `prefer` calls into libkrb5 on every connect, and a connect still running in a background task while
        // the process exits then trips libkrb5's own exit-time mutex assertion (abort). TLS is unaffected.
        if overrides["gssencmode"] == nil, !connectionString.contains("gssencmode"),
            ProcessInfo.processInfo.environment["PGGSSENCMODE"] == nil
        {
            pairs.append(("gssencmode", "disable"))
        }
        for (key, value) in overrides.sorted(by: { $0.key < $1.key }) { pairs.append((key, value)) }
        return pairs
    }
}
