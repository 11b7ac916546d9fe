// MDMWebhookEvent: one event NanoMDM's `-webhook-url` posts (its MicroMDM-compatible webhook JSON).

import Foundation

/// A NanoMDM webhook event: `{"topic", "created_at", "acknowledge_event"?, "checkin_event"?, …}`.
///
/// Only command results matter here: topic `mdm.Connect` with an `acknowledge_event` carrying the device's
/// `udid` and/or `enrollment_id`, `command_uuid`, `status` (`Acknowledged`, `Error`, `CommandFormatError`,
/// `NotNow`, or `Idle` when the Mac only asks for the next command) and `raw_payload` (base64 of the
/// result plist). Decoding is strict about what it reads (types, required keys, base64); keys it does not
/// read (`event_id`, `url_params`, `checkin_event`'s fields) are allowed, so newer NanoMDM versions still work.
public struct MDMWebhookEvent: Sendable, Equatable, Decodable {
    /// The command result part of an `mdm.Connect` event.
    public struct Acknowledgement: Sendable, Equatable, Decodable {
        /// The statuses a command result can carry.
        public static let statuses: Set<String> = ["Acknowledged", "Error", "CommandFormatError", "NotNow", "Idle"]

        /// `status`.
        public var status: String
        /// `command_uuid`; absent or empty for `Idle`.
        public var commandUUID: String?
        /// `udid` (device channel).
        public var udid: String?
        /// `enrollment_id` (User Enrollment).
        public var enrollmentID: String?
        /// The decoded `raw_payload`: the result plist as the Mac sent it.
        public var rawPayload: Data

        enum CodingKeys: String, CodingKey {
            case status
            case commandUUID = "command_uuid"
            case udid
            case enrollmentID = "enrollment_id"
            case rawPayload = "raw_payload"
        }

        /// Creates a value from its parts.
        public init(status: String, commandUUID: String?, udid: String?, enrollmentID: String?, rawPayload: Data) {
            self.status = status
            self.commandUUID = commandUUID
            self.udid = udid
            self.enrollmentID = enrollmentID
            self.rawPayload = rawPayload
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            status = try container.decode(String.self, forKey: .status)
            guard Self.statuses.contains(status) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .status, in: container, debugDescription: "unknown command status")
            }
            commandUUID = try container.decodeIfPresent(String.self, forKey: .commandUUID)
            udid = try container.decodeIfPresent(String.self, forKey: .udid)
            enrollmentID = try container.decodeIfPresent(String.self, forKey: .enrollmentID)
            let base64 = try container.decode(String.self, forKey: .rawPayload)
            guard let data = Data(base64Encoded: base64) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .rawPayload, in: container, debugDescription: "raw_payload is not base64")
            }
            rawPayload = data
        }

        /// The enrollment id NanoMDM uses for the Mac (`enrollment_id`, else `udid`), as registered in `devices`.
        public var enrollment: String? {
            if let enrollmentID, !enrollmentID.isEmpty { return enrollmentID }
            if let udid, !udid.isEmpty { return udid }
            return nil
        }

        /// `command_uuid` as a UUID; nil when absent, empty or not a UUID (a command some other tool made).
        public var commandID: UUID? { commandUUID.flatMap(UUID.init(uuidString:)) }
    }

    /// `topic` (`mdm.Connect`, `mdm.Authenticate`, …).
    public var topic: String
    /// `acknowledge_event`, for `mdm.Connect`.
    public var acknowledgement: Acknowledgement?

    enum CodingKeys: String, CodingKey {
        case topic
        case acknowledgement = "acknowledge_event"
    }

    /// Creates a value from its parts.
    public init(topic: String, acknowledgement: Acknowledgement?) {
        self.topic = topic
        self.acknowledgement = acknowledgement
    }

    /// Decodes an event from the request body; throws on anything that is not a well-formed event.
    public static func decode(_ body: Data) throws -> MDMWebhookEvent {
        try JSONDecoder().decode(MDMWebhookEvent.self, from: body)
    }
}
