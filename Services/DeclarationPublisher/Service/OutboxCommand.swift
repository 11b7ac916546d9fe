// OutboxCommand: one claimed row of `command_outbox`, on its way to the MDM server.

import Foundation

/// A command claimed for delivery.
public struct OutboxCommand: Sendable, Hashable {
    /// `command_outbox.id`.
    public var id: Int64
    /// The Mac.
    public var deviceID: UUID
    /// Its enrollment id at the MDM server.
    public var enrollmentID: String
    /// `CommandUUID`.
    public var commandUUID: UUID
    /// `RequestType`.
    public var requestType: String
    /// The command plist (a `DeclarativeManagement` command is rendered when claimed).
    public var payload: String
    /// Attempts including this one.
    public var attempts: Int
    /// `command_outbox.revision` as claimed: a change coalesced into the command meanwhile moves it, which
    /// tells delivery to send it again.
    public var revision: Int
}
