// ServiceConfiguration: the validated settings every service reads from its environment at start-up.

import Database
import Logging

/// The settings shared by every executable, read from the environment and validated at once.
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `DATABASE_URL` | `postgres://` URL or libpq conninfo (secret: never logged) | required |
/// | `HTTP_HOST` | address to listen on | `127.0.0.1` |
/// | `HTTP_PORT` | port to listen on | per service (``ServiceDescriptor/defaultPort``) |
/// | `LOG_LEVEL` | `trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical` | `info` |
/// | `DATABASE_POOL_SIZE` | maximum number of PostgreSQL connections | `8` |
/// | `HTTP_IDLE_TIMEOUT_SECONDS`, `HTTP_REQUEST_HEAD_TIMEOUT_SECONDS`, `HTTP_MAX_CONNECTIONS` | see ``HTTPServerSettings`` | `60`, `10`, `2048` |
public struct ServiceConfiguration: Sendable {
    /// The executable these settings belong to.
    public var service: ServiceDescriptor
    /// How to reach PostgreSQL (holds the secret URL; never log it, use ``redactedDatabaseURL``).
    public var database: DatabaseConfiguration
    /// `DATABASE_URL` with any password replaced, safe to log.
    public var redactedDatabaseURL: String
    /// Address the HTTP server binds to.
    public var httpHost: String
    /// Port the HTTP server binds to.
    public var httpPort: Int
    /// Minimum level of log messages.
    public var logLevel: Logger.Level
    /// Maximum number of PostgreSQL connections.
    public var databasePoolSize: Int
    /// The HTTP server's timeouts and connection limit.
    public var http: HTTPServerSettings

    /// The pool size used when `DATABASE_POOL_SIZE` is not set.
    public static let defaultDatabasePoolSize = 8
    /// The bind address used when `HTTP_HOST` is not set.
    public static let defaultHTTPHost = "127.0.0.1"
    /// The largest accepted `DATABASE_POOL_SIZE`.
    public static let maximumDatabasePoolSize = 200

    /// Reads and validates the settings of `service` from `environment`.
    /// - Throws: ``ConfigurationError`` listing every missing or invalid setting.
    public init(service: ServiceDescriptor, environment: ServiceEnvironment) throws(ConfigurationError) {
        var problems: [ConfigurationError.Problem] = []

        let logLevel = Self.logLevel(environment, problems: &problems)
        let httpHost = environment["HTTP_HOST"] ?? Self.defaultHTTPHost
        let httpPort = Self.integer(
            "HTTP_PORT", in: environment, default: service.defaultPort, range: 1...65_535, problems: &problems)
        let poolSize = Self.integer(
            "DATABASE_POOL_SIZE", in: environment, default: Self.defaultDatabasePoolSize,
            range: 1...Self.maximumDatabasePoolSize, problems: &problems)
        let idleTimeout = Self.integer(
            "HTTP_IDLE_TIMEOUT_SECONDS", in: environment,
            default: Int(HTTPServerSettings.defaultIdleTimeout.components.seconds), range: 1...3600, problems: &problems
        )
        let headTimeout = Self.integer(
            "HTTP_REQUEST_HEAD_TIMEOUT_SECONDS", in: environment,
            default: Int(HTTPServerSettings.defaultRequestHeadTimeout.components.seconds), range: 1...600,
            problems: &problems)
        let maximumConnections = Self.integer(
            "HTTP_MAX_CONNECTIONS", in: environment, default: HTTPServerSettings.defaultMaximumConnections,
            range: 1...1_000_000, problems: &problems)

        var database: DatabaseConfiguration?
        let databaseURL = environment["DATABASE_URL"]
        if let databaseURL {
            do {
                database = try DatabaseConfiguration(url: databaseURL, maximumConnections: poolSize)
                    .with("application_name", service.name)
            } catch {
                // The value is a secret: describe the expected form, never echo it or libpq's parse error.
                problems.append(
                    .init(
                        setting: "DATABASE_URL",
                        reason: "is not a valid postgres:// URL or libpq connection string"))
            }
        } else {
            problems.append(.init(setting: "DATABASE_URL", reason: "is required but not set"))
        }

        guard problems.isEmpty, let database, let databaseURL else {
            throw ConfigurationError(problems: problems)
        }
        self.service = service
        self.database = database
        self.redactedDatabaseURL = Self.redact(databaseURL: databaseURL)
        self.httpHost = httpHost
        self.httpPort = httpPort
        self.logLevel = logLevel
        self.databasePoolSize = poolSize
        self.http = HTTPServerSettings(
            idleTimeout: .seconds(idleTimeout), requestHeadTimeout: .seconds(headTimeout),
            maximumConnections: maximumConnections)
    }

    /// The accepted spellings of `LOG_LEVEL`.
    public static let logLevelNames = Logger.Level.allCases.map(\.rawValue)

    /// Reads `LOG_LEVEL` without validating anything else; used to configure the logger before the rest of
    /// the configuration is checked. Invalid or missing values give `info`.
    public static func logLevel(from environment: ServiceEnvironment) -> Logger.Level {
        var ignored: [ConfigurationError.Problem] = []
        return logLevel(environment, problems: &ignored)
    }

    private static func logLevel(
        _ environment: ServiceEnvironment, problems: inout [ConfigurationError.Problem]
    ) -> Logger.Level {
        guard let raw = environment["LOG_LEVEL"] else { return .info }
        if let level = Logger.Level(rawValue: raw.lowercased()) { return level }
        problems.append(
            .init(
                setting: "LOG_LEVEL",
                reason: "must be one of \(logLevelNames.joined(separator: ", ")) (got \"\(raw)\")"))
        return .info
    }

    private static func integer(
        _ name: String, in environment: ServiceEnvironment, default defaultValue: Int, range: ClosedRange<Int>,
        problems: inout [ConfigurationError.Problem]
    ) -> Int {
        guard let raw = environment[name] else { return defaultValue }
        guard let value = Int(raw), range.contains(value) else {
            problems.append(
                .init(
                    setting: name,
                    reason: "must be an integer from \(range.lowerBound) to \(range.upperBound) (got \"\(raw)\")"))
            return defaultValue
        }
        return value
    }
}
