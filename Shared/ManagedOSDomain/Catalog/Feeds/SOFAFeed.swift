// SOFAFeed: a SOFA macOS data feed, v1 or v2 (releases, dates, CVEs, BSIs, device and model maps).

import Foundation

/// A SOFA macOS data feed (`v1/macos_data_feed.json` or `v2/macos_data_feed.json`), read into one
/// shape whatever its version.
///
/// - v1: no builds in `SecurityReleases` (only `Latest.Build`), `CVEs` map to booleans, no `Devices`
///   map and no BSIs.
/// - v2: `Build` may be `""` and `AllBuilds` `[]` (unknown build), `SupportedDevices` absent means
///   "inherit `Latest.SupportedDevices`", `CVEs` map to detail objects, `Devices` maps board IDs to
///   model identifiers, `BackgroundSecurityImprovements` lists BSIs, `ExpirationDate` is `YYYY-MM-DD`
///   (v1 writes `YYYY-MM-DDT00:00:00Z`; both are read).
///
/// Unknown keys are ignored. A release that cannot be read is skipped and reported in `issues`.
/// SOFA's release dates are taken as published; some older ones are wrong (too late), which is why
/// the catalog orders releases by version and takes the earliest date any source gives.
public struct SOFAFeed: Sendable, Hashable {
    /// Which feed shape was read.
    public enum Format: String, Sendable, Hashable, Codable {
        case v1, v2
    }

    /// One release of `OSVersions[].SecurityReleases[]` (or `Latest`).
    public struct Release: Sendable, Hashable {
        /// `ProductVersion`.
        public var version: OSVersion
        /// The builds the feed names: v2 `Build` and `AllBuilds`, or v1 `Latest.Build` for the
        /// latest release. Empty when the feed does not know the build.
        public var builds: [OSBuild]
        /// `ReleaseDate` (calendar day; some SOFA dates are wrong, see the type's notes).
        public var releaseDate: CivilDate
        /// `ExpirationDate`, present only on releases GDMF still listed when SOFA last checked.
        public var expirationDate: CivilDate?
        /// Board IDs: the release's own `SupportedDevices`, or `Latest.SupportedDevices` when absent.
        public var supportedDevices: [String]
        /// Whether `supportedDevices` was inherited from `Latest` (v2 leaves it out when unchanged).
        public var inheritsSupportedDevices: Bool
        /// `UniqueCVEsCount` (or the number of `CVEs` keys when absent).
        public var cveCount: Int
        /// Actively exploited CVEs: `ActivelyExploitedCVEs` plus any CVE flagged exploited in `CVEs`.
        public var activelyExploitedCVEs: [String]
        /// `DeviceScope == "device-specific"` (v2 only).
        public var isDeviceSpecific: Bool
        /// `UpdateName` (`macOS Tahoe 26.6.2`).
        public var updateName: String?

        public init(
            version: OSVersion, builds: [OSBuild], releaseDate: CivilDate, expirationDate: CivilDate? = nil,
            supportedDevices: [String] = [], inheritsSupportedDevices: Bool = false, cveCount: Int = 0,
            activelyExploitedCVEs: [String] = [], isDeviceSpecific: Bool = false, updateName: String? = nil
        ) {
            self.version = version
            self.builds = builds
            self.releaseDate = releaseDate
            self.expirationDate = expirationDate
            self.supportedDevices = supportedDevices
            self.inheritsSupportedDevices = inheritsSupportedDevices
            self.cveCount = cveCount
            self.activelyExploitedCVEs = activelyExploitedCVEs
            self.isDeviceSpecific = isDeviceSpecific
            self.updateName = updateName
        }
    }

    /// One entry of v2 `BackgroundSecurityImprovements`.
    public struct BackgroundSecurityImprovement: Sendable, Hashable {
        /// `Version`: the base version (`26.3.1`).
        public var version: OSVersion
        /// `VersionExtra` (`(a)`).
        public var extraVersion: ExtraVersion
        /// `Build` (`25D771280a`).
        public var build: OSBuild
        /// `PrerequisiteBuild`: the base build it installs on (`25D2128`).
        public var prerequisiteBuild: OSBuild
        /// `PostingDate`.
        public var postingDate: CivilDate?
        /// `SupportedDevices` (board IDs).
        public var supportedDevices: [String]
        /// `CVEs` (a plain list here).
        public var cves: [String]
        /// `DeviceScope == "device-specific"`.
        public var isDeviceSpecific: Bool

