// ReleaseCatalog: the merged Apple release catalog and the queries evaluation needs.

import Foundation

/// The merged catalog of macOS releases with its approval policy and the board-ID → model map.
///
/// Queries take the current instant as a parameter (the domain has no clock). A release is
/// *installable* on a UTC day up to and including its `expirationDate`; it is *approved* by the
/// `approvalPolicy`. Queries are indexed by major and board ID, so evaluating a fleet stays cheap.
public struct ReleaseCatalog: Sendable {
    /// Every release, updates and BSIs, in no particular order.
    public let releases: [Release]
    /// Board ID → model identifier (SOFA v2 `Devices`).
    public let modelIdentifierByBoardID: [String: String]
    /// Model identifier → board IDs (inverse of the map above; a model may have several boards).
    public let boardIDsByModelIdentifier: [String: [String]]
    /// How releases become approved.
    public var approvalPolicy: ReleaseApprovalPolicy

    /// Updates (not BSIs) grouped by major, ascending by version then build.
    private let updatesByMajor: [Int: [Release]]
    /// BSIs keyed by their prerequisite build.
    private let bsiByPrerequisiteBuild: [OSBuild: [Release]]

    public init(
        releases: [Release], modelIdentifierByBoardID: [String: String] = [:],
        approvalPolicy: ReleaseApprovalPolicy = .init()
    ) {
        self.releases = releases
        self.modelIdentifierByBoardID = modelIdentifierByBoardID
        var inverse: [String: [String]] = [:]
        for (board, model) in modelIdentifierByBoardID { inverse[model, default: []].append(board) }
        self.boardIDsByModelIdentifier = inverse.mapValues { $0.sorted() }
        self.approvalPolicy = approvalPolicy
        var byMajor: [Int: [Release]] = [:]
        var bsi: [OSBuild: [Release]] = [:]
        for release in releases {
            switch release.kind {
            case .update: byMajor[release.major, default: []].append(release)
            case .backgroundSecurityImprovement(_, let prerequisite): bsi[prerequisite, default: []].append(release)
            }
        }
        self.updatesByMajor = byMajor.mapValues { list in
            list.sorted { ($0.version, $0.build?.rawValue ?? "") < ($1.version, $1.build?.rawValue ?? "") }
        }
        self.bsiByPrerequisiteBuild = bsi
    }

    /// Majors present in the catalog, ascending.
    public var majors: [Int] { updatesByMajor.keys.sorted() }

    /// Whether `release` can still be installed at `now` (not past its expiration date, UTC).
    public func isInstallable(_ release: Release, at now: Date) -> Bool {
        guard let expiration = release.expirationDate else { return true }
        return CivilDate(utcDayOf: now) <= expiration
    }

    /// Whether `release` is approved at `now`.
    public func isApproved(_ release: Release, at now: Date) -> Bool {
        approvalPolicy.isApproved(release, on: CivilDate(utcDayOf: now))
    }

    /// Whether `release` installs on `hardware`. A release with no device list supports every Mac;
    /// hardware known only by model identifier is matched through the device map.
    public func supports(_ release: Release, hardware: MacHardware) -> Bool {
        if release.supportedBoardIDs.isEmpty { return true }
        if let board = hardware.boardID { return release.supportedBoardIDs.contains(board) }
        if let model = hardware.modelIdentifier, let boards = boardIDsByModelIdentifier[model] {
            return boards.contains { release.supportedBoardIDs.contains($0) }
        }
        return false
    }

    /// Approved updates of `major` for `hardware`, ascending by version, including expired ones
    /// (an expired release can still set a floor; it is never a target).
    public func approvedUpdates(major: Int, for hardware: MacHardware, at now: Date) -> [Release] {
        let day = CivilDate(utcDayOf: now)
        return (updatesByMajor[major] ?? []).filter {
            approvalPolicy.isApproved($0, on: day) && supports($0, hardware: hardware)
        }
    }

    /// The newest approved, installable update of `major` for `hardware`: what such a Mac installs.
    public func latestApproved(major: Int, for hardware: MacHardware, at now: Date) -> Release? {
        approvedUpdates(major: major, for: hardware, at: now).last { isInstallable($0, at: now) }
    }

    /// Approved updates of `major` newer than `version` for `hardware`, ascending.
    public func approvedUpdates(major: Int, newerThan version: OSVersion, for hardware: MacHardware, at now: Date)
        -> [Release]
    {
        approvedUpdates(major: major, for: hardware, at: now).filter { $0.version > version }
    }

    /// The approved, installable BSI for a Mac on `baseBuild`, if any (the newest extra version).
    public func backgroundSecurityImprovement(forBaseBuild baseBuild: OSBuild, for hardware: MacHardware, at now: Date)
        -> Release?
    {
        (bsiByPrerequisiteBuild[baseBuild] ?? [])
            .filter { isApproved($0, at: now) && isInstallable($0, at: now) && supports($0, hardware: hardware) }
            .max { ($0.build?.rawValue ?? "") < ($1.build?.rawValue ?? "") }
    }

    /// Majors with at least one update that installs on `hardware`.
    public func supportedMajors(for hardware: MacHardware) -> Set<Int> {
        Set(updatesByMajor.compactMap { major, list in list.contains { supports($0, hardware: hardware) } ? major : nil })
    }
}
