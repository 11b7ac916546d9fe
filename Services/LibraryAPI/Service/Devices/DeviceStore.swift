// DeviceStore: SQL for registered Macs (the shared `devices` table).

import Database
import Foundation
import HTTPTypes
import ManagedOSDomain

/// Reads and writes `devices` on a connection the caller owns.
enum DeviceStore {
    /// A Mac's admin-settable attributes.
    struct Attributes: Sendable {
        var enrollmentID: String
        var serialNumber: String?
        var modelIdentifier: String?
        var boardID: String?
        var blueprintID: UUID?
        var tags: [String]
        var timeZone: String?
        var assignedUser: String?
    }

    private static let selectColumns = """
        SELECT id, enrollment_id, serial_number, model_identifier, board_id, blueprint_id,
               array_to_json(tags)::text AS tags, time_zone, assigned_user, registered_at, updated_at
        FROM devices
        """

    /// The Mac with `id`.
    static func fetch(_ id: UUID, forUpdate: Bool = false, on connection: DatabaseConnection) throws -> DeviceView? {
        try connection.query(selectColumns + " WHERE id = $1::uuid" + (forUpdate ? " FOR UPDATE" : ""), [id])
            .rows.first.map(view)
    }

    /// Filters of the device listing.
    struct Filter: Sendable {
        var blueprintID: UUID?
        /// The major of the reported OS version.
        var major: Int?
        /// The overall compliance of the Mac's plan (`unknown` includes Macs without a plan).
        var compliance: ComplianceStatus?
    }

    /// One page of Macs matching `filter`, by enrollment id, with their reported OS and compliance
    /// (`paging.limit + 1` rows, so the caller knows whether another page follows).
    static func list(_ filter: Filter, paging: Paging, on connection: DatabaseConnection) throws -> [DeviceView] {
        var sql = SQLConditions()
        if let blueprintID = filter.blueprintID { sql.add("d.blueprint_id = \(sql.bind(blueprintID))::uuid") }
        if let major = filter.major {
            sql.add("substring(s.os_version FROM '^[0-9]+')::integer = \(sql.bind(major))::integer")
        }
        if let compliance = filter.compliance {
            sql.add("coalesce(p.compliance, 'unknown') = \(sql.bind(compliance.rawValue))")
        }
        if let after = paging.after { sql.add("d.enrollment_id > \(sql.bind(after))") }
        return try connection.query(
            """
            SELECT d.id, d.enrollment_id, d.serial_number, d.model_identifier, d.board_id, d.blueprint_id,
                   array_to_json(d.tags)::text AS tags, d.time_zone, d.assigned_user, d.registered_at, d.updated_at,
                   s.os_version, coalesce(p.compliance, 'unknown') AS compliance
            FROM devices d LEFT JOIN device_status s ON s.device_id = d.id LEFT JOIN mac_plans p ON p.device_id = d.id
            \(sql.whereClause)
            ORDER BY d.enrollment_id LIMIT \(sql.bind(paging.limit + 1))
            """,
            sql.parameters
        ).rows.map { row in
            var device = try view(row)
            device.osVersion = try row.decodeIfPresent("os_version")
            device.compliance = try row.decode("compliance")
            return device
        }
    }

    /// Whether another Mac than `excluding` has `enrollmentID`.
    static func enrollmentTaken(_ enrollmentID: String, excluding: UUID?, on connection: DatabaseConnection) throws
        -> Bool
    {
        try !connection.query(
            "SELECT 1 FROM devices WHERE enrollment_id = $1 AND ($2::uuid IS NULL OR id <> $2)",
            [enrollmentID, excluding]
        ).rows.isEmpty
    }

    /// Inserts a Mac with its hashed Self Service credential.
    static func insert(
        id: UUID, _ attributes: Attributes, credentialHash: String, on connection: DatabaseConnection
    ) throws {
        try connection.execute(
            """
            INSERT INTO devices (id, enrollment_id, serial_number, model_identifier, board_id, blueprint_id, tags,
                                 time_zone, assigned_user, self_service_credential_hash)
            VALUES ($1::uuid, $2, $3, $4, $5, $6::uuid, $7::text[], $8, $9, $10)
            """,
            [
                id, attributes.enrollmentID, attributes.serialNumber, attributes.modelIdentifier, attributes.boardID,
                attributes.blueprintID, attributes.tags, attributes.timeZone, attributes.assignedUser, credentialHash,
            ])
    }

    /// Replaces a Mac's attributes.
    static func update(id: UUID, _ attributes: Attributes, on connection: DatabaseConnection) throws {
        try connection.execute(
            """
            UPDATE devices SET enrollment_id = $2, serial_number = $3, model_identifier = $4, board_id = $5,
                               blueprint_id = $6::uuid, tags = $7::text[], time_zone = $8, assigned_user = $9,
                               updated_at = now()
            WHERE id = $1::uuid
            """,
            [
                id, attributes.enrollmentID, attributes.serialNumber, attributes.modelIdentifier, attributes.boardID,
                attributes.blueprintID, attributes.tags, attributes.timeZone, attributes.assignedUser,
            ])
    }

    /// Deletes a Mac, and its place in the evaluation queue (which has no foreign key, migration 0017).
    static func delete(_ id: UUID, on connection: DatabaseConnection) throws {
        try connection.execute("DELETE FROM evaluation_queue WHERE device_id = $1::uuid", [id])
        try connection.execute("DELETE FROM devices WHERE id = $1::uuid", [id])
    }

    private static func view(_ row: Row) throws -> DeviceView {
        DeviceView(
            id: try row.decode("id"), enrollmentId: try row.decode("enrollment_id"),
            serialNumber: try row.decodeIfPresent("serial_number"),
            modelIdentifier: try row.decodeIfPresent("model_identifier"), boardId: try row.decodeIfPresent("board_id"),
            blueprintId: try row.decodeIfPresent("blueprint_id"),
            tags: try PostgresJSON(text: try row.decode("tags")).decode([String].self),
            timeZone: try row.decodeIfPresent("time_zone"), assignedUser: try row.decodeIfPresent("assigned_user"),
            registeredAt: try row.decode("registered_at"), updatedAt: try row.decode("updated_at"))
    }
}
