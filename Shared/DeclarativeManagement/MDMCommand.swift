// MDMCommand: MDM command plists the product sends through the MDM server (DeclarativeManagement, ScheduleOSUpdate).

import Foundation

/// One MDM command, ready for an MDM server's enqueue API: its request type, UUID and plist XML.
public struct MDMCommand: Sendable, Hashable {
    /// `RequestType` (`DeclarativeManagement`, `ScheduleOSUpdate`).
    public var requestType: String
    /// `CommandUUID`.
    public var commandUUID: UUID
    /// The command as an XML property list.
    public var plist: String

    /// Creates a value from its parts.
    public init(requestType: String, commandUUID: UUID, plist: String) {
        self.requestType = requestType
        self.commandUUID = commandUUID
        self.plist = plist
    }

    /// A `DeclarativeManagement` command whose `Data` is `tokensJSON` (a TokensResponse), so the Mac can
    /// compare tokens without calling `tokens` first.
    public static func declarativeManagement(tokensJSON: String, commandUUID: UUID) -> MDMCommand {
        make(
            requestType: "DeclarativeManagement", commandUUID: commandUUID,
            fields: ["Data": Data(tokensJSON.utf8)])
    }

    /// The same command under another `CommandUUID`, the plist's only per-command value, without serialising
    /// it again (a fleet-wide change queues thousands of commands with equal content).
    public func reissued(as commandUUID: UUID) -> MDMCommand {
        MDMCommand(
            requestType: requestType, commandUUID: commandUUID,
            plist: UTF8Replacement.replacing(self.commandUUID.uuidString, with: commandUUID.uuidString, in: plist))
    }

    /// A legacy `ScheduleOSUpdate` command for one update by `productVersion` (macOS 12+) or `productKey`.
    public static func scheduleOSUpdate(
        productVersion: String?, productKey: String? = nil, installAction: String, commandUUID: UUID
    ) -> MDMCommand {
        var update: [String: Any] = ["InstallAction": installAction]
        if let productVersion { update["ProductVersion"] = productVersion }
        if let productKey { update["ProductKey"] = productKey }
        return make(requestType: "ScheduleOSUpdate", commandUUID: commandUUID, fields: ["Updates": [update]])
    }

    /// Serialises `{Command: {RequestType, fields…}, CommandUUID}` as XML.
    static func make(requestType: String, commandUUID: UUID, fields: [String: Any]) -> MDMCommand {
        var command = fields
        command["RequestType"] = requestType
        let root: [String: Any] = ["Command": command, "CommandUUID": commandUUID.uuidString]
        guard
            let data = try? PropertyListSerialization.data(fromPropertyList: root, format: .xml, options: 0)
        else { preconditionFailure("command plist with strings, data and arrays is always serialisable") }
        return MDMCommand(
            requestType: requestType, commandUUID: commandUUID, plist: String(decoding: data, as: UTF8.self))
    }
}
