// GDMFFeed: the macOS part of Apple's GDMF `pmv` response (raw, or SOFA's `{etag, data}` cache).

import Foundation

/// The macOS entries of one GDMF `pmv` response (`https://gdmf.apple.com/v2/pmv`).
///
/// Reads `PublicAssetSets`, `AssetSets` and `PublicBackgroundSecurityImprovements` (also under its
/// older name `PublicRapidSecurityResponses`), macOS platform key only; unknown keys are ignored.
/// Also accepts SOFA's cached form `{"etag": …, "data": <pmv>}`. Entries are kept distinct per
/// (list, version, build, device set): the same version and build listed twice with different device
/// lists gives two entries. An entry that cannot be read is skipped and reported in `issues`.
public struct GDMFFeed: Sendable, Hashable {
    /// The lists of a `pmv` response.
    public enum AssetList: String, Sendable, Hashable, Codable, CaseIterable {
        /// Newest releases offered to the public.
        case publicAssetSets = "PublicAssetSets"
        /// Releases a device-management server may push (in practice a superset of the public list).
        case assetSets = "AssetSets"
        /// Background Security Improvements (formerly Rapid Security Responses).
        case backgroundSecurityImprovements = "PublicBackgroundSecurityImprovements"
    }

    /// One macOS entry of one list.
    public struct Entry: Sendable, Hashable {
        /// The list the entry is in.
        public var list: AssetList
        /// `ProductVersion` (for a BSI: its base version).
        public var version: OSVersion
        /// `Build`.
        public var build: OSBuild
        /// `PostingDate`. Re-stamped by Apple: not a release date on its own.
        public var postingDate: CivilDate?
        /// `ExpirationDate`; nil when absent (not expiring).
        public var expirationDate: CivilDate?
        /// `SupportedDevices`: board IDs, sorted, without duplicates.
        public var supportedDevices: [String]
        /// `ProductVersionExtra`, BSIs only (`(a)`).
        public var extraVersion: ExtraVersion?
        /// `PrerequisiteBuild`, BSIs only: the base build the improvement installs on.
        public var prerequisiteBuild: OSBuild?

        public init(
            list: AssetList, version: OSVersion, build: OSBuild, postingDate: CivilDate?,
            expirationDate: CivilDate? = nil, supportedDevices: [String], extraVersion: ExtraVersion? = nil,
            prerequisiteBuild: OSBuild? = nil
        ) {
            self.list = list
            self.version = version
            self.build = build
            self.postingDate = postingDate
            self.expirationDate = expirationDate
            self.supportedDevices = Array(Set(supportedDevices)).sorted()
            self.extraVersion = extraVersion
            self.prerequisiteBuild = prerequisiteBuild
        }
    }

    /// The macOS entries, in feed order, without exact duplicates.
    public let entries: [Entry]
    /// Entries that were skipped, and why.
    public let issues: [CatalogParseError]
    /// The `etag` of SOFA's cached form, when present.
    public let etag: String?

    /// Creates a feed from entries (for tests and for merging stored data).
    public init(entries: [Entry], issues: [CatalogParseError] = [], etag: String? = nil) {
        self.entries = entries
        self.issues = issues
        self.etag = etag
    }

    /// Parses a raw `pmv` body or SOFA's `{"etag", "data"}` wrapper.
    public init(parsing data: Data) throws(CatalogParseError) {
        let json = try FeedJSON.object(from: data, feed: .gdmf)
        guard var root = json as? [String: Any] else {
            throw CatalogParseError.unexpectedShape(feed: .gdmf, path: "$")
        }
        var etag: String?
        let listKeys = ["PublicAssetSets", "AssetSets", "PublicBackgroundSecurityImprovements", "PublicRapidSecurityResponses"]
        if !listKeys.contains(where: { root[$0] != nil }), let body = root["data"] as? [String: Any] {
            etag = root["etag"] as? String
            root = body
        }
        guard listKeys.contains(where: { root[$0] != nil }) else {
            throw CatalogParseError.missingField(feed: .gdmf, path: "$.AssetSets")
        }
        var entries: [Entry] = []
        var issues: [CatalogParseError] = []
        var seen = Set<Entry>()
        let sources: [(key: String, list: AssetList)] = [
            ("PublicAssetSets", .publicAssetSets), ("AssetSets", .assetSets),
            ("PublicBackgroundSecurityImprovements", .backgroundSecurityImprovements),
            ("PublicRapidSecurityResponses", .backgroundSecurityImprovements),
        ]
        for (key, list) in sources {
            guard let platforms = root[key] else { continue }
            guard let byPlatform = platforms as? [String: Any] else {
                issues.append(.unexpectedShape(feed: .gdmf, path: "$.\(key)"))
                continue
            }
            guard let macOS = byPlatform["macOS"] else { continue }
            guard let items = macOS as? [Any] else {
                issues.append(.unexpectedShape(feed: .gdmf, path: "$.\(key).macOS"))
                continue
            }
            for (index, item) in items.enumerated() {
                let path = "$.\(key).macOS[\(index)]"
                switch Self.entry(item, list: list, path: path) {
                case .success(let entry):
                    // Key on (list, version, build, device set) and every other field: exact repeats only.
                    if seen.insert(entry).inserted { entries.append(entry) }
                case .failure(let issue): issues.append(issue)
                }
            }
        }
        self.init(entries: entries, issues: issues, etag: etag)
    }

