// DeclarationSetStore+Batch: the scheduler's batched form of `replace` — a whole evaluation batch of
// declaration sets in a handful of statements, publishing nothing (the caller publishes once, last).

import Database
import DeclarativeManagement
import Foundation

extension DeclarationSetStore {
    /// One Mac's freshly built declaration set.
    public struct Replacement: Sendable {
        public var deviceID: UUID
        public var enrollmentID: String
        public var set: DeclarationSet

        public init(deviceID: UUID, enrollmentID: String, set: DeclarationSet) {
            self.deviceID = deviceID
            self.enrollmentID = enrollmentID
            self.set = set
        }
    }

    /// Like `replace` for many Macs at once, in the caller's transaction: stores every set whose token
    /// differs from the stored one and queues (or refreshes) each changed Mac's coalesced
    /// `DeclarativeManagement` command. It publishes **no** event, so the caller can publish its `plan` and
    /// `command` events once, as the last step of its transaction (publishing holds the bus order lock
    /// until commit). Returns the ids of the Macs whose set changed.
    public static func replaceChanged(_ replacements: [Replacement], on connection: DatabaseConnection) throws -> [UUID] {
        guard !replacements.isEmpty else { return [] }
        var stored: [UUID: (token: String, updatedAt: Date)] = [:]
        for row in try connection.query(
            """
            SELECT device_id, declarations_token, updated_at FROM declaration_sets
            WHERE device_id = ANY($1::uuid[]) ORDER BY device_id FOR UPDATE
            """, [replacements.map(\.deviceID)]
        ).rows {
            stored[try row.decode("device_id")] = (try row.decode("declarations_token"), try row.decode("updated_at"))
        }
        let changed = replacements.filter { stored[$0.deviceID]?.token != $0.set.declarationsToken }
        guard !changed.isEmpty else { return [] }

        var changedAt: [Date] = []
        var commands: [MDMCommand] = []
        for replacement in changed {
            var instant = Date(timeIntervalSince1970: replacement.set.changedAt.timeIntervalSince1970.rounded(.down))
            if let previous = stored[replacement.deviceID]?.updatedAt, instant <= previous {
                instant = Date(timeIntervalSince1970: previous.timeIntervalSince1970.rounded(.down) + 1)
            }
            changedAt.append(instant)
            commands.append(
                MDMCommand.declarativeManagement(
                    tokensJSON: DeclarationSet.tokensJSON(
                        declarationsToken: replacement.set.declarationsToken, timestamp: instant),
                    commandUUID: UUID()))
        }
        let ids = changed.map(\.deviceID)
        try connection.execute(
            """
            INSERT INTO declaration_sets (device_id, declarations_token, manifest, updated_at)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[])
            ON CONFLICT (device_id) DO UPDATE
            SET declarations_token = EXCLUDED.declarations_token, manifest = EXCLUDED.manifest,
                updated_at = EXCLUDED.updated_at
            """, [ids, changed.map(\.set.declarationsToken), changed.map(\.set.manifestJSON), changedAt])
        try connection.execute("DELETE FROM declarations WHERE device_id = ANY($1::uuid[])", [ids])
        var owners: [UUID] = [], kinds: [String] = [], identifiers: [String] = [], tokens: [String] = []
        var bodies: [String] = []
        for replacement in changed {
            for declaration in replacement.set.declarations {
                owners.append(replacement.deviceID)
                kinds.append(declaration.kind.rawValue)
                identifiers.append(declaration.identifier)
                tokens.append(declaration.serverToken)
                bodies.append(declaration.body)
            }
        }
        if !owners.isEmpty {
            try connection.execute(
                """
                INSERT INTO declarations (device_id, kind, identifier, server_token, body)
                SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])
                """, [owners, kinds, identifiers, tokens, bodies])
        }
        try connection.execute(
            """
            INSERT INTO command_outbox (device_id, enrollment_id, command_uuid, request_type, payload, coalesce_key)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[])
            ON CONFLICT (coalesce_key) WHERE state = 'queued' AND coalesce_key IS NOT NULL DO UPDATE
            SET payload = EXCLUDED.payload, command_uuid = EXCLUDED.command_uuid,
                enrollment_id = EXCLUDED.enrollment_id, updated_at = clock_timestamp()
            """,
            [ids, changed.map(\.enrollmentID), commands.map(\.commandUUID), commands.map(\.requestType),
             commands.map(\.plist), ids.map { coalesceKey(deviceID: $0) }])
        return ids
    }
}
