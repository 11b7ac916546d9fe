// SelfServiceStore: reads offers and reads, creates and cancels a Mac's Self Service requests.

import Database
import EventBus
import FleetStore
import Foundation
import ManagedOSDomain

/// The gateway's reads and writes of `self_service_requests` (0008). Every write publishes a
/// `selfservice` event (entity: device id) and queues the Mac for evaluation in the same transaction, so
/// the scheduler declares (or withdraws) the upgrade at once.
enum SelfServiceStore {
    /// The outcome of a request for an upgrade.
    enum CreateOutcome: Sendable {
        /// A new request.
        case created(SelfServiceRequestRecord)
        /// The same request as before (same Idempotency-Key, or the open request for the major).
        case existing(SelfServiceRequestRecord)
    }

    /// One of the Mac's requests; nil when it has no such request (another Mac's ids look the same).
    static func request(id: UUID, deviceID: UUID, on connection: DatabaseConnection) throws -> SelfServiceRequestRecord? {
        try connection.query(
            "SELECT \(SelfServiceRequestRecord.columns) FROM self_service_requests r WHERE r.id = $1 AND r.device_id = $2",
            [id, deviceID]
        ).first.map(SelfServiceRequestRecord.init(row:))
    }

    /// The Mac's requests, newest first (at most `limit`).
    static func requests(deviceID: UUID, limit: Int = 100, on connection: DatabaseConnection) throws
        -> [SelfServiceRequestRecord]
    {
        try connection.query(
            """
            SELECT \(SelfServiceRequestRecord.columns) FROM self_service_requests r WHERE r.device_id = $1
            ORDER BY r.created_at DESC, r.id LIMIT $2::integer
            """, [deviceID, limit]
        ).rows.map(SelfServiceRequestRecord.init(row:))
    }

    /// The Mac's offers at `now`; `nil` offers when the Mac has not reported a macOS version yet.
    static func offers(deviceID: UUID, now: Date, on connection: DatabaseConnection) throws
        -> (osVersion: OSVersion?, offers: [SelfServiceOffer]?, libraryMajors: Set<Int>)
    {
        let configuration = try FleetConfiguration.load(on: connection)
        let libraryItems = configuration.items.values.sorted { $0.id.uuidString < $1.id.uuidString }
        let majors = Set(libraryItems.filter { $0.installationMethod == .selfService }.map(\.major))
        guard let record = try FleetLoader.macs(ids: [deviceID], on: connection).first, let state = record.state else {
            return (nil, nil, majors)
        }
        let offers = SelfServiceOffers.offers(
            for: state, assignedItems: configuration.items(for: record), libraryItems: libraryItems,
            catalog: configuration.catalog, now: now)
        return (state.osVersion, offers, majors)
    }

    /// Starts (or finds) the Mac's request for `major`. Serialised per Mac by locking its `devices` row, so
    /// concurrent requests create one row.
    static func create(
        major: Int, idempotencyKey: String?, mac: AuthenticatedMac, now: Date, on connection: DatabaseConnection
    ) throws -> CreateOutcome {
        _ = try connection.query("SELECT id FROM devices WHERE id = $1 FOR UPDATE", [mac.id])
        if let idempotencyKey,
            let replay = try connection.query(
                """
                SELECT \(SelfServiceRequestRecord.columns) FROM self_service_requests r
                WHERE r.device_id = $1 AND r.idempotency_key = $2
                """, [mac.id, idempotencyKey]
            ).first.map(SelfServiceRequestRecord.init(row:))
        {
            guard replay.major == major else { throw GatewayProblem.idempotencyKeyReused(major: replay.major) }
            return .existing(replay)
        }
        if let open = try connection.query(
            """
            SELECT \(SelfServiceRequestRecord.columns) FROM self_service_requests r
            WHERE r.device_id = $1 AND r.major = $2 AND r.state = ANY($3::text[])
            """, [mac.id, major, SelfServiceRequestRecord.openStates]
        ).first.map(SelfServiceRequestRecord.init(row:)) {
            return .existing(open)
        }
        let (_, offers, majors) = try offers(deviceID: mac.id, now: now, on: connection)
        guard majors.contains(major) else { throw GatewayProblem.unknownMajor(String(major)) }
        guard let offers else { throw GatewayProblem.statusUnknown }
        let offer: SelfServiceOffer
        switch SelfServiceOfferChoice.choose(major: major, from: offers) {
        case .unknownMajor:
            throw GatewayProblem.unknownMajor(String(major))
        case .unavailable(let refused):
            let reason = refused.unavailableReason ?? .noApprovedRelease
            throw GatewayProblem.offerUnavailable(
                major: major, reason: reason.rawValue,
                message: SelfServiceOfferView.message(for: reason, major: major))
        case .available(let chosen):
            offer = chosen
        }
        let created = try SelfServiceRequestRecord(
            row: try connection.query(
                """
                INSERT INTO self_service_requests AS r (id, device_id, major, item_id, target_version, state,
                                                        idempotency_key, created_at, updated_at)
                VALUES ($1, $2, $3::integer, $4, $5, 'requested', $6, $7, $7)
                RETURNING \(SelfServiceRequestRecord.columns)
                """,
                [UUID(), mac.id, major, offer.itemID, offer.targetVersion?.description, idempotencyKey, now]
            ).first!)
        try announce(created, reason: "selfservice.requested", on: connection)
        return .created(created)
    }

    /// Cancels the Mac's request `id` (404 when it has none; 409 once installing or finished).
    static func cancel(id: UUID, mac: AuthenticatedMac, now: Date, on connection: DatabaseConnection) throws
        -> SelfServiceRequestRecord
    {
        guard
            let record = try connection.query(
                """
                SELECT \(SelfServiceRequestRecord.columns) FROM self_service_requests r
                WHERE r.id = $1 AND r.device_id = $2 FOR UPDATE
                """, [id, mac.id]
            ).first.map(SelfServiceRequestRecord.init(row:))
        else { throw GatewayProblem.requestNotFound }
        var request = record.domainRequest
        do {
            try request.apply(.cancel)
        } catch {
            throw GatewayProblem.notCancellable(state: record.state)
        }
        let cancelled = try SelfServiceRequestRecord(
            row: try connection.query(
                """
                UPDATE self_service_requests r SET state = 'cancelled', updated_at = $2, finished_at = $2
                WHERE r.id = $1 RETURNING \(SelfServiceRequestRecord.columns)
                """, [id, now]
            ).first!)
        try announce(cancelled, reason: "selfservice.cancelled", on: connection)
        return cancelled
    }

    /// Publishes the request's `selfservice` event and queues its Mac for evaluation.
    static func announce(_ record: SelfServiceRequestRecord, reason: String, on connection: DatabaseConnection) throws {
        try connection.query(
            "INSERT INTO evaluation_queue (device_id, reason) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            [record.deviceID, reason])
        let payload = try PostgresJSON(
            encoding: SelfServiceEventPayload(requestId: record.id.uuidString.lowercased(), major: record.major, state: record.state))
        try BusPublisher.publish(
            BusEventDraft(topic: BusTopic.selfService, entity: record.deviceID.uuidString.lowercased(), payload: payload),
            on: connection)
    }
}

/// The payload of a `selfservice` event: which request, for which major, and its new state.
struct SelfServiceEventPayload: Codable, Sendable, Equatable {
    var requestId: String
    var major: Int
    var state: String
}
