// FleetMember: one Mac of a generated demo fleet, as it is registered and as it starts.

import Foundation
import ManagedOSDomain

/// A Mac's registration attributes and the OS it starts on.
public struct FleetMember: Sendable, Hashable {
    public var enrollmentID: String
    public var serialNumber: String
    public var modelIdentifier: String
    public var boardID: String?
    public var timeZone: String
    public var osVersion: OSVersion
    public var buildVersion: String
    /// Which of the seeded blueprints the Mac is registered on (0-based, `index % blueprintCount`).
    public var blueprintSlot: Int
    public var tags: [String]

    /// Creates a value from its parts.
    public init(
        enrollmentID: String, serialNumber: String, modelIdentifier: String, boardID: String?, timeZone: String,
        osVersion: OSVersion, buildVersion: String, blueprintSlot: Int, tags: [String]
    ) {
        self.enrollmentID = enrollmentID
        self.serialNumber = serialNumber
        self.modelIdentifier = modelIdentifier
        self.boardID = boardID
        self.timeZone = timeZone
        self.osVersion = osVersion
        self.buildVersion = buildVersion
        self.blueprintSlot = blueprintSlot
        self.tags = tags
    }
}
