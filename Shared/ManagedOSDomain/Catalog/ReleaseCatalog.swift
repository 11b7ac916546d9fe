// ReleaseCatalog: the merged Apple release catalog and the queries evaluation needs.

import Foundation

/// The merged catalog of macOS releases with its approval policy and the board-ID → model map.
///
/// Queries take the current instant as a parameter (the domain has no clock). A release is
/// *installable* on a UTC day up to and including its `expirationDate`; it is *approved* by the
/// `approvalPolicy`. Queries are indexed by major and by hardware: at init every board ID and model
/// identifier gets a slot, and each major keeps, per slot, the ascending list of updates that install
/// on it, so a query is two dictionary look-ups and a scan of a short integer array. Approval and
/// expiration are precomputed as day numbers and recomputed when `approvalPolicy` changes.
///
/// Order inside a major: by version, then device-specific variants before the universal build of the
/// same version (so the universal build is preferred when both apply), then by build. Release dates
/// never decide order (some SOFA dates are wrong).
///
/// Hardware: a known board ID decides; otherwise the model identifier is resolved to its boards
/// through the device map (a model with several boards is supported when any of them is). A release
/// with an empty board list installs on every Mac of its major.
public struct ReleaseCatalog: Sendable {
    /// Every release, updates and BSIs, in no particular order.
    public let releases: [Release]
    /// Board ID → model identifier (SOFA v2 `Devices`).
    public let modelIdentifierByBoardID: [String: String]
    /// Model identifier → board IDs (inverse of the map above; a model may have several boards).
    public let boardIDsByModelIdentifier: [String: [String]]
    /// How releases become approved.
    public var approvalPolicy: ReleaseApprovalPolicy {
        didSet { approval = Self.approvalTable(releases, policy: approvalPolicy) }
    }

    /// Per release index: first UTC day (days since 1970) it is approved, and last day it installs.
    private var approval: [ApprovalSlot]
    /// Per major: the hardware-indexed update lists.
    private let updatesByMajor: [Int: MajorIndex]
    /// Majors ascending.
    private let sortedMajors: [Int]
    /// Board ID → hardware slot.
    private let slotByBoardID: [String: Int]
    /// Model identifier → hardware slot (union of its boards).
    private let slotByModelIdentifier: [String: Int]
    /// BSIs keyed by their prerequisite build (release indices).
    private let bsiByPrerequisiteBuild: [OSBuild: [Int]]
    /// Release index by `Release.id` (the first one when ids repeat).
    private let indexByID: [String: Int]

    private struct ApprovalSlot: Sendable {
        var approvedFromDay: Int
        var installableUntilDay: Int
    }

    private struct MajorIndex: Sendable {
        /// Every update of the major, ascending.
        var all: [Int]
        /// Updates per hardware slot, ascending.
        var bySlot: [[Int]]
        /// Updates with no board list (they install on unknown hardware too), ascending.
        var unrestricted: [Int]
    }

    public init(
        releases: [Release], modelIdentifierByBoardID: [String: String] = [:],
        approvalPolicy: ReleaseApprovalPolicy = .init()
    ) {
        self.releases = releases
        self.modelIdentifierByBoardID = modelIdentifierByBoardID
        var inverse: [String: [String]] = [:]
        for (board, model) in modelIdentifierByBoardID { inverse[model, default: []].append(board) }
        let boardsByModel = inverse.mapValues { $0.sorted() }
        self.boardIDsByModelIdentifier = boardsByModel
        self.approvalPolicy = approvalPolicy
        self.approval = Self.approvalTable(releases, policy: approvalPolicy)

        // Hardware slots: every board named anywhere, then every model identifier.
        var boardSlots: [String: Int] = [:]
        for board in Set(releases.flatMap(\.supportedBoardIDs)).union(modelIdentifierByBoardID.keys).sorted() {
            boardSlots[board] = boardSlots.count
        }
        var modelSlots: [String: Int] = [:]
        for model in boardsByModel.keys.sorted() { modelSlots[model] = boardSlots.count + modelSlots.count }
        let slotCount = boardSlots.count + modelSlots.count
        var boardsOfSlot = [[String]](repeating: [], count: slotCount)
        for (board, slot) in boardSlots { boardsOfSlot[slot] = [board] }
        for (model, slot) in modelSlots { boardsOfSlot[slot] = boardsByModel[model] ?? [] }

        var byMajor: [Int: [Int]] = [:]
        var bsi: [OSBuild: [Int]] = [:]
        var ids: [String: Int] = [:]
        for (index, release) in releases.enumerated() {
            if ids[release.id] == nil { ids[release.id] = index }
            switch release.kind {
            case .update: byMajor[release.major, default: []].append(index)
            case .backgroundSecurityImprovement(_, let prerequisite): bsi[prerequisite, default: []].append(index)
            }
        }
        var majors: [Int: MajorIndex] = [:]
        for (major, indices) in byMajor {
            let sorted = indices.sorted { Self.precedes(releases[$0], releases[$1]) }
            var bySlot = [[Int]](repeating: [], count: slotCount)
            var unrestricted: [Int] = []
            for index in sorted {
                let boards = releases[index].supportedBoardIDs
                if boards.isEmpty { unrestricted.append(index) }
                for slot in 0..<slotCount
                where boards.isEmpty || boardsOfSlot[slot].contains(where: { boards.contains($0) }) {
                    bySlot[slot].append(index)
                }
            }
            majors[major] = MajorIndex(all: sorted, bySlot: bySlot, unrestricted: unrestricted)
        }
        self.updatesByMajor = majors
        self.sortedMajors = majors.keys.sorted()
        self.slotByBoardID = boardSlots
        self.slotByModelIdentifier = modelSlots
        self.bsiByPrerequisiteBuild = bsi.mapValues { list in
            list.sorted { (releases[$0].build ?? OSBuild(unchecked: "")) < (releases[$1].build ?? OSBuild(unchecked: "")) }
        }
        self.indexByID = ids
    }