        public init(
            version: OSVersion, extraVersion: ExtraVersion, build: OSBuild, prerequisiteBuild: OSBuild,
            postingDate: CivilDate?, supportedDevices: [String], cves: [String] = [], isDeviceSpecific: Bool = false
        ) {
            self.version = version
            self.extraVersion = extraVersion
            self.build = build
            self.prerequisiteBuild = prerequisiteBuild
            self.postingDate = postingDate
            self.supportedDevices = supportedDevices
            self.cves = cves
            self.isDeviceSpecific = isDeviceSpecific
        }
    }

    /// v1 or v2.
    public let format: Format
    /// v2 `SchemaVersion`.
    public let schemaVersion: String?
    /// v2 `LastCheck`: when SOFA last compared the feed with GDMF.
    public let lastCheck: Date?
    /// Every release of every major, in feed order (newest first within a major).
    public let releases: [Release]
    /// v2 BSIs of every major.
    public let backgroundSecurityImprovements: [BackgroundSecurityImprovement]
    /// v2 `Devices`: board ID → model identifier (boards without a `DeviceID`, such as `VMM-x86_64`,
    /// are left out).
    public let modelIdentifierByBoardID: [String: String]
    /// `Models`: model identifier → marketing name.
    public let marketingNameByModelIdentifier: [String: String]
    /// `OSVersions[].SupportedModels` by major: model identifiers Apple lists as supported.
    /// Approximate (Ventura lists M3 models that never ran it): board IDs are authoritative.
    public let supportedModelIdentifiersByMajor: [Int: Set<String>]
    /// Releases and BSIs that were skipped, and why.
    public let issues: [CatalogParseError]

    /// Creates a feed from parts (for tests and stored data).
    public init(
        format: Format, schemaVersion: String? = nil, lastCheck: Date? = nil, releases: [Release],
        backgroundSecurityImprovements: [BackgroundSecurityImprovement] = [],
        modelIdentifierByBoardID: [String: String] = [:], marketingNameByModelIdentifier: [String: String] = [:],
        supportedModelIdentifiersByMajor: [Int: Set<String>] = [:], issues: [CatalogParseError] = []
    ) {
        self.format = format
        self.schemaVersion = schemaVersion
        self.lastCheck = lastCheck
        self.releases = releases
        self.backgroundSecurityImprovements = backgroundSecurityImprovements
        self.modelIdentifierByBoardID = modelIdentifierByBoardID
        self.marketingNameByModelIdentifier = marketingNameByModelIdentifier
        self.supportedModelIdentifiersByMajor = supportedModelIdentifiersByMajor
        self.issues = issues
    }

