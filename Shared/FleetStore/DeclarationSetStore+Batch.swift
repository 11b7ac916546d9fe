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
    /// differs from the stored one and queues each changed Mac's coalesced `DeclarativeManagement` command
    /// (or bumps the revision of the one still queued; it is rendered when delivered). It publishes **no** event, so the caller can publish its `plan` and
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
        for replacement in changed {
            var instant = Date(timeIntervalSince1970: replacement.set.changedAt.timeIntervalSince1970.rounded(.down))
            if let previous = stored[replacement.deviceID]?.updatedAt, instant <= previous {
                instant = Date(timeIntervalSince1970: previous.timeIntervalSince1970.rounded(.down) + 1)
            }
            changedAt.append(instant)
        }
        try storeContents(of: changed.map(\.set), on: connection)
        let ids = changed.map(\.deviceID)
        try connection.execute(
            """
            INSERT INTO declaration_sets (device_id, declarations_token, updated_at)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[])
            ON CONFLICT (device_id) DO UPDATE
            SET declarations_token = EXCLUDED.declarations_token, updated_at = EXCLUDED.updated_at
            """, [ids, changed.map(\.set.declarationsToken), changedAt])
        // The command is rendered from the stored set when it is delivered (`synchronizationCommand`), so a
        // queued one only needs its revision bumped: no indexed column changes (migration 0019).
        try connection.execute(
            """
            INSERT INTO command_outbox (device_id, enrollment_id, request_type, payload, coalesce_key)
            SELECT d, e, 'DeclarativeManagement', NULL, k FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u(d, e, k)
            ON CONFLICT (coalesce_key) WHERE state = 'queued' AND coalesce_key IS NOT NULL DO UPDATE
            SET revision = command_outbox.revision + 1, payload = NULL, enrollment_id = EXCLUDED.enrollment_id,
                updated_at = clock_timestamp()
            """,
            [ids, changed.map(\.enrollmentID), ids.map { coalesceKey(deviceID: $0) }])
        return ids
    }

    /// Stores the content (manifest and bodies) of each distinct set not stored yet. Content is immutable and
    /// keyed by its DeclarationsToken, so a concurrent writer storing the same set is harmless.
    public static func storeContents(of sets: [DeclarationSet], on connection: DatabaseConnection) throws {
        var distinct: [String: DeclarationSet] = [:]
        for set in sets { distinct[set.declarationsToken] = set }
        let known = Set(
            try connection.query(
                "SELECT declarations_token FROM declaration_contents WHERE declarations_token = ANY($1::text[])",
                [Array(distinct.keys)]
            ).rows.map { try $0.decode("declarations_token", as: String.self) })
        let missing = distinct.values.filter { !known.contains($0.declarationsToken) }
            .sorted { $0.declarationsToken < $1.declarationsToken }
        guard !missing.isEmpty else { return }
        let inserted = Set(
            try connection.query(
                """
                INSERT INTO declaration_contents (declarations_token, manifest)
                SELECT * FROM unnest($1::text[], $2::text[])
                ON CONFLICT (declarations_token) DO NOTHING
                RETURNING declarations_token
                """, [missing.map(\.declarationsToken), missing.map(\.manifestJSON)]
            ).rows.map { try $0.decode("declarations_token", as: String.self) })
        var owners: [String] = [], kinds: [String] = [], identifiers: [String] = [], tokens: [String] = []
        var bodies: [String] = []
        for set in missing where inserted.contains(set.declarationsToken) {
            for declaration in set.declarations {
                owners.append(set.declarationsToken)
                kinds.append(declaration.kind.rawValue)
                identifiers.append(declaration.identifier)
                tokens.append(declaration.serverToken)
                bodies.append(declaration.body)
            }
        }
        guard !owners.isEmpty else { return }
        try connection.execute(
            """
            INSERT INTO declaration_content_items (declarations_token, kind, identifier, server_token, body)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
            """, [owners, kinds, identifiers, tokens, bodies])
    }
}
