// CatalogBuilder: merges GDMF snapshots, the GDMF first-seen log and SOFA feeds into a ReleaseCatalog.

import Foundation

/// Merges any subset of the feeds (GDMF `pmv` snapshots, SOFA's GDMF first-seen log, SOFA v1/v2
/// feeds) into `Release` values and a `ReleaseCatalog`.
///
/// Merge rules:
/// - **One release per (version, build).** Entries with the same version and build from every
///   source and list are one release; their GDMF board lists are united (Apple sometimes lists the
///   same build twice for different devices). Different builds of one version are different releases.
/// - **Builds.** GDMF and the first-seen log name builds. A SOFA release applies to the builds it
///   names (v2 `Build`/`AllBuilds`, v1 `Latest.Build`) and to every other known build of its version
///   that no SOFA release names; when no build of the version is known anywhere, the release keeps
///   `build == nil`.
/// - **Release date** = the earliest of SOFA's `ReleaseDate` and the first sighting in the log (its
///   timestamp's UTC day, or the `posting_date` recorded at that sighting if earlier). GDMF's current
///   `PostingDate` is re-stamped by Apple and is used only when no other date exists. BSIs: the
///   earliest of SOFA's and GDMF's `PostingDate`.
/// - **Boards.** GDMF board lists when GDMF lists the build (authoritative), else SOFA's
///   `SupportedDevices` (inherited from `Latest` when absent in v2). No list at all = every Mac.
/// - **Expiration.** From GDMF (and SOFA's copy of it): the latest `ExpirationDate` of its listings,
///   none when a listing has none. Each GDMF snapshot (dated by its latest `PostingDate`) and each v2
///   feed (dated by `LastCheck`, for the majors it covers) is an observation of what is signed: a
///   release missing from an observation made after its last listing expired by that observation's
///   date at the latest.
/// - **Device-specific**: SOFA says `device-specific`, or another build of the same version covers
///   more boards (ties: the later-seen build is the variant), or its GDMF board list covers fewer than
///   half the boards of the largest GDMF list of its major (26.3.2/25D2140 for `J700AP` only).
/// - **CVEs** from SOFA: the largest count, and the union of actively exploited CVEs.
/// - **Managed asset sets**: listed in GDMF `AssetSets` (BSIs: in the BSI list). With no GDMF input
///   nothing is known, and every release counts as listed.
/// - **BSIs** come from GDMF `PublicBackgroundSecurityImprovements` and SOFA v2
///   `BackgroundSecurityImprovements`, one per (version, extra version, build), linked to their base
///   through `PrerequisiteBuild`.
/// - **Device map**: SOFA v2 `Devices` board → model identifier (later feeds win).
/// - Order is by version (in `ReleaseCatalog`), never by date.
public struct CatalogBuilder: Sendable {
    /// GDMF `pmv` snapshots, any order.
    public var gdmfSnapshots: [GDMFFeed]
    /// SOFA's first-seen log.
    public var history: GDMFHistory?
    /// SOFA feeds (v1 and/or v2), any order; for the device map later feeds win.
    public var sofaFeeds: [SOFAFeed]

    public init(gdmf: [GDMFFeed] = [], history: GDMFHistory? = nil, sofa: [SOFAFeed] = []) {
        self.gdmfSnapshots = gdmf
        self.history = history
        self.sofaFeeds = sofa
    }

    /// Every entry the parsers skipped, and why.
    public var issues: [CatalogParseError] {
        gdmfSnapshots.flatMap(\.issues) + (history?.issues ?? []) + sofaFeeds.flatMap(\.issues)
    }

    /// The merged catalog.
    public func build(approvalPolicy: ReleaseApprovalPolicy = .init()) -> ReleaseCatalog {
        ReleaseCatalog(
            releases: releases(), modelIdentifierByBoardID: modelIdentifierByBoardID(), approvalPolicy: approvalPolicy)
    }

    /// Board ID → model identifier from the SOFA feeds.
    public func modelIdentifierByBoardID() -> [String: String] {
        var map: [String: String] = [:]
        for feed in sofaFeeds { map.merge(feed.modelIdentifierByBoardID) { _, new in new } }
        return map
    }

    // MARK: - Merging

    private struct Key: Hashable {
        var version: OSVersion
        var build: OSBuild?
        /// BSIs only.
        var extra: ExtraVersion?
    }

    private struct Variant {
        var key: Key
        var prerequisiteBuild: OSBuild?
        var gdmfBoards: Set<String>?
        var sofaBoards: Set<String>?
        var trustedDates: [CivilDate] = []
        var postingDates: [CivilDate] = []
        var firstSeen: Date?
        /// Listings that state signing: nil element = listed without expiration.
        var listedExpirations: [CivilDate?] = []
        var inAssetSets = false
        var inBSIList = false
        var cveCount: Int?
        var exploited: [String] = []
        var sofaDeviceSpecific = false
        var hasSOFAData = false

