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
        // A `memchr`/`memcmp` search over the contiguous UTF-8: Foundation's `replacingOccurrences` and the generic
        // `firstRange(of:)` were a fifth of the scheduler's own time, and this runs once per Mac.
        var template = plist
        let old = self.commandUUID.uuidString, new = commandUUID.uuidString
        let plist = template.withUTF8 { bytes -> String in
            guard let offset = Self.offset(of: old, in: bytes) else { return String(decoding: bytes, as: UTF8.self) }
            let suffix = UnsafeBufferPointer(rebasing: bytes[(offset + old.utf8.count)...])
            return String(unsafeUninitializedCapacity: offset + new.utf8.count + suffix.count) { output in
                var position = output.initialize(from: UnsafeBufferPointer(rebasing: bytes[..<offset])).1
                position =
                    UnsafeMutableBufferPointer(rebasing: output[position...]).initialize(from: new.utf8).1
                    + position
                return UnsafeMutableBufferPointer(rebasing: output[position...]).initialize(from: suffix).1 + position
            }
        }
        return MDMCommand(requestType: requestType, commandUUID: commandUUID, plist: plist)
    }

    /// Where `needle` (non-empty) first occurs in `bytes`: `memchr` for its first byte, `memcmp` for the rest.
    private static func offset(of needle: String, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let pattern = Array(needle.utf8)
        guard let base = bytes.baseAddress, let first = pattern.first else { return nil }
        var start = 0
        while start + pattern.count <= bytes.count,
            let hit = memchr(base + start, Int32(first), bytes.count - start - pattern.count + 1)
        {
            let offset = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if memcmp(hit, pattern, pattern.count) == 0 { return offset }
            start = offset + 1
        }
        return nil
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