    /// The latest `PostingDate` in the feed: the earliest day the response can have been fetched,
    /// used as the day this snapshot observed which releases were signed.
    public var observationDate: CivilDate? { entries.compactMap(\.postingDate).max() }

    /// Entries of one list.
    public func entries(in list: AssetList) -> [Entry] { entries.filter { $0.list == list } }

    private static func entry(_ item: Any, list: AssetList, path: String) -> Result<Entry, CatalogParseError> {
        guard let object = item as? [String: Any] else { return .failure(.unexpectedShape(feed: .gdmf, path: path)) }
        guard let versionText = FeedJSON.nonEmptyString(object["ProductVersion"]) else {
            return .failure(.missingField(feed: .gdmf, path: "\(path).ProductVersion"))
        }
        guard let version = try? OSVersion(parsing: versionText) else {
            return .failure(.invalidField(feed: .gdmf, path: "\(path).ProductVersion", value: versionText))
        }
        guard let buildText = FeedJSON.nonEmptyString(object["Build"]) else {
            return .failure(.missingField(feed: .gdmf, path: "\(path).Build"))
        }
        guard let build = try? OSBuild(parsing: buildText) else {
            return .failure(.invalidField(feed: .gdmf, path: "\(path).Build", value: buildText))
        }
        var posting: CivilDate?
        if let value = object["PostingDate"], !(value is NSNull) {
            guard let date = FeedJSON.civilDate(value) else {
                return .failure(
                    .invalidField(feed: .gdmf, path: "\(path).PostingDate", value: FeedJSON.describe(value)))
            }
            posting = date
        }
        var expiration: CivilDate?
        if let value = object["ExpirationDate"], !(value is NSNull) {
            guard let date = FeedJSON.civilDate(value) else {
                return .failure(
                    .invalidField(feed: .gdmf, path: "\(path).ExpirationDate", value: FeedJSON.describe(value)))
            }
            expiration = date
        }
        let devices = FeedJSON.strings(object["SupportedDevices"]) ?? []
        var extra: ExtraVersion?
        var prerequisite: OSBuild?
        if list == .backgroundSecurityImprovements {
            guard let extraText = FeedJSON.nonEmptyString(object["ProductVersionExtra"]) else {
                return .failure(.missingField(feed: .gdmf, path: "\(path).ProductVersionExtra"))
            }
            guard let parsedExtra = try? ExtraVersion(parsing: extraText) else {
                return .failure(.invalidField(feed: .gdmf, path: "\(path).ProductVersionExtra", value: extraText))
            }
            guard let prerequisiteText = FeedJSON.nonEmptyString(object["PrerequisiteBuild"]) else {
                return .failure(.missingField(feed: .gdmf, path: "\(path).PrerequisiteBuild"))
            }
            guard let parsedPrerequisite = try? OSBuild(parsing: prerequisiteText) else {
                return .failure(
                    .invalidField(feed: .gdmf, path: "\(path).PrerequisiteBuild", value: prerequisiteText))
            }
            extra = parsedExtra
            prerequisite = parsedPrerequisite
        }
        return .success(
            Entry(
                list: list, version: version, build: build, postingDate: posting, expirationDate: expiration,
                supportedDevices: devices, extraVersion: extra, prerequisiteBuild: prerequisite))
    }
}