        init(key: Key) { self.key = key }

        mutating func absorbSOFA(_ release: SOFAFeed.Release) {
            hasSOFAData = true
            trustedDates.append(release.releaseDate)
            if sofaBoards == nil || !release.inheritsSupportedDevices, !release.supportedDevices.isEmpty {
                sofaBoards = Set(release.supportedDevices)
            }
            cveCount = max(cveCount ?? 0, release.cveCount)
            for cve in release.activelyExploitedCVEs where !exploited.contains(cve) { exploited.append(cve) }
            sofaDeviceSpecific = sofaDeviceSpecific || release.isDeviceSpecific
            if let expiration = release.expirationDate { listedExpirations.append(expiration) }
        }

        mutating func absorb(_ other: Variant) {
            trustedDates += other.trustedDates
            postingDates += other.postingDates
            if sofaBoards == nil { sofaBoards = other.sofaBoards }
            if let count = other.cveCount { cveCount = max(cveCount ?? 0, count) }
            for cve in other.exploited where !exploited.contains(cve) { exploited.append(cve) }
            sofaDeviceSpecific = sofaDeviceSpecific || other.sofaDeviceSpecific
            listedExpirations += other.listedExpirations
            hasSOFAData = hasSOFAData || other.hasSOFAData
        }

        var boards: Set<String>? { gdmfBoards ?? sofaBoards }
    }

    private struct Observation {
        var date: CivilDate
        var listed: Set<Key>
        /// GDMF snapshots state BSI signing too; SOFA feeds only state update signing.
        var coversBSIs: Bool
        /// The majors the observation covers (nil: all). A SOFA feed covers only its own majors.
        var majors: Set<Int>?
    }

