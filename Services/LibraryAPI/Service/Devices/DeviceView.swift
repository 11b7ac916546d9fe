// DeviceView: a registered Mac as the API returns it.

import Foundation
import HTTPTypes

/// A registered Mac (never its Self Service credential, which is only returned once at registration).
struct DeviceView: Codable, Sendable, Equatable {
    var id: UUID
    var enrollmentId: String
    var serialNumber: String?
    var modelIdentifier: String?
    var boardId: String?
    var blueprintId: UUID?
    var tags: [String]
    var timeZone: String?
    var assignedUser: String?
    var registeredAt: Date
    var updatedAt: Date
    /// The OS version the Mac last reported (listings only).
    var osVersion: String? = nil
    /// The Mac's overall compliance from its plan, `unknown` without one (listings only).
    var compliance: String? = nil
}

/// The answer to a registration: the Mac and its Self Service credential, shown this once.
struct DeviceRegistrationResponse: Encodable, Sendable {
    var device: DeviceView
    var selfServiceCredential: String
}
