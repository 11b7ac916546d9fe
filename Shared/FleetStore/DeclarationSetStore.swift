// DeclarationSetStore: writes each Mac's DDM declaration set (and the sync command it needs) and reads it back.

import Database
import DeclarativeManagement
import EventBus
import Foundation

/// The `declaration_sets` table (one row per Mac: which content it holds, since when), the shared
/// `declaration_contents` / `declaration_content_items` (each distinct set's manifest and bodies, stored once;
/// migration 0014) and the `DeclarativeManagement` commands queued in `command_outbox` when a set changes.
///
/// Contract for writers (the scheduler): after evaluating a Mac, build its set with `DeclarationSetBuilder`
/// and call `replace` on the same transaction as the plan write. `replace` is a no-op (returns false, writes
/// and publishes nothing) when the Mac's stored `DeclarationsToken` already equals the set's, so calling it
/// after every evaluation is cheap and never re-pushes an unchanged set.
public enum DeclarationSetStore {
    /// Stores `set` as the Mac's declaration set when its token differs from the stored one. In the same
    /// transaction it queues one `DeclarativeManagement` command (coalesced per Mac: while one is still
    /// queued, its revision is bumped instead of adding another; it is rendered with the latest tokens when it
    /// is delivered, see `synchronizationCommand`) and publishes a
    /// `plan` event (entity: device id, payload `{"declarationsToken": …}`) and a `command` event.
    ///
    /// The stored change instant (the `tokens` Timestamp) is `set.changedAt` truncated to the second, moved
    /// one second past the previous one if it is not later, so the Timestamp grows with every change.
    ///
    /// Runs in the caller's transaction when there is one, else in its own. Returns whether it wrote.
    @discardableResult
    public static func replace(
        deviceID: UUID, enrollmentID: String, set: DeclarationSet, on connection: DatabaseConnection
    ) throws -> Bool {
        if connection.isInTransaction {
            return try write(deviceID: deviceID, enrollmentID: enrollmentID, set: set, on: connection)
        }
        return try connection.withTransaction {
            try write(deviceID: deviceID, enrollmentID: enrollmentID, set: set, on: $0)
        }
    }

    private static func write(
        deviceID: UUID, enrollmentID: String, set: DeclarationSet, on connection: DatabaseConnection
    ) throws -> Bool {
        let changed = try replaceChanged(
            [Replacement(deviceID: deviceID, enrollmentID: enrollmentID, set: set)], on: connection)
        guard !changed.isEmpty else { return false }
        try BusPublisher.publish(
            [
                BusEventDraft(
                    topic: BusTopic.plan, entity: deviceID.postgresText,
                    payload: try PostgresJSON(encoding: ["declarationsToken": set.declarationsToken])),
                BusEventDraft(
                    topic: BusTopic.command, entity: deviceID.postgresText,
                    payload: try PostgresJSON(encoding: ["requestType": "DeclarativeManagement"])),
            ], on: connection)
        return true
    }

    /// The outbox `coalesce_key` of a Mac's DeclarativeManagement command: `dm:<device id>`.
    public static func coalesceKey(deviceID: UUID) -> String { "dm:\(deviceID.postgresText)" }

    /// The `DeclarativeManagement` command for a Mac, rendered when it is delivered (queued rows keep no
    /// payload, migration 0019): its `Data` is the `tokens` body the publisher serves the Mac at that moment —
    /// the stored set's token and change instant, or, for a Mac without a set, the empty set stamped with its
    /// registration instant (as `load` serves it).
    public static func synchronizationCommand(
        declarationsToken: String?, changedAt: Date?, registeredAt: Date, commandUUID: UUID
    ) -> MDMCommand {
        let tokensJSON: String
        if let declarationsToken, let changedAt {
            tokensJSON = DeclarationSet.tokensJSON(declarationsToken: declarationsToken, timestamp: changedAt)
        } else {
            let empty = emptySet(registeredAt: registeredAt)
            tokensJSON = empty.tokensJSON(timestamp: empty.changedAt)
        }
        return MDMCommand.declarativeManagement(tokensJSON: tokensJSON, commandUUID: commandUUID)
    }