    /// Every merged release: updates and BSIs.
    public func releases() -> [Release] {
        var variants: [Key: Variant] = [:]
        var order: [Key] = []
        func touch(_ key: Key, _ change: (inout Variant) -> Void) {
            if variants[key] == nil {
                variants[key] = Variant(key: key)
                order.append(key)
            }
            change(&variants[key]!)
        }
        var observations: [Observation] = []

        // 1. GDMF snapshots.
        for snapshot in gdmfSnapshots {
            var listed = Set<Key>()
            for entry in snapshot.entries {
                let isBSI = entry.list == .backgroundSecurityImprovements
                let key = Key(version: entry.version, build: entry.build, extra: isBSI ? entry.extraVersion : nil)
                listed.insert(key)
                touch(key) { variant in
                    variant.gdmfBoards = (variant.gdmfBoards ?? []).union(entry.supportedDevices)
                    if let posting = entry.postingDate ?? snapshot.observationDate { variant.postingDates.append(posting) }
                    variant.listedExpirations.append(entry.expirationDate)
                    if entry.list == .assetSets { variant.inAssetSets = true }
                    if isBSI {
                        variant.inBSIList = true
                        variant.prerequisiteBuild = variant.prerequisiteBuild ?? entry.prerequisiteBuild
                    }
                }
            }
            if let date = snapshot.observationDate { observations.append(Observation(date: date, listed: listed, coversBSIs: true, majors: nil)) }
        }

        // 2. First-seen log (plain updates only: the log carries no BSI extra version).
        for entry in history?.entries ?? [] where !entry.build.isBackgroundSecurityImprovement {
            touch(Key(version: entry.version, build: entry.build)) { variant in
                variant.trustedDates.append(entry.earliestDay)
                variant.firstSeen = min(variant.firstSeen ?? entry.firstSeen, entry.firstSeen)
            }
        }

        // 3. SOFA releases, attached to their builds (recovered from GDMF and the log when missing).
        let namedBuilds = Set(sofaFeeds.flatMap { $0.releases.flatMap { release in release.builds.map { Key(version: release.version, build: $0) } } })
        for feed in sofaFeeds {
            var listed = Set<Key>()
            for release in feed.releases {
                var keys = release.builds.map { Key(version: release.version, build: $0) }
                keys += order.filter { key in
                    key.extra == nil && key.build != nil && key.version == release.version && !namedBuilds.contains(key)
                        && !keys.contains(key)
                }
                if keys.isEmpty { keys = [Key(version: release.version, build: nil)] }
                for key in keys {
                    touch(key) { $0.absorbSOFA(release) }
                    if release.expirationDate != nil { listed.insert(key) }
                }
            }
            for bsi in feed.backgroundSecurityImprovements {
                let key = Key(version: bsi.version, build: bsi.build, extra: bsi.extraVersion)
                touch(key) { variant in
                    variant.hasSOFAData = true
                    variant.prerequisiteBuild = variant.prerequisiteBuild ?? bsi.prerequisiteBuild
                    if let posting = bsi.postingDate { variant.trustedDates.append(posting) }
                    if !bsi.supportedDevices.isEmpty { variant.sofaBoards = Set(bsi.supportedDevices) }
                    variant.cveCount = max(variant.cveCount ?? 0, bsi.cves.count)
                    variant.sofaDeviceSpecific = variant.sofaDeviceSpecific || bsi.isDeviceSpecific
                }
            }
            // A v2 feed states signing for updates (releases still in GDMF carry `ExpirationDate`).
            if feed.format == .v2, let lastCheck = feed.lastCheck {
                observations.append(
                    Observation(
                        date: CivilDate(utcDayOf: lastCheck), listed: listed, coversBSIs: false,
                        majors: Set(feed.releases.map(\.version.major))))
            }
        }

        // 4. A build-less release whose version gained builds from another source folds into them.
        for key in order where key.build == nil && key.extra == nil {
            let siblings = order.filter { $0.version == key.version && $0.build != nil && $0.extra == nil }
            guard !siblings.isEmpty, let orphan = variants[key] else { continue }
            for sibling in siblings { variants[sibling]!.absorb(orphan) }
            variants[key] = nil
        }
        let keys = order.filter { variants[$0] != nil }

        // 5. Device-specific variants.
        var largestGDMFListByMajor: [Int: Int] = [:]
        for key in keys where key.extra == nil {
            if let count = variants[key]?.gdmfBoards?.count {
                largestGDMFListByMajor[key.version.major] = max(largestGDMFListByMajor[key.version.major] ?? 0, count)
            }
        }
        var universalByVersion: [OSVersion: Key] = [:]
        for key in keys where key.extra == nil {
            guard let candidate = variants[key] else { continue }
            if let current = universalByVersion[key.version], let incumbent = variants[current] {
                let candidateCount = candidate.boards?.count ?? Int.max
                let incumbentCount = incumbent.boards?.count ?? Int.max
                let candidateSeen = candidate.firstSeen ?? .distantFuture
                let incumbentSeen = incumbent.firstSeen ?? .distantFuture
                let better =
                    candidateCount != incumbentCount
                    ? candidateCount > incumbentCount
                    : candidateSeen != incumbentSeen ? candidateSeen < incumbentSeen : key.build! < current.build!
                if better { universalByVersion[key.version] = key }
            } else {
                universalByVersion[key.version] = key
            }
        }

        // 6. Releases.
        var releases: [Release] = []
        for key in keys {
            guard let variant = variants[key] else { continue }
            guard let releaseDate = variant.trustedDates.min() ?? variant.postingDates.min() else { continue }
            var expiration: CivilDate?
            if !variant.listedExpirations.isEmpty, !variant.listedExpirations.contains(where: { $0 == nil }) {
                expiration = variant.listedExpirations.compactMap { $0 }.max()
            }
            let lastListed = observations.filter { $0.listed.contains(key) }.map(\.date).max()
            let unlistedLater = observations.filter { observation in
                !observation.listed.contains(key) && (lastListed.map { observation.date > $0 } ?? true)
                    && (key.extra == nil || observation.coversBSIs)
                    && (observation.majors?.contains(key.version.major) ?? true)
            }
            if let unlistedBy = unlistedLater.map(\.date).min() {
                expiration = min(expiration ?? unlistedBy, unlistedBy)
            }
            let boards = variant.boards ?? []
            var deviceSpecific = variant.sofaDeviceSpecific
            if key.extra == nil, let universal = universalByVersion[key.version], universal != key { deviceSpecific = true }
            if let gdmf = variant.gdmfBoards, let largest = largestGDMFListByMajor[key.version.major],
                gdmf.count * 2 < largest
            {
                deviceSpecific = true
            }
            let kind: Release.Kind
            if let extra = key.extra {
                guard let prerequisite = variant.prerequisiteBuild else { continue }
                kind = .backgroundSecurityImprovement(extraVersion: extra.parenthesized, prerequisiteBuild: prerequisite)
            } else {
                kind = .update
            }
            let listedInManagedSets =
                gdmfSnapshots.isEmpty || (key.extra == nil ? variant.inAssetSets : variant.inBSIList)
            releases.append(
                Release(
                    version: key.version, build: key.build, releaseDate: releaseDate, expirationDate: expiration,
                    supportedBoardIDs: boards, kind: kind, isDeviceSpecific: deviceSpecific,
                    cveCount: variant.cveCount ?? 0, activelyExploitedCVEs: variant.exploited,
                    isInManagedAssetSets: listedInManagedSets))
        }
        return releases
    }
}
