// FleetMacRecord: one registered Mac as the scheduler, previews and Self Service read it.

import Foundation
import ManagedOSDomain

/// One registered Mac: inventory from `devices`, and its evaluable state once it has reported its OS.
public struct FleetMacRecord: Sendable, Hashable {
    /// `devices.id`.
    public var deviceID: UUID
    /// The MDM enrollment id (`X-Enrollment-ID`).
    public var enrollmentID: String
    /// The Mac's blueprint, if any.
    public var blueprintID: UUID?
    /// Registered or first seen.
    public var registeredAt: Date
    /// What assignment-map conditions match on.
    public var attributes: MacAttributes
    /// The evaluable state; nil until the Mac has reported a parseable OS version.
    public var state: MacState?
    /// The declaration types and versions the Mac reported in `management.client-capabilities`
    /// (the status item's JSON value), nil when never reported.
    public var clientCapabilitiesJSON: String?

    /// Creates a value from its parts.
    public init(
        deviceID: UUID, enrollmentID: String, blueprintID: UUID?, registeredAt: Date, attributes: MacAttributes,
        state: MacState?, clientCapabilitiesJSON: String?
    ) {
        self.deviceID = deviceID
        self.enrollmentID = enrollmentID
        self.blueprintID = blueprintID
        self.registeredAt = registeredAt
        self.attributes = attributes
        self.state = state
        self.clientCapabilitiesJSON = clientCapabilitiesJSON
    }

    /// The Mac as save warnings see it; nil before it has reported its OS.
    public var fleetMac: FleetMac? { state.map { FleetMac(version: $0.osVersion, hardware: $0.hardware) } }
}
