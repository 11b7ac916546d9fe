// PlanStore: writes and reads each Mac's materialised plan (`mac_plans`), writing only what changed.

import Database
import DeclarativeManagement
import Digests
import Foundation
import ManagedOSDomain

/// Reads and writes `mac_plans` (migration 0006) and `plan_shapes` (migration 0020).
///
/// Macs in the same situation (same items, versions, deadlines) have plans that differ only in their Mac id
/// and evaluation instant. Such plans share one *shape* — the plan JSON with both blanked (the nil UUID and
/// `1970-01-01T00:00:00Z`) — stored once in `plan_shapes` under its SHA-256 hex, the `plan_digest`. A Mac's
/// row holds that digest beside its own instant and the columns the views filter on; its plan is the shape with
/// its id and instant put back (`document`). A plan is written only when its digest (or the items reaching
/// the Mac) differs from the stored one, so re-evaluating unchanged inputs writes nothing.
public enum PlanStore {
    /// One plan to write and the items that reached the Mac when it was evaluated.
    public struct Entry: Sendable, Hashable {
        /// The plan.
        public var plan: MacPlan
        /// The ids of the items that reached the Mac (blueprint or assignment-map path).
        public var itemIDs: [UUID]

        /// Creates a value from its parts.
        public init(plan: MacPlan, itemIDs: [UUID]) {
            self.plan = plan
            self.itemIDs = itemIDs
        }
    }

    fileprivate static let digestEpoch = Date(timeIntervalSince1970: 0)
    /// `"evaluatedAt":"1970-01-01T00:00:00Z"`: the key-value pair as it appears in a shape's JSON.
    fileprivate static let blankStamp = stampFragment(digestEpoch)
    /// The Mac id of a shape: the nil UUID (no Mac has it).
    fileprivate static let shapeID = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    /// `shapeID` as `JSONEncoder` writes UUIDs.
    fileprivate static let shapeIDText = shapeID.uuidString

    /// The plan's `plan_digest`: SHA-256 hex of its shape's JSON (the plan without its Mac id and instant).
    public static func digest(of plan: MacPlan) throws -> String { try PlanEncoder().shape(of: plan).digest }

    /// The plan JSON of the Mac `macID` evaluated at `evaluatedAt` whose shape is `shape`: what the domain's
    /// `MacPlan` encodes to.
    public static func document(shape: String, macID: UUID, evaluatedAt: Date) -> String {
        let placed = UTF8Replacement.replacing(shapeIDText, with: macID.uuidString, in: shape)
        return UTF8Replacement.replacing(blankStamp, with: stampFragment(evaluatedAt), in: placed)
    }

    /// Encodes plans into shapes, each distinct shape once (`JSONEncoder` was most of the scheduler's time
    /// otherwise).
    final class PlanEncoder {
        private var shapes: [MacPlan: (json: String, digest: String)] = [:]

        /// The shape's JSON and digest.
        func shape(of plan: MacPlan) throws -> (json: String, digest: String) {
            var shape = plan
            shape.macID = shapeID
            shape.evaluatedAt = digestEpoch
            if let known = shapes[shape] { return known }
            let json = try PostgresJSON(encoding: shape).text
            let encoded = (json, SHA256Hex.digest(of: json))
            shapes[shape] = encoded
            return encoded
        }
    }

    /// `"evaluatedAt":"<instant>"` as the plan encoder writes it.
    static func stampFragment(_ instant: Date) -> String {
        guard let text = try? PostgresJSON(encoding: ["evaluatedAt": instant]).text else {
            preconditionFailure("a date is always encodable")
        }
        return String(text.dropFirst().dropLast())
    }