    /// What a Mac without a stored set holds: the empty set, stamped with its registration instant (to the
    /// second).
    static func emptySet(registeredAt: Date) -> DeclarationSet {
        DeclarationSet(
            declarations: [], changedAt: Date(timeIntervalSince1970: registeredAt.timeIntervalSince1970.rounded(.down)))
    }

    /// Deletes the Mac's set (for a Mac leaving management) and publishes a `plan` event; returns whether
    /// there was one. The Mac then reads as an empty set. No command is queued: call `replace` with an
    /// empty set instead when the Mac should be told to drop its declarations.
    @discardableResult
    public static func remove(deviceID: UUID, on connection: DatabaseConnection) throws -> Bool {
        try connection.withTransactionIfNeeded {
            let removed = try $0.execute("DELETE FROM declaration_sets WHERE device_id = $1", [deviceID]) > 0
            if removed {
                try BusPublisher.publish(
                    BusEventDraft(topic: BusTopic.plan, entity: deviceID.postgresText), on: $0)
            }
            return removed
        }
    }

    /// The stored `DeclarationsToken` of a Mac, nil when it has no set.
    public static func declarationsToken(deviceID: UUID, on connection: DatabaseConnection) throws -> String? {
        try connection.query("SELECT declarations_token FROM declaration_sets WHERE device_id = $1", [deviceID])
            .first?.decode("declarations_token")
    }

    /// What the publisher serves for `enrollmentID`: the Mac's stored set, an empty set stamped with its
    /// registration instant when it has none yet, or nil when no Mac has this enrollment id. One statement,
    /// so the manifest and the bodies always come from the same committed version of the set.
    public static func load(enrollmentID: String, on connection: DatabaseConnection) throws -> StoredDeclarationSet? {
        let rows = try connection.query(
            """
            SELECT d.id, d.registered_at, s.declarations_token, c.manifest, s.updated_at, x.kind, x.identifier, x.body
            FROM devices d
            LEFT JOIN declaration_sets s ON s.device_id = d.id
            LEFT JOIN declaration_contents c ON c.declarations_token = s.declarations_token
            LEFT JOIN declaration_content_items x ON x.declarations_token = s.declarations_token
            WHERE d.enrollment_id = $1
            """, [enrollmentID]
        ).rows
        guard let first = rows.first else { return nil }
        let deviceID: UUID = try first.decode("id")
        guard let token: String = try first.decodeIfPresent("declarations_token") else {
            let empty = emptySet(registeredAt: try first.decode("registered_at"))
            return StoredDeclarationSet(
                deviceID: deviceID, enrollmentID: enrollmentID, declarationsToken: empty.declarationsToken,
                manifestJSON: empty.manifestJSON, changedAt: empty.changedAt, bodies: [:])
        }
        var bodies: [StoredDeclarationSet.Key: String] = [:]
        for row in rows {
            guard let raw: String = try row.decodeIfPresent("kind"), let kind = DeclarationKind(rawValue: raw) else {
                continue
            }
            bodies[.init(kind: kind, identifier: try row.decode("identifier"))] = try row.decode("body")
        }
        return StoredDeclarationSet(
            deviceID: deviceID, enrollmentID: enrollmentID, declarationsToken: token,
            manifestJSON: try first.decode("manifest"), changedAt: try first.decode("updated_at"), bodies: bodies)
    }
}

extension DatabaseConnection {
    /// Runs `body` in the current transaction, or in a new one when there is none.
    fileprivate func withTransactionIfNeeded<T>(_ body: (DatabaseConnection) throws -> T) throws -> T {
        isInTransaction ? try body(self) : try withTransaction(body)
    }
}
