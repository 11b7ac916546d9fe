// DeclarationPublisherSettings: declaration-publisher's own settings (HMAC key, cache, MDM API, outbox delivery).

import Foundation
import ServiceSupport

/// Settings only declaration-publisher reads, from the environment.
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `DDM_HMAC_KEY` | shared key: every request needs a valid `X-Hmac-Signature`; required unless `DDM_ALLOW_UNSIGNED` | unset |
/// | `DDM_ALLOW_UNSIGNED` | `true` serves unsigned DDM requests when no key is set (development and tests only) | `false` |
/// | `WEBHOOK_HMAC_KEY` | shared key: when set, every `POST /webhook` needs a valid `X-Hmac-Signature` | unset |
/// | `DDM_CACHE_MAX_MACS` | most Macs whose sets are held in memory, 0 = no cache | `200000` |
/// | `MDM_API_URL` | base URL of the MDM server's API (NanoMDM: `https://mdm.example/`); unset = commands stay queued | unset |
/// | `MDM_API_KEY` | API key, sent as HTTP basic auth password of user `MDM_API_USER` | unset |
/// | `MDM_API_USER` | basic auth user name | `nanomdm` |
/// | `OUTBOX_MAX_ATTEMPTS` | deliveries tried before a command is marked failed, 1–1000 | `12` |
/// | `OUTBOX_BACKOFF_MS` | first retry delay; doubles per attempt, 1–3600000 | `1000` |
/// | `OUTBOX_MAX_BACKOFF_SECONDS` | longest retry delay, 1–86400 | `600` |
/// | `OUTBOX_LEASE_SECONDS` | how long a claimed command is hidden from other replicas while being delivered, 1–3600 | `60` |
/// | `OUTBOX_POLL_MS` | how often due commands are looked for without a wake-up, 10–600000 | `1000` |
/// | `OUTBOX_CONCURRENCY` | deliveries in flight at once, 1–256 | `16` |
public struct DeclarationPublisherSettings: Sendable, Equatable {
    public var hmacKey: [UInt8]?
    /// Key of the MDM server's webhook (`POST /webhook`); nil = unsigned events are accepted.
    public var webhookHMACKey: [UInt8]?
    public var cacheMaximumMacs: Int
    public var mdmAPIURL: URL?
    public var mdmAPIKey: String?
    public var mdmAPIUser: String
    public var maximumAttempts: Int
    public var initialBackoff: Duration
    public var maximumBackoff: Duration
    public var lease: Duration
    public var pollInterval: Duration
    public var deliveryConcurrency: Int
    /// How long one enqueue request to the MDM server may take.
    public var requestTimeout: Duration

    /// Defaults (no HMAC key, no MDM API).
    public init(
        hmacKey: [UInt8]? = nil, cacheMaximumMacs: Int = 200_000, mdmAPIURL: URL? = nil, mdmAPIKey: String? = nil,
        mdmAPIUser: String = "nanomdm", maximumAttempts: Int = 12, initialBackoff: Duration = .seconds(1),
        maximumBackoff: Duration = .seconds(600), lease: Duration = .seconds(60), pollInterval: Duration = .seconds(1),
        deliveryConcurrency: Int = 16, requestTimeout: Duration = .seconds(20), webhookHMACKey: [UInt8]? = nil
    ) {
        self.hmacKey = hmacKey
        self.webhookHMACKey = webhookHMACKey
        self.cacheMaximumMacs = cacheMaximumMacs
        self.mdmAPIURL = mdmAPIURL
        self.mdmAPIKey = mdmAPIKey
        self.mdmAPIUser = mdmAPIUser
        self.maximumAttempts = maximumAttempts
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.lease = lease
        self.pollInterval = pollInterval
        self.deliveryConcurrency = deliveryConcurrency
        self.requestTimeout = requestTimeout
    }

    /// Reads the settings; throws listing every invalid one. Secrets are never part of a message.
    public init(environment: ServiceEnvironment) throws(DeclarationPublisherSettingsError) {
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
        if let key = environment["DDM_HMAC_KEY"] {
            if key.isEmpty { problems.append("DDM_HMAC_KEY must not be empty when set") }
            hmacKey = Array(key.utf8)
        }
        // Fail closed: without a key anyone who reaches the DDM routes could read any Mac's declarations.
        switch environment["DDM_ALLOW_UNSIGNED"]?.lowercased() {
        case nil, "false", "0", "no":
            if hmacKey == nil {
                problems.append(
                    "DDM_HMAC_KEY is not set: set it to the key the MDM server signs forwarded requests with, "
                        + "or set DDM_ALLOW_UNSIGNED=true to serve unsigned requests (development and tests only)")
            }
        case "true", "1", "yes": break
        case .some(let other): problems.append("DDM_ALLOW_UNSIGNED must be true or false (got \"\(other)\")")
        }
        if let key = environment["WEBHOOK_HMAC_KEY"] {
            if key.isEmpty { problems.append("WEBHOOK_HMAC_KEY must not be empty when set") }
            webhookHMACKey = Array(key.utf8)
        }
        cacheMaximumMacs = integer("DDM_CACHE_MAX_MACS", 0...10_000_000, 200_000)
        if let raw = environment["MDM_API_URL"], !raw.isEmpty {
            if let url = URL(string: raw), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
                url.host != nil
            {
                mdmAPIURL = url
            } else {
                problems.append("MDM_API_URL must be an http or https URL (got \"\(raw)\")")
            }
        }
        mdmAPIKey = environment["MDM_API_KEY"]
        mdmAPIUser = environment["MDM_API_USER"] ?? "nanomdm"
        maximumAttempts = integer("OUTBOX_MAX_ATTEMPTS", 1...1000, 12)
        initialBackoff = .milliseconds(integer("OUTBOX_BACKOFF_MS", 1...3_600_000, 1000))
        maximumBackoff = .seconds(integer("OUTBOX_MAX_BACKOFF_SECONDS", 1...86_400, 600))
        lease = .seconds(integer("OUTBOX_LEASE_SECONDS", 1...3600, 60))
        pollInterval = .milliseconds(integer("OUTBOX_POLL_MS", 10...600_000, 1000))
        deliveryConcurrency = integer("OUTBOX_CONCURRENCY", 1...256, 16)
        guard problems.isEmpty else { throw DeclarationPublisherSettingsError(problems: problems) }
    }
}

/// Invalid declaration-publisher settings.
public struct DeclarationPublisherSettingsError: Error, Sendable, CustomStringConvertible {
    /// One sentence per invalid setting.
    public var problems: [String]
    public var description: String { problems.joined(separator: "; ") }
}
