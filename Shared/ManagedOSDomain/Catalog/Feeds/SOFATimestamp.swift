// SOFATimestamp: SOFA's `v1/timestamp.json` (last check and update hash per platform feed).

import Foundation

/// SOFA's `v1/timestamp.json`: per platform (`macOS`, `iOS`, …) when SOFA last checked and the
/// feed's `UpdateHash` (for macOS: the SHA-256 of `v1/macos_data_feed.json`).
///
/// `LastCheck` is written in a malformed form (`2026-08-22T18:45:02+00:00Z`) and is read leniently;
/// a value that still cannot be read gives `lastCheck == nil` rather than an error.
public struct SOFATimestamp: Sendable, Hashable {
    /// One platform's line.
    public struct Entry: Sendable, Hashable {
        /// `LastCheck`, when readable.
        public var lastCheck: Date?
        /// `LastCheck` exactly as written.
        public var lastCheckText: String?
        /// `UpdateHash`.
        public var updateHash: String?

        public init(lastCheck: Date?, lastCheckText: String?, updateHash: String?) {
            self.lastCheck = lastCheck
            self.lastCheckText = lastCheckText
            self.updateHash = updateHash
        }
    }

    /// Entries by platform name.
    public let entries: [String: Entry]

    /// Parses the file; unknown keys are ignored.
    public init(parsing data: Data) throws(CatalogParseError) {
        let json = try FeedJSON.object(from: data, feed: .sofaTimestamp)
        guard let root = json as? [String: Any] else {
            throw CatalogParseError.unexpectedShape(feed: .sofaTimestamp, path: "$")
        }
        var entries: [String: Entry] = [:]
        for (platform, value) in root {
            guard let object = value as? [String: Any] else { continue }
            let text = FeedJSON.string(object["LastCheck"])
            entries[platform] = Entry(
                lastCheck: text.flatMap(FeedTimestamp.parse), lastCheckText: text,
                updateHash: FeedJSON.string(object["UpdateHash"]))
        }
        self.entries = entries
    }

    /// The macOS entry.
    public var macOS: Entry? { entries["macOS"] }
}
