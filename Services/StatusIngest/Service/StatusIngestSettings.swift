// StatusIngestSettings: status-ingest's own settings (HMAC key, auto-registration, batching, retention).

import ServiceSupport

/// Settings only status-ingest reads, from the environment.
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `STATUS_HMAC_KEY` | shared key: every report needs a valid `X-Hmac-Signature`; required unless `STATUS_ALLOW_UNSIGNED` | unset |
/// | `STATUS_ALLOW_UNSIGNED` | `true` accepts unsigned reports when no key is set (development and tests only) | `false` |
/// | `STATUS_AUTO_REGISTER` | `true` registers unknown enrollment ids instead of answering 404 | `false` |
/// | `STATUS_BATCH_WINDOW_MS` | how long a report waits for others before its batch is written, 0–1000 | `0` |
/// | `STATUS_BATCH_MAX` | most reports per transaction, 1–10000 | `200` |
/// | `STATUS_BATCH_WRITERS` | concurrent batch transactions, 1–64 | `3` |
/// | `STATUS_HISTORY_RETENTION_DAYS` | history rows and parse errors older than this are deleted, 1–3650 | `90` |
/// | `STATUS_HISTORY_MAX_PER_DEVICE` | newest history rows kept per Mac, 0 = no limit | `1000` |
/// | `STATUS_RAW_RETENTION_DAYS` | raw report bodies older than this are deleted, 0–3650 (0 = prune all) | `7` |
/// | `STATUS_PRUNE_INTERVAL_SECONDS` | how often retention runs, 1–86400 | `3600` |
public struct StatusIngestSettings: Sendable, Equatable {
    public var hmacKey: [UInt8]?
    public var autoRegister: Bool
    public var batchWindow: Duration
    public var maximumBatchSize: Int
    public var batchWriters: Int
    public var historyRetentionDays: Int
    public var historyMaximumPerDevice: Int
    public var rawRetentionDays: Int
    public var pruneInterval: Duration

    /// Defaults (no HMAC key, no auto-registration).
    public init(
        hmacKey: [UInt8]? = nil, autoRegister: Bool = false, batchWindow: Duration = .zero,
        maximumBatchSize: Int = 200, batchWriters: Int = 3, historyRetentionDays: Int = 90,
        historyMaximumPerDevice: Int = 1000, rawRetentionDays: Int = 7, pruneInterval: Duration = .seconds(3600)
    ) {
        self.hmacKey = hmacKey
        self.autoRegister = autoRegister
        self.batchWindow = batchWindow
        self.maximumBatchSize = maximumBatchSize
        self.batchWriters = batchWriters
        self.historyRetentionDays = historyRetentionDays
        self.historyMaximumPerDevice = historyMaximumPerDevice
        self.rawRetentionDays = rawRetentionDays
        self.pruneInterval = pruneInterval
    }

    /// Reads the settings; throws listing every invalid one.
    public init(environment: ServiceEnvironment) throws(StatusIngestSettingsError) {
        var problems: [String] = []
        func integer(_ name: String, _ range: ClosedRange<Int>, _ defaultValue: Int) -> Int {
            guard let raw = environment[name] else { return defaultValue }
            guard let value = Int(raw), range.contains(value) else {
                problems.append(
                    "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound) (got \"\(raw)\")")
                return defaultValue
            }
            return value
        }
        self.init()
        if let key = environment["STATUS_HMAC_KEY"] {
            if key.isEmpty { problems.append("STATUS_HMAC_KEY must not be empty when set") }
            hmacKey = Array(key.utf8)
        }
        // Fail closed: without a key anyone who reaches the status route could report for any Mac.
        switch environment["STATUS_ALLOW_UNSIGNED"]?.lowercased() {
        case nil, "false", "0", "no":
            if hmacKey == nil {
                problems.append(
                    "STATUS_HMAC_KEY is not set: set it to the key the MDM server signs forwarded reports with, "
                        + "or set STATUS_ALLOW_UNSIGNED=true to accept unsigned reports (development and tests only)")
            }
        case "true", "1", "yes": break
        case .some(let other): problems.append("STATUS_ALLOW_UNSIGNED must be true or false (got \"\(other)\")")
        }
        switch environment["STATUS_AUTO_REGISTER"]?.lowercased() {
        case nil, "false", "0", "no": autoRegister = false
        case "true", "1", "yes": autoRegister = true
        case .some(let other): problems.append("STATUS_AUTO_REGISTER must be true or false (got \"\(other)\")")
        }
        batchWindow = .milliseconds(integer("STATUS_BATCH_WINDOW_MS", 0...1000, 0))
        maximumBatchSize = integer("STATUS_BATCH_MAX", 1...10_000, 200)
        batchWriters = integer("STATUS_BATCH_WRITERS", 1...64, 3)
        historyRetentionDays = integer("STATUS_HISTORY_RETENTION_DAYS", 1...3650, 90)
        historyMaximumPerDevice = integer("STATUS_HISTORY_MAX_PER_DEVICE", 0...1_000_000, 1000)
        rawRetentionDays = integer("STATUS_RAW_RETENTION_DAYS", 0...3650, 7)
        pruneInterval = .seconds(integer("STATUS_PRUNE_INTERVAL_SECONDS", 1...86_400, 3600))
        guard problems.isEmpty else { throw StatusIngestSettingsError(problems: problems) }
    }
}

/// Invalid status-ingest settings.
public struct StatusIngestSettingsError: Error, Sendable, CustomStringConvertible {
    /// One sentence per invalid setting.
    public var problems: [String]
    public var description: String { problems.joined(separator: "; ") }
}