    /// The catalog order inside a major: version, then device-specific before universal, then build.
    private static func precedes(_ lhs: Release, _ rhs: Release) -> Bool {
        if lhs.version != rhs.version { return lhs.version < rhs.version }
        if lhs.isDeviceSpecific != rhs.isDeviceSpecific { return lhs.isDeviceSpecific }
        switch (lhs.build, rhs.build) {
        case (let left?, let right?): return left < right
        case (nil, _?): return true
        default: return false
        }
    }

    private static func approvalTable(_ releases: [Release], policy: ReleaseApprovalPolicy) -> [ApprovalSlot] {
        releases.map { release in
            let approvedFrom: Int =
                switch policy.overrides.isEmpty ? nil : policy.overrides[release.id] {
                case .approved: Int.min
                case .held, .revoked: Int.max
                case nil: policy.automaticApprovalDate(of: release).daysSinceEpoch
                }
            return ApprovalSlot(
                approvedFromDay: approvedFrom, installableUntilDay: release.expirationDate?.daysSinceEpoch ?? Int.max)
        }
    }

    /// The UTC day number (days since 1970-01-01) containing `now`.
    @inline(__always)
    private static func day(of now: Date) -> Int {
        Int((now.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    /// The hardware slot of `hardware`: its board ID when the catalog knows it, else its model.
    @inline(__always)
    private func slot(of hardware: MacHardware) -> Int? {
        if let board = hardware.boardID, let slot = slotByBoardID[board] { return slot }
        if let model = hardware.modelIdentifier, let slot = slotByModelIdentifier[model] { return slot }
        return nil
    }

    /// The ascending update indices of `major` that install on `hardware`.
    @inline(__always)
    private func updateIndices(major: Int, for hardware: MacHardware) -> [Int] {
        guard let index = updatesByMajor[major] else { return [] }
        guard let slot = slot(of: hardware) else { return index.unrestricted }
        return index.bySlot[slot]
    }

    @inline(__always)
    private func isApproved(index: Int, day: Int) -> Bool { approval[index].approvedFromDay <= day }

    @inline(__always)
    private func isInstallable(index: Int, day: Int) -> Bool { day <= approval[index].installableUntilDay }

    // MARK: - Catalog facts

    /// Majors present in the catalog, ascending.
    public var majors: [Int] { sortedMajors }

    /// The model identifier of a board ID (`J504AP` → `Mac15,3`), from the device map.
    public func modelIdentifier(forBoardID boardID: String) -> String? { modelIdentifierByBoardID[boardID] }

    /// The board IDs of a model identifier (`Mac15,3` → `["J504AP"]`), sorted; empty when unknown.
    public func boardIDs(forModelIdentifier modelIdentifier: String) -> [String] {
        boardIDsByModelIdentifier[modelIdentifier] ?? []
    }

    /// `hardware` with whichever of board ID and model identifier it lacks filled in from the device
    /// map (a model with several boards keeps `boardID == nil`).
    public func resolved(_ hardware: MacHardware) -> MacHardware {
        var result = hardware
        if result.modelIdentifier == nil, let board = hardware.boardID {
            result.modelIdentifier = modelIdentifierByBoardID[board]
        }
        if result.boardID == nil, let model = hardware.modelIdentifier, let boards = boardIDsByModelIdentifier[model],
            boards.count == 1
        {
            result.boardID = boards[0]
        }
        return result
    }

    /// Whether the catalog recognises `hardware` (its board ID or model identifier appears in a
    /// release's board list or in the device map).
    public func knows(_ hardware: MacHardware) -> Bool { slot(of: hardware) != nil }

    /// The release with this `Release.id`, if any.
    public func release(id: String) -> Release? { indexByID[id].map { releases[$0] } }

    /// Every update of `major` (not BSIs), in catalog order: ascending by version.
    public func updates(major: Int) -> [Release] { (updatesByMajor[major]?.all ?? []).map { releases[$0] } }

    /// Every update of `major` that installs on `hardware`, ascending, whatever its approval.
    public func updates(major: Int, for hardware: MacHardware) -> [Release] {
        updateIndices(major: major, for: hardware).map { releases[$0] }
    }

    /// The updates (not BSIs) with this version, in catalog order (several builds are possible).
    public func updates(version: OSVersion) -> [Release] {
        (updatesByMajor[version.major]?.all ?? []).lazy.filter { releases[$0].version == version }.map { releases[$0] }
    }

    /// The release (update or BSI) with this build, if any.
    public func release(build: OSBuild) -> Release? { releases.first { $0.build == build } }

    /// Every BSI that installs on `baseBuild`, ascending by build, whatever its approval.
    public func backgroundSecurityImprovements(forBaseBuild baseBuild: OSBuild) -> [Release] {
        (bsiByPrerequisiteBuild[baseBuild] ?? []).map { releases[$0] }
    }

    // MARK: - Queries

    /// Whether `release` can still be installed at `now` (not past its expiration date, UTC).
    public func isInstallable(_ release: Release, at now: Date) -> Bool {
        guard let expiration = release.expirationDate else { return true }
        return Self.day(of: now) <= expiration.daysSinceEpoch
    }

    /// Whether `release` is approved at `now`.
    public func isApproved(_ release: Release, at now: Date) -> Bool {
        approvalPolicy.isApproved(release, on: CivilDate(utcDayOf: now))
    }

    /// Where `release` stands in approval at `now` (approved, pending its hold, held, revoked).
    public func approvalState(of release: Release, at now: Date) -> ReleaseApprovalState {
        approvalPolicy.approvalState(of: release, on: CivilDate(utcDayOf: now))
    }

    /// Whether `release` installs on `hardware`. A release with no device list supports every Mac;
    /// a board ID the catalog knows decides; otherwise the model identifier is matched through the
    /// device map.
    public func supports(_ release: Release, hardware: MacHardware) -> Bool {
        if release.supportedBoardIDs.isEmpty { return true }
        if let board = hardware.boardID, slotByBoardID[board] != nil || hardware.modelIdentifier == nil {
            return release.supportedBoardIDs.contains(board)
        }
        if let model = hardware.modelIdentifier, let boards = boardIDsByModelIdentifier[model] {
            return boards.contains { release.supportedBoardIDs.contains($0) }
        }
        return false
    }

    /// Approved updates of `major` for `hardware`, ascending by version, including expired ones
    /// (an expired release can still set a floor; it is never a target).
    public func approvedUpdates(major: Int, for hardware: MacHardware, at now: Date) -> [Release] {
        let day = Self.day(of: now)
        let indices = updateIndices(major: major, for: hardware)
        var result: [Release] = []
        result.reserveCapacity(indices.count)
        for index in indices where isApproved(index: index, day: day) { result.append(releases[index]) }
        return result
    }

    /// The newest approved, installable update of `major` for `hardware`: what such a Mac installs.
    public func latestApproved(major: Int, for hardware: MacHardware, at now: Date) -> Release? {
        let day = Self.day(of: now)
        for index in updateIndices(major: major, for: hardware).reversed()
        where isApproved(index: index, day: day) && isInstallable(index: index, day: day) {
            return releases[index]
        }
        return nil
    }

    /// Approved updates of `major` newer than `version` for `hardware`, ascending (expired included).
    public func approvedUpdates(major: Int, newerThan version: OSVersion, for hardware: MacHardware, at now: Date)
        -> [Release]
    {
        let day = Self.day(of: now)
        let indices = updateIndices(major: major, for: hardware)
        // Binary search for the first update newer than `version` (the list is sorted by version).
        var low = 0
        var high = indices.count
        while low < high {
            let middle = (low + high) / 2
            if releases[indices[middle]].version > version { high = middle } else { low = middle + 1 }
        }
        var result: [Release] = []
        for index in indices[low...] where isApproved(index: index, day: day) { result.append(releases[index]) }
        return result
    }

    /// The approved, installable BSI for a Mac on `baseBuild`, if any (the newest one).
    public func backgroundSecurityImprovement(forBaseBuild baseBuild: OSBuild, for hardware: MacHardware, at now: Date)
        -> Release?
    {
        guard let indices = bsiByPrerequisiteBuild[baseBuild] else { return nil }
        let day = Self.day(of: now)
        for index in indices.reversed()
        where isApproved(index: index, day: day) && isInstallable(index: index, day: day)
            && supports(releases[index], hardware: hardware)
        {
            return releases[index]
        }
        return nil
    }

    /// Majors with at least one update that installs on `hardware`.
    public func supportedMajors(for hardware: MacHardware) -> Set<Int> {
        var result = Set<Int>()
        for major in sortedMajors where !updateIndices(major: major, for: hardware).isEmpty { result.insert(major) }
        return result
    }

    /// Whether some update of `major` installs on `hardware`.
    public func supports(major: Int, hardware: MacHardware) -> Bool {
        !updateIndices(major: major, for: hardware).isEmpty
    }
}
