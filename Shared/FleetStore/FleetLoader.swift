// FleetLoader: reads registered Macs with their latest status as FleetMacRecord values.

import Database
import Foundation
import ManagedOSDomain

/// Reads `devices` joined with `device_status` and open Self Service requests (0002, 0003, 0008). A Mac's
/// grace start is the later of its registration and its return from 72 hours offline (0012).
public enum FleetLoader {
    /// The columns of a Mac; `capabilities` reads the client capabilities out of `status_items` (kilobytes per
    /// Mac, detoasted), so only the scheduler, which builds declarations for them, asks for it. `wholeFleet`
    /// joins the open Self Service requests once (one hash join) instead of looking them up per Mac, which
    /// suits a read of every Mac but not a batch of a few hundred.
    private static func select(capabilities: Bool, wholeFleet: Bool = false) -> String {
        let openStates = "('requested', 'declared', 'downloading', 'prepared', 'installing')"
        let selfServiceMajor =
            wholeFleet
            ? "open.major"
            : """
            (SELECT r.major FROM self_service_requests r
                 WHERE r.device_id = d.id AND r.state IN \(openStates) ORDER BY r.created_at DESC LIMIT 1)
            """
        let openJoin =
            wholeFleet
            ? """
             LEFT JOIN (SELECT DISTINCT ON (device_id) device_id, major FROM self_service_requests
                        WHERE state IN \(openStates) ORDER BY device_id, created_at DESC) AS open
                    ON open.device_id = d.id
            """ : ""
        return """
            SELECT d.id, d.enrollment_id, d.blueprint_id, d.tags, d.time_zone, d.board_id,
                   d.model_identifier AS registered_model, d.registered_at,
                   s.os_version, s.build_version, s.supplemental_build_version, s.supplemental_extra_version,
                   s.model_identifier AS reported_model, s.model_family,
                   s.install_state, s.failure_count, s.failure_reason, s.last_received_at,
                   GREATEST(d.registered_at, s.online_since) AS grace_start,
                   \(capabilities ? "(s.status_items->'management.client-capabilities')::text" : "NULL::text") AS capabilities,
                   \(selfServiceMajor) AS self_service_major
            FROM devices d LEFT JOIN device_status s ON s.device_id = d.id\(openJoin)
            """
    }

    /// The Macs with the given ids (unknown ids are skipped), in id order.
    public static func macs(ids: [UUID], on connection: DatabaseConnection) throws -> [FleetMacRecord] {
        guard !ids.isEmpty else { return [] }
        return try connection.query(
            select(capabilities: true) + " WHERE d.id = ANY($1::uuid[]) ORDER BY d.id", [ids]
        ).rows.map(record)
    }

    /// Every registered Mac, in id order, without client capabilities (`clientCapabilitiesJSON` is nil).
    public static func allMacs(on connection: DatabaseConnection) throws -> [FleetMacRecord] {
        try connection.query(select(capabilities: false, wholeFleet: true) + " ORDER BY d.id").rows.map(record)
    }

    /// Every registered Mac, without client capabilities and in no particular order, handed to `body` in
    /// batches of at most `batchSize` (at least 1) as PostgreSQL produces them (a cursor; one snapshot, in the transaction
    /// `connection` must be in). A batch is decoded by ``Batch/records()`` wherever the caller likes, so a
    /// caller can decode and work on batches on other threads while the next one is read.
    public static func forEachBatch(
        of batchSize: Int, on connection: DatabaseConnection, _ body: (Batch) throws -> Void
    ) throws {
        // A cursor is planned for its first rows unless told that all of them will be read: a nested loop of
        // index lookups per Mac instead of one hash join.
        try connection.executeScript(
            "SET LOCAL cursor_tuple_fraction = 1.0; DECLARE fleet_macs NO SCROLL CURSOR FOR "
                + select(capabilities: false, wholeFleet: true))
        let size = max(1, batchSize)
        while true {
            let rows = try connection.query("FETCH FORWARD \(size) FROM fleet_macs").rows
            if !rows.isEmpty { try body(Batch(rows: rows)) }
            if rows.count < size { break }
        }
        try connection.executeScript("CLOSE fleet_macs")
    }

    /// Rows of Macs as read, not yet decoded.
    public struct Batch: Sendable {
        let rows: [Row]

        /// The batch's Macs.
        public func records() throws -> [FleetMacRecord] { try rows.map(FleetLoader.record) }
    }

    /// Every Mac that has reported its OS, as save warnings count them.
    public static func fleet(on connection: DatabaseConnection) throws -> [FleetMac] {
        try allMacs(on: connection).compactMap(\.fleetMac)
    }

    private static func record(_ row: Row) throws -> FleetMacRecord {
        let id: UUID = try row.decode("id")
        let reportedModel: String? = try row.decodeIfPresent("reported_model")
        let registeredModel: String? = try row.decodeIfPresent("registered_model")
        let model = reportedModel ?? registeredModel
        let hardware = MacHardware(boardID: try row.decodeIfPresent("board_id"), modelIdentifier: model)
        let tags: [String] = try row.decode("tags")
        let timeZone: String? = try row.decodeIfPresent("time_zone")
        var state: MacState? = nil
        if let versionText: String = try row.decodeIfPresent("os_version"),
            let version = try? OSVersion(parsing: versionText)
        {
            state = MacState(
                id: id, hardware: hardware, osVersion: version,
                build: (try row.decodeIfPresent("build_version", as: String.self)).flatMap {
                    try? OSBuild(parsing: $0)
                },
                supplementalBuild: (try row.decodeIfPresent("supplemental_build_version", as: String.self))
                    .flatMap { try? OSBuild(parsing: $0) },
                supplementalExtraVersion: MacState.normalizedExtraVersion(
                    try row.decodeIfPresent("supplemental_extra_version")),
                timeZoneIdentifier: timeZone,
                installState: (try row.decodeIfPresent("install_state", as: String.self))
                    .map(SoftwareUpdateInstallState.init(reported:)),
                failureCount: try row.decodeIfPresent("failure_count") ?? 0,
                failureReason: try row.decodeIfPresent("failure_reason"),
                lastReportAt: try row.decodeIfPresent("last_received_at"),
                selfServiceRequestMajor: try row.decodeIfPresent("self_service_major"),
                graceStart: try row.decodeIfPresent("grace_start"))
        }
        let attributes = MacAttributes(
            modelFamily: try row.decodeIfPresent("model_family"), modelIdentifier: model,
            currentMajor: state?.osVersion.major ?? 0, tags: Set(tags))
        return FleetMacRecord(
            deviceID: id, enrollmentID: try row.decode("enrollment_id"),
            blueprintID: try row.decodeIfPresent("blueprint_id"),
            registeredAt: try row.decode("registered_at"), attributes: attributes, state: state,
            clientCapabilitiesJSON: try row.decodeIfPresent("capabilities"))
    }
}
