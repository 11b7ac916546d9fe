// Release: one entry of the merged Apple release catalog (an OS update or a BSI for one build).

/// One installable macOS release for a set of hardware: a version with one build.
///
/// A version that Apple ships with several builds (device-specific variants such as `25A8364`) is
/// several `Release` values, each with its own `supportedBoardIDs`.
public struct Release: Sendable, Hashable, Identifiable, Codable {
    /// What kind of release this is.
    public enum Kind: Sendable, Hashable, Codable {
        /// A normal OS update (or the first release of a major).
        case update
        /// A Background Security Improvement (`26.3.1 (a)`), installed on top of `prerequisiteBuild`.
        case backgroundSecurityImprovement(extraVersion: String, prerequisiteBuild: OSBuild)
    }

    /// Stable identifier: `"<version>[ <extra>]/<build or ->"`, e.g. `"26.3.1 (a)/25D771280a"`.
    public var id: String {
        switch kind {
        case .update: "\(version)/\(build?.rawValue ?? "-")"
        case .backgroundSecurityImprovement(let extra, _): "\(version) \(extra)/\(build?.rawValue ?? "-")"
        }
    }

    /// The marketing version (for a BSI: its base version, `26.3.1`).
    public var version: OSVersion
    /// The build, when a feed names it (SOFA sometimes leaves it empty).
    public var build: OSBuild?
    /// Release date: the earlier of SOFA's release date and the first date the release was seen in GDMF.
    public var releaseDate: CivilDate
    /// Last day Apple signs this release; nil when not expiring. Expired releases are never targets.
    public var expirationDate: CivilDate?
    /// Board IDs this release installs on. Empty means unknown (treated as "every Mac of the major").
    public var supportedBoardIDs: Set<String>
    /// Update or BSI.
    public var kind: Kind
    /// Whether the release is a device-specific variant (not universal).
    public var isDeviceSpecific: Bool
    /// Number of CVEs the release fixes (0 when unknown).
    public var cveCount: Int
    /// CVEs the release fixes that were actively exploited.
    public var activelyExploitedCVEs: [String]
    /// Whether the release may be pushed by a management server (listed in GDMF `AssetSets`).
    public var isInManagedAssetSets: Bool

    public init(
        version: OSVersion, build: OSBuild?, releaseDate: CivilDate, expirationDate: CivilDate? = nil,
        supportedBoardIDs: Set<String> = [], kind: Kind = .update, isDeviceSpecific: Bool = false,
        cveCount: Int = 0, activelyExploitedCVEs: [String] = [], isInManagedAssetSets: Bool = true
    ) {
        self.version = version
        self.build = build
        self.releaseDate = releaseDate
        self.expirationDate = expirationDate
        self.supportedBoardIDs = supportedBoardIDs
        self.kind = kind
        self.isDeviceSpecific = isDeviceSpecific
        self.cveCount = cveCount
        self.activelyExploitedCVEs = activelyExploitedCVEs
        self.isInManagedAssetSets = isInManagedAssetSets
    }

    /// The major version (`15` for `15.7.2`).
    public var major: Int { version.major }

    /// Whether this release is a Background Security Improvement.
    public var isBackgroundSecurityImprovement: Bool {
        if case .backgroundSecurityImprovement = kind { return true }
        return false
    }

    /// Whether any fixed CVE was actively exploited.
    public var fixesActivelyExploitedCVEs: Bool { !activelyExploitedCVEs.isEmpty }
}
