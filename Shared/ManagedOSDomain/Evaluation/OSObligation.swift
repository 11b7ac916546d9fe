// OSObligation: one thing a Mac must install by a deadline, and why; DeclaredEnforcement: what is sent.

import Foundation

/// Which zone a plan's local deadlines were compared in (DOMAIN.md §5).
public struct PlanTimeZone: Sendable, Hashable, Codable {
    /// Where the zone came from.
    public enum Source: String, Sendable, Hashable, Codable {
        /// The Mac's own zone (registered or learned from the Mac).
        case mac
        /// The source item's enforcement zone (Mac zone unknown, or a legacy Mac).
        case item
    }

    /// IANA identifier.
    public var identifier: String
    /// Where it came from.
    public var source: Source

    /// Creates a value from its parts.
    public init(identifier: String, source: Source) {
        self.identifier = identifier
        self.source = source
    }
}

/// One obligation of a Mac: a target to install by a deadline (DOMAIN.md §5).
public struct OSObligation: Sendable, Hashable, Codable {
    /// Why the Mac must install.
    public enum Reason: String, Sendable, Hashable, Codable {
        /// An update inside the Mac's major (update item).
        case update
        /// An upgrade to a higher major (continuous item).
        case upgrade
        /// A Background Security Improvement on the Mac's current version.
        case backgroundSecurityImprovement
        /// A Self Service upgrade the Mac's user requested.
        case selfService
    }

    /// Why.
    public var reason: Reason
    /// The item that creates the obligation.
    public var sourceItemID: UUID
    /// The major of the target.
    public var major: Int
    /// Full target version (`15.7.2`): the latest approved installable release for the hardware.
    public var targetVersion: OSVersion
    /// Target build, when the catalog names it (for a BSI: the supplemental build).
    public var targetBuild: OSBuild?
    /// BSI extra version (`(a)`), for BSI obligations.
    public var targetExtraVersion: String?
    /// The floor now: automatic floor(now), or the manual minimum; nil when no floor applies yet.
    public var floor: OSVersion?
    /// Version of the release whose due date set the deadline (automatic/BSI); nil for manual/Self Service.
    public var dueRelease: OSVersion?
    /// Release date of that release.
    public var dueReleaseDate: CivilDate?
    /// The obligation's own deadline, local wall-clock time (for an overdue obligation it is in the past).
    public var deadline: LocalDateTime
    /// `deadline` as an instant in `timeZone`.
    public var deadlineInstant: Date
    /// Whether the deadline has passed (the Mac is below the floor now).
    public var isOverdue: Bool
    /// The zone `deadline` is read in.
    public var timeZone: PlanTimeZone

    /// Creates a value from its parts.
    public init(
        reason: Reason, sourceItemID: UUID, major: Int, targetVersion: OSVersion, targetBuild: OSBuild?,
        targetExtraVersion: String? = nil, floor: OSVersion?, dueRelease: OSVersion?, dueReleaseDate: CivilDate?,
        deadline: LocalDateTime, deadlineInstant: Date, isOverdue: Bool, timeZone: PlanTimeZone
    ) {
        self.reason = reason
        self.sourceItemID = sourceItemID
        self.major = major
        self.targetVersion = targetVersion
        self.targetBuild = targetBuild
        self.targetExtraVersion = targetExtraVersion
        self.floor = floor
        self.dueRelease = dueRelease
        self.dueReleaseDate = dueReleaseDate
        self.deadline = deadline
        self.deadlineInstant = deadlineInstant
        self.isOverdue = isOverdue
        self.timeZone = timeZone
    }

    /// The DDM `TargetLocalDateTime` text of `deadline`.
    public var targetLocalDateTime: String { deadline.targetLocalDateTime }
}

/// What is sent to the Mac for one obligation: under DDM a `softwareupdate.enforcement.specific`
/// configuration, on legacy Macs the instant at which the server sends the install command.
public struct DeclaredEnforcement: Sendable, Hashable, Codable {
    /// How the enforcement reaches the Mac.
    public enum Channel: String, Sendable, Hashable, Codable {
        /// DDM `softwareupdate.enforcement.specific` (macOS 14+).
        case declarative
        /// Legacy `ScheduleOSUpdate` commands (macOS 13 and earlier).
        case legacyCommands
    }

    /// The obligation declared.
    public var obligation: OSObligation
    /// `TargetOSVersion`: full version (`15.7.2`).
    public var targetVersion: OSVersion
    /// `TargetBuildVersion`, when known (for a BSI the supplemental build, which pins the BSI).
    public var targetBuild: OSBuild?
    /// The declared deadline: the obligation's, or now when overdue.
    public var deadline: LocalDateTime
    /// The declared deadline as an instant (for legacy Macs: when to send the install command).
    public var deadlineInstant: Date
    /// `DetailsURL` from the item.
    public var detailsURL: String?
    /// How it is sent.
    public var channel: Channel

    /// Creates a value from its parts.
    public init(
        obligation: OSObligation, targetVersion: OSVersion, targetBuild: OSBuild?, deadline: LocalDateTime,
        deadlineInstant: Date, detailsURL: String?, channel: Channel
    ) {
        self.obligation = obligation
        self.targetVersion = targetVersion
        self.targetBuild = targetBuild
        self.deadline = deadline
        self.deadlineInstant = deadlineInstant
        self.detailsURL = detailsURL
        self.channel = channel
    }

    /// `TargetLocalDateTime`: `yyyy-MM-ddTHH:mm:ss`, no zone.
    public var targetLocalDateTime: String { deadline.targetLocalDateTime }
}
