// FeedSource: where one Apple feed is read from — the bundled snapshot, a file, or an https URL.

import Foundation

/// Where the scheduler reads one feed.
public enum FeedSource: Sendable, Hashable, CustomStringConvertible {
    /// The snapshot bundled with the product (offline default).
    case bundled
    /// A local file.
    case file(path: String)
    /// An `https://` (or, for tests, `http://`) URL, read with conditional requests.
    case url(URL)

    /// Why a source setting is invalid.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// `bundled`, an absolute or relative file path, or an http(s) URL.
    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed == "bundled" {
            self = .bundled
        } else if trimmed.hasPrefix("https://") || trimmed.hasPrefix("http://") {
            guard let url = URL(string: trimmed), url.host != nil else {
                throw ParseError(description: "\"\(trimmed)\" is not a valid URL")
            }
            self = .url(url)
        } else if trimmed.contains("://") {
            throw ParseError(description: "only http(s) URLs, file paths or \"bundled\" are accepted (got \"\(trimmed)\")")
        } else {
            self = .file(path: trimmed)
        }
    }

    /// What `catalog_sources.location` records.
    public var description: String {
        switch self {
        case .bundled: "bundled"
        case .file(let path): path
        case .url(let url): url.absoluteString
        }
    }
}