    /// Parses a v1 or v2 feed; the shape is recognised from its keys (`SchemaVersion`, `Devices`).
    public init(parsing data: Data) throws(CatalogParseError) {
        let json = try FeedJSON.object(from: data, feed: .sofa)
        guard let root = json as? [String: Any] else { throw CatalogParseError.unexpectedShape(feed: .sofa, path: "$") }
        guard let osVersions = root["OSVersions"] as? [Any] else {
            throw root["OSVersions"] == nil
                ? CatalogParseError.missingField(feed: .sofa, path: "$.OSVersions")
                : CatalogParseError.unexpectedShape(feed: .sofa, path: "$.OSVersions")
        }
        let format: Format = root["SchemaVersion"] != nil || root["Devices"] != nil ? .v2 : .v1
        var issues: [CatalogParseError] = []
        var releases: [Release] = []
        var modelsByMajor: [Int: Set<String>] = [:]
        for (majorIndex, item) in osVersions.enumerated() {
            let path = "$.OSVersions[\(majorIndex)]"
            guard let group = item as? [String: Any] else {
                issues.append(.unexpectedShape(feed: .sofa, path: path))
                continue
            }
            let latest = group["Latest"] as? [String: Any]
            let latestDevices = FeedJSON.strings(latest?["SupportedDevices"]) ?? []
            let latestVersion = (FeedJSON.string(latest?["ProductVersion"])).flatMap { try? OSVersion(parsing: $0) }
            let latestBuild = FeedJSON.nonEmptyString(latest?["Build"]).flatMap { try? OSBuild(parsing: $0) }
            var groupReleases: [Release] = []
            for (index, releaseItem) in ((group["SecurityReleases"] as? [Any]) ?? []).enumerated() {
                switch Self.release(
                    releaseItem, path: "\(path).SecurityReleases[\(index)]", inheritedDevices: latestDevices)
                {
                case .success(var release):
                    // v1 names the build and expiration only on `Latest`: carry them to its release.
                    if release.version == latestVersion {
                        if release.builds.isEmpty, let latestBuild { release.builds = [latestBuild] }
                        if release.expirationDate == nil { release.expirationDate = FeedJSON.civilDate(latest?["ExpirationDate"]) }
                    }
                    groupReleases.append(release)
                case .failure(let issue): issues.append(issue)
                }
            }
            // `Latest` normally repeats the first security release; add it when it does not.
            if let latest, let latestVersion, !groupReleases.contains(where: { $0.version == latestVersion }) {
                if case .success(let release) = Self.release(latest, path: "\(path).Latest", inheritedDevices: latestDevices) {
                    groupReleases.insert(release, at: 0)
                }
            }
            releases += groupReleases
            let major =
                (FeedJSON.string(group["OSVersion"])?.split(separator: " ").last).flatMap { Int($0) }
                ?? latestVersion?.major ?? groupReleases.first?.version.major
            if let major, let models = group["SupportedModels"] as? [Any] {
                for model in models {
                    guard let identifiers = (model as? [String: Any])?["Identifiers"] as? [String: Any] else { continue }
                    modelsByMajor[major, default: []].formUnion(identifiers.keys)
                }
            }
        }
        var bsis: [BackgroundSecurityImprovement] = []
        if let byMajor = root["BackgroundSecurityImprovements"] as? [String: Any] {
            for key in byMajor.keys.sorted() {
                for (index, item) in ((byMajor[key] as? [Any]) ?? []).enumerated() {
                    switch Self.backgroundSecurityImprovement(item, path: "$.BackgroundSecurityImprovements.\(key)[\(index)]") {
                    case .success(let bsi): bsis.append(bsi)
                    case .failure(let issue): issues.append(issue)
                    }
                }
            }
        }
        var boards: [String: String] = [:]
        for (board, value) in (root["Devices"] as? [String: Any]) ?? [:] {
            if let model = FeedJSON.nonEmptyString((value as? [String: Any])?["DeviceID"]) { boards[board] = model }
        }
        var names: [String: String] = [:]
        for (model, value) in (root["Models"] as? [String: Any]) ?? [:] {
            if let name = FeedJSON.nonEmptyString((value as? [String: Any])?["MarketingName"]) { names[model] = name }
        }
        self.init(
            format: format, schemaVersion: FeedJSON.string(root["SchemaVersion"]),
            lastCheck: FeedJSON.string(root["LastCheck"]).flatMap(FeedTimestamp.parse), releases: releases,
            backgroundSecurityImprovements: bsis, modelIdentifierByBoardID: boards,
            marketingNameByModelIdentifier: names, supportedModelIdentifiersByMajor: modelsByMajor, issues: issues)
    }

