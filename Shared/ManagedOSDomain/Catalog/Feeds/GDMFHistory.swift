// GDMFHistory: SOFA's `gdmf_history.ndjson`, the log of when each GDMF asset was first seen.

import Foundation

/// The macOS lines of SOFA's GDMF first-seen log (`gdmf_history.ndjson`): one JSON object per line
/// with `timestamp`, `platform`, `version`, `build`, `posting_date`.
///
/// Used for first-seen dates (a release date that Apple's later re-stamping cannot move) and to
/// recover builds that the SOFA feed leaves empty. Only `platform == "macOS"` lines are kept; blank
/// lines are ignored; a line that cannot be read is skipped and reported in `issues`. When a
/// (version, build) appears on several lines, the earliest sighting is kept.
public struct GDMFHistory: Sendable, Hashable {
    /// The first sighting of one macOS asset.
    public struct Entry: Sendable, Hashable {
        /// `version`.
        public var version: OSVersion
        /// `build`.
        public var build: OSBuild
        /// `timestamp`: when the asset was first seen in GDMF.
        public var firstSeen: Date
        /// `posting_date` as GDMF showed it at that first sighting.
        public var postingDate: CivilDate?

        public init(version: OSVersion, build: OSBuild, firstSeen: Date, postingDate: CivilDate?) {
            self.version = version
            self.build = build
            self.firstSeen = firstSeen
            self.postingDate = postingDate
        }

        /// The earliest calendar day this log vouches for: the first-seen day (UTC) or the posting
        /// date recorded at that sighting, whichever is earlier.
        public var earliestDay: CivilDate {
            let seen = CivilDate(utcDayOf: firstSeen)
            guard let postingDate else { return seen }
            return min(seen, postingDate)
        }
    }

    /// macOS entries in log order, one per (version, build).
    public let entries: [Entry]
    /// Lines that were skipped, and why (paths are `line N`, counted from 1).
    public let issues: [CatalogParseError]

    /// Creates a log from entries.
    public init(entries: [Entry], issues: [CatalogParseError] = []) {
        self.entries = entries
        self.issues = issues
    }

    /// Parses NDJSON text. Throws `.notJSON` only when no line at all is a JSON object.
    public init(parsing data: Data) throws(CatalogParseError) {
        var entries: [Entry] = []
        var indexByKey: [String: Int] = [:]
        var issues: [CatalogParseError] = []
        var objectLines = 0
        var lineNumber = 0
        var nonBlankLines = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let path = "line \(lineNumber)"
            guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\t") })
            else { continue }
            nonBlankLines += 1
            guard let json = try? JSONSerialization.jsonObject(with: Data(line)),
                let object = json as? [String: Any]
            else {
                issues.append(.unexpectedShape(feed: .gdmfHistory, path: path))
                continue
            }
            objectLines += 1
            guard FeedJSON.string(object["platform"]) == "macOS" else { continue }
            guard let versionText = FeedJSON.nonEmptyString(object["version"]),
                let version = try? OSVersion(parsing: versionText)
            else {
                issues.append(.invalidField(feed: .gdmfHistory, path: "\(path).version", value: FeedJSON.describe(object["version"])))
                continue
            }
            guard let buildText = FeedJSON.nonEmptyString(object["build"]), let build = try? OSBuild(parsing: buildText)
            else {
                issues.append(.invalidField(feed: .gdmfHistory, path: "\(path).build", value: FeedJSON.describe(object["build"])))
                continue
            }
            guard let stampText = FeedJSON.string(object["timestamp"]), let seen = FeedTimestamp.parse(stampText) else {
                issues.append(.invalidField(feed: .gdmfHistory, path: "\(path).timestamp", value: FeedJSON.describe(object["timestamp"])))
                continue
            }
            let entry = Entry(
                version: version, build: build, firstSeen: seen, postingDate: FeedJSON.civilDate(object["posting_date"]))
            let key = "\(version)/\(build)"
            if let existing = indexByKey[key] {
                if entry.firstSeen < entries[existing].firstSeen { entries[existing] = entry }
            } else {
                indexByKey[key] = entries.count
                entries.append(entry)
            }
        }
        if nonBlankLines > 0 && objectLines == 0 { throw CatalogParseError.notJSON(feed: .gdmfHistory) }
        self.init(entries: entries, issues: issues)
    }

    /// Builds seen for `version`, in order of first sighting.
    public func builds(for version: OSVersion) -> [OSBuild] {
        entries.filter { $0.version == version }.sorted { $0.firstSeen < $1.firstSeen }.map(\.build)
    }
}
