// CatalogParseError: why an Apple or SOFA feed (or one entry of it) could not be read.

/// The feed a `CatalogParseError` is about.
public enum CatalogFeed: String, Sendable, Hashable, Codable, CaseIterable {
    /// Apple's GDMF `pmv` response (raw, or wrapped as SOFA caches it).
    case gdmf
    /// SOFA's `gdmf_history.ndjson` first-seen log.
    case gdmfHistory
    /// A SOFA macOS data feed (v1 or v2).
    case sofa
    /// SOFA's `v1/timestamp.json`.
    case sofaTimestamp
}

/// Why a feed, or one entry of it, could not be read. Names the feed, the JSON path and the value.
///
/// Parsers throw it for a feed that cannot be used at all (not JSON, wrong top-level shape) and
/// collect it in their `issues` for single entries they skip.
public enum CatalogParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The bytes are not JSON (for NDJSON: not one JSON object per line).
    case notJSON(feed: CatalogFeed)
    /// The JSON is not shaped like the feed at `path` (e.g. the top level is not an object).
    case unexpectedShape(feed: CatalogFeed, path: String)
    /// A required field is missing at `path`.
    case missingField(feed: CatalogFeed, path: String)
    /// The field at `path` holds `value`, which is not valid for it.
    case invalidField(feed: CatalogFeed, path: String, value: String)

    public var description: String {
        switch self {
        case .notJSON(let feed): "\(feed.rawValue): not JSON"
        case .unexpectedShape(let feed, let path): "\(feed.rawValue): unexpected shape at \(path)"
        case .missingField(let feed, let path): "\(feed.rawValue): missing field \(path)"
        case .invalidField(let feed, let path, let value): "\(feed.rawValue): invalid value \"\(value)\" at \(path)"
        }
    }
}