    private static func release(_ item: Any, path: String, inheritedDevices: [String]) -> Result<Release, CatalogParseError> {
        guard let object = item as? [String: Any] else { return .failure(.unexpectedShape(feed: .sofa, path: path)) }
        guard let versionText = FeedJSON.nonEmptyString(object["ProductVersion"]) else {
            return .failure(.missingField(feed: .sofa, path: "\(path).ProductVersion"))
        }
        guard let version = try? OSVersion(parsing: versionText) else {
            return .failure(.invalidField(feed: .sofa, path: "\(path).ProductVersion", value: versionText))
        }
        guard let dateValue = object["ReleaseDate"] else {
            return .failure(.missingField(feed: .sofa, path: "\(path).ReleaseDate"))
        }
        guard let releaseDate = FeedJSON.civilDate(dateValue) else {
            return .failure(.invalidField(feed: .sofa, path: "\(path).ReleaseDate", value: FeedJSON.describe(dateValue)))
        }
        var builds: [OSBuild] = []
        for text in [FeedJSON.string(object["Build"])].compactMap({ $0 }) + (FeedJSON.strings(object["AllBuilds"]) ?? [])
        where !text.isEmpty {
            guard let build = try? OSBuild(parsing: text) else {
                return .failure(.invalidField(feed: .sofa, path: "\(path).Build", value: text))
            }
            if !builds.contains(build) { builds.append(build) }
        }
        let ownDevices = FeedJSON.strings(object["SupportedDevices"])
        var exploited = FeedJSON.strings(object["ActivelyExploitedCVEs"]) ?? []
        let cves = (object["CVEs"] as? [String: Any]) ?? [:]
        for (cve, detail) in cves.sorted(by: { $0.key < $1.key }) where !exploited.contains(cve) {
            let flagged =
                FeedJSON.bool(detail) == true
                || FeedJSON.bool((detail as? [String: Any])?["ActivelyExploited"]) == true
            if flagged { exploited.append(cve) }
        }
        return .success(
            Release(
                version: version, builds: builds, releaseDate: releaseDate,
                expirationDate: FeedJSON.civilDate(object["ExpirationDate"]),
                supportedDevices: ownDevices ?? inheritedDevices, inheritsSupportedDevices: ownDevices == nil,
                cveCount: FeedJSON.int(object["UniqueCVEsCount"]) ?? cves.count, activelyExploitedCVEs: exploited,
                isDeviceSpecific: FeedJSON.string(object["DeviceScope"]) == "device-specific",
                updateName: FeedJSON.string(object["UpdateName"])))
    }

    private static func backgroundSecurityImprovement(_ item: Any, path: String)
        -> Result<BackgroundSecurityImprovement, CatalogParseError>
    {
        guard let object = item as? [String: Any] else { return .failure(.unexpectedShape(feed: .sofa, path: path)) }
        func required(_ key: String) -> Result<String, CatalogParseError> {
            guard let text = FeedJSON.nonEmptyString(object[key]) else {
                return .failure(.missingField(feed: .sofa, path: "\(path).\(key)"))
            }
            return .success(text)
        }
        do {
            let versionText = try required("Version").get()
            let extraText = try required("VersionExtra").get()
            let buildText = try required("Build").get()
            let prerequisiteText = try required("PrerequisiteBuild").get()
            guard let version = try? OSVersion(parsing: versionText) else {
                return .failure(.invalidField(feed: .sofa, path: "\(path).Version", value: versionText))
            }
            guard let extra = try? ExtraVersion(parsing: extraText) else {
                return .failure(.invalidField(feed: .sofa, path: "\(path).VersionExtra", value: extraText))
            }
            guard let build = try? OSBuild(parsing: buildText) else {
                return .failure(.invalidField(feed: .sofa, path: "\(path).Build", value: buildText))
            }
            guard let prerequisite = try? OSBuild(parsing: prerequisiteText) else {
                return .failure(.invalidField(feed: .sofa, path: "\(path).PrerequisiteBuild", value: prerequisiteText))
            }
            return .success(
                BackgroundSecurityImprovement(
                    version: version, extraVersion: extra, build: build, prerequisiteBuild: prerequisite,
                    postingDate: FeedJSON.civilDate(object["PostingDate"]),
                    supportedDevices: FeedJSON.strings(object["SupportedDevices"]) ?? [],
                    cves: FeedJSON.strings(object["CVEs"]) ?? ((object["CVEs"] as? [String: Any]).map { Array($0.keys).sorted() } ?? []),
                    isDeviceSpecific: FeedJSON.string(object["DeviceScope"]) == "device-specific"))
        } catch {
            return .failure(error)
        }
    }
}