    /// Writes the entries whose plan changed, in one statement; returns the device ids written. Entries
    /// whose digest and items equal the stored ones are not even sent.
    @discardableResult
    public static func write(_ entries: [Entry], on connection: DatabaseConnection) throws -> [UUID] {
        guard !entries.isEmpty else { return [] }
        var stored: [UUID: (digest: String, items: [UUID])] = [:]
        for row in try connection.query(
            "SELECT device_id, plan_digest, item_ids FROM mac_plans WHERE device_id = ANY($1::uuid[])",
            [entries.map(\.plan.macID)]
        ).rows {
            stored[try row.decode("device_id")] = (try row.decode("plan_digest"), try row.decode("item_ids"))
        }
        var ids: [UUID] = [], digests: [String] = [], compliance: [String] = []
        var osVersions: [String?] = [], osBuilds: [String?] = [], osDeadlines: [Date?] = [], osLocal: [String?] = []
        var bsiBuilds: [String?] = [], bsiDeadlines: [Date?] = [], days: [Int?] = [], legacy: [Bool] = []
        var next: [Date?] = [], evaluated: [Date] = [], itemIDs: [String] = []
        var newShapes: [String: String] = [:]
        let encoder = PlanEncoder()
        for entry in entries {
            let plan = entry.plan
            let shape = try encoder.shape(of: plan)
            if let previous = stored[plan.macID], previous.digest == shape.digest, previous.items == entry.itemIDs {
                continue
            }
            newShapes[shape.digest] = shape.json
            ids.append(plan.macID)
            digests.append(shape.digest)
            compliance.append(plan.compliance.status.rawValue)
            osVersions.append(plan.osEnforcement.map { $0.targetVersion.description })
            osBuilds.append(plan.osEnforcement?.targetBuild?.rawValue)
            osDeadlines.append(plan.osEnforcement?.deadlineInstant)
            osLocal.append(plan.osEnforcement?.targetLocalDateTime)
            bsiBuilds.append(plan.bsiEnforcement?.targetBuild?.rawValue)
            bsiDeadlines.append(plan.bsiEnforcement?.deadlineInstant)
            days.append(plan.daysRemaining)
            legacy.append(plan.isLegacy)
            next.append(plan.nextEvaluationAt)
            evaluated.append(plan.evaluatedAt)
            itemIDs.append("{" + entry.itemIDs.map(\.uuidString).joined(separator: ",") + "}")
        }
        guard !ids.isEmpty else { return [] }
        // Shapes are immutable and keyed by their digest: one a concurrent writer stored too is left as it is.
        let shapeDigests = newShapes.keys.sorted()
        try connection.execute(
            """
            INSERT INTO plan_shapes (plan_digest, plan)
            SELECT d, p::json FROM unnest($1::text[], $2::text[]) AS u(d, p)
            ON CONFLICT (plan_digest) DO NOTHING
            """, [shapeDigests, shapeDigests.map { newShapes[$0]! }])
        return try connection.query(
            """
            INSERT INTO mac_plans AS p (device_id, plan_digest, compliance, os_target_version, os_target_build,
                                        os_deadline, os_deadline_local, bsi_target_build, bsi_deadline,
                                        days_remaining, is_legacy, next_evaluation_at, evaluated_at, item_ids)
            SELECT u.device_id, u.digest, u.compliance, u.os_version, u.os_build, u.os_deadline,
                   u.os_local, u.bsi_build, u.bsi_deadline, u.days, u.legacy, u.next, u.evaluated, u.items::uuid[]
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
                        $7::text[], $8::text[], $9::timestamptz[], $10::integer[], $11::boolean[],
                        $12::timestamptz[], $13::timestamptz[], $14::text[])
                 AS u(device_id, digest, compliance, os_version, os_build, os_deadline, os_local, bsi_build,
                      bsi_deadline, days, legacy, next, evaluated, items)
            ON CONFLICT (device_id) DO UPDATE SET
                plan_digest = EXCLUDED.plan_digest, compliance = EXCLUDED.compliance,
                os_target_version = EXCLUDED.os_target_version, os_target_build = EXCLUDED.os_target_build,
                os_deadline = EXCLUDED.os_deadline, os_deadline_local = EXCLUDED.os_deadline_local,
                bsi_target_build = EXCLUDED.bsi_target_build, bsi_deadline = EXCLUDED.bsi_deadline,
                days_remaining = EXCLUDED.days_remaining, is_legacy = EXCLUDED.is_legacy,
                next_evaluation_at = EXCLUDED.next_evaluation_at, evaluated_at = EXCLUDED.evaluated_at,
                item_ids = EXCLUDED.item_ids
            WHERE p.plan_digest IS DISTINCT FROM EXCLUDED.plan_digest
               OR p.item_ids IS DISTINCT FROM EXCLUDED.item_ids
            RETURNING p.device_id
            """,
            [ids, digests, compliance, osVersions, osBuilds, osDeadlines, osLocal, bsiBuilds, bsiDeadlines, days,
             legacy, next, evaluated, itemIDs]
        ).rows.map { try $0.decode("device_id") }
    }

    /// The stored plan of one Mac, or nil before its first evaluation.
    public static func plan(deviceID: UUID, on connection: DatabaseConnection) throws -> MacPlan? {
        try document(deviceID: deviceID, on: connection).map { try PostgresJSON(text: $0).decode(MacPlan.self) }
    }

    /// The stored plan JSON of one Mac (its shape with its id and instant put back), or nil.
    public static func document(deviceID: UUID, on connection: DatabaseConnection) throws -> String? {
        try connection.query(
            """
            SELECT s.plan::text AS shape, p.evaluated_at
            FROM mac_plans p JOIN plan_shapes s ON s.plan_digest = p.plan_digest WHERE p.device_id = $1::uuid
            """, [deviceID]
        ).first.map {
            document(shape: try $0.decode("shape"), macID: deviceID, evaluatedAt: try $0.decode("evaluated_at"))
        }
    }

    /// Deletes the shapes stored before `createdBefore` that no Mac's plan names; returns how many. Shapes pile
    /// up (day counts are part of a plan, so a situation has a new shape every day). Call it only where no plan
    /// is being written at the same time — the active scheduler, between drains: a plan written concurrently
    /// could name an old shape this deletes. A plan naming a deleted shape later stores it again.
    @discardableResult
    public static func deleteUnusedShapes(createdBefore: Date, on connection: DatabaseConnection) throws -> Int {
        try connection.execute(
            """
            DELETE FROM plan_shapes s
            WHERE s.created_at < $1 AND NOT EXISTS (SELECT 1 FROM mac_plans p WHERE p.plan_digest = s.plan_digest)
            """, [createdBefore])
    }

    /// Deletes the plan of a Mac that no longer has an evaluable state.
    public static func delete(deviceID: UUID, on connection: DatabaseConnection) throws {
        try connection.execute("DELETE FROM mac_plans WHERE device_id = $1::uuid", [deviceID])
    }
}
