// SelfServiceRequestRecord: one row of `self_service_requests`, and its JSON view for the Mac.

import Database
import Foundation
import ManagedOSDomain

/// A stored Self Service request (migration 0008).
struct SelfServiceRequestRecord: Sendable, Hashable {
    var id: UUID
    var deviceID: UUID
    var major: Int
    var itemID: UUID?
    var targetVersion: String?
    var state: String
    var failureReason: String?
    var idempotencyKey: String?
    var createdAt: Date
    var updatedAt: Date
    var declaredAt: Date?
    var finishedAt: Date?

    /// The columns `init(row:)` reads.
    static let columns = """
        r.id, r.device_id, r.major, r.item_id, r.target_version, r.state, r.failure_reason, r.idempotency_key,
        r.created_at, r.updated_at, r.declared_at, r.finished_at
        """

    /// The open states (a request in one of them blocks another for the same major).
    static let openStates = ["requested", "declared", "downloading", "prepared", "installing"]

    init(row: Row) throws {
        id = try row.decode("id")
        deviceID = try row.decode("device_id")
        major = try row.decode("major")
        itemID = try row.decodeIfPresent("item_id")
        targetVersion = try row.decodeIfPresent("target_version")
        state = try row.decode("state")
        failureReason = try row.decodeIfPresent("failure_reason")
        idempotencyKey = try row.decodeIfPresent("idempotency_key")
        createdAt = try row.decode("created_at")
        updatedAt = try row.decode("updated_at")
        declaredAt = try row.decodeIfPresent("declared_at")
        finishedAt = try row.decodeIfPresent("finished_at")
    }

    /// The domain state.
    var domainState: SelfServiceRequest.State {
        SelfServiceRequest.State(storedName: state, failureReason: failureReason) ?? .requested
    }

    /// The domain request, rebuilt in its stored state.
    var domainRequest: SelfServiceRequest {
        .restored(
            macID: deviceID, major: major, itemID: itemID ?? deviceID, requestedAt: createdAt, state: domainState)
    }

    /// What the Mac sees.
    var view: SelfServiceRequestView {
        SelfServiceRequestView(
            id: id.uuidString.lowercased(), major: major, targetVersion: targetVersion, state: state, failureReason: failureReason,
            cancellable: domainState.isCancellable, finished: domainState.isTerminal, createdAt: createdAt,
            updatedAt: updatedAt, declaredAt: declaredAt, finishedAt: finishedAt)
    }
}

/// A request as JSON: `{id, major, targetVersion, state, failureReason, cancellable, finished, createdAt, …}`.
struct SelfServiceRequestView: Codable, Sendable, Equatable {
    /// Lower-case UUID, as in paths and event payloads.
    var id: String
    var major: Int
    var targetVersion: String?
    var state: String
    var failureReason: String?
    var cancellable: Bool
    var finished: Bool
    var createdAt: Date
    var updatedAt: Date
    var declaredAt: Date?
    var finishedAt: Date?
}
