// PlanStore: writes and reads each Mac's materialised plan (`mac_plans`), writing only what changed.

import Database
import DeclarativeManagement
import Digests
import Foundation
import ManagedOSDomain

/// Reads and writes `mac_plans` (migration 0006).
///
/// A plan is written only when its digest (the plan without its evaluation instant) differs from the
/// stored one, so re-evaluating unchanged inputs writes nothing.
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
    /// `"evaluatedAt":"1970-01-01T00:00:00Z"`: the key-value pair as it appears in a blanked plan's JSON.
    fileprivate static let blankStamp = stampFragment(digestEpoch)

    /// SHA-256 hex of the plan's JSON with its evaluation instant blanked out.
    public static func digest(of plan: MacPlan) throws -> String { try encoded(plan).digest }

    /// The plan's JSON (as stored) and its digest. See `PlanEncoder`; this is one plan without a shared cache.
    static func encoded(_ plan: MacPlan, stamp: String? = nil) throws -> (json: String, digest: String) {
        try PlanEncoder().encode(plan, stamp: stamp)
    }

    /// Encodes plans for storage. Macs in the same situation (same items, versions, deadlines) have plans
    /// that differ only in their Mac id and evaluation instant, so each distinct *shape* — the plan with
    /// both blanked — is JSON-encoded once and copied with the real id and instant put in; `JSONEncoder`
    /// was most of the scheduler's time otherwise. The digest covers the plan with only its instant blanked.
    final class PlanEncoder {
        /// The Mac id of a shape: the nil UUID (no Mac has it) written as `JSONEncoder` writes UUIDs.
        private static let shapeID = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        private static let shapeIDText = shapeID.uuidString
        private var shapes: [MacPlan: String] = [:]

        func encode(_ plan: MacPlan, stamp: String? = nil) throws -> (json: String, digest: String) {
            var shape = plan
            shape.macID = Self.shapeID
            shape.evaluatedAt = digestEpoch
            let template: String
            if let known = shapes[shape] {
                template = known
            } else {
                template = try PostgresJSON(encoding: shape).text
                shapes[shape] = template
            }
            let blank = UTF8Replacement.replacing(Self.shapeIDText, with: plan.macID.uuidString, in: template)
            let digest = SHA256Hex.digest(of: blank)
            let json = UTF8Replacement.replacing(blankStamp, with: stamp ?? stampFragment(plan.evaluatedAt), in: blank)
            return (json, digest)
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
        var ids: [UUID] = [], plans: [String] = [], digests: [String] = [], compliance: [String] = []
        var osVersions: [String?] = [], osBuilds: [String?] = [], osDeadlines: [Date?] = [], osLocal: [String?] = []
        var bsiBuilds: [String?] = [], bsiDeadlines: [Date?] = [], days: [Int?] = [], legacy: [Bool] = []
        var next: [Date?] = [], evaluated: [Date] = [], itemIDs: [String] = []
        var stamps: [Date: String] = [:]
        let encoder = PlanEncoder()
        for entry in entries {
            let plan = entry.plan
            let stamp = stamps[plan.evaluatedAt] ?? stampFragment(plan.evaluatedAt)
            stamps[plan.evaluatedAt] = stamp
            let (json, digest) = try encoder.encode(plan, stamp: stamp)
            if let previous = stored[plan.macID], previous.digest == digest, previous.items == entry.itemIDs { continue }
            ids.append(plan.macID)
            plans.append(json)
            digests.append(digest)
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
        return try connection.query(
            """
            INSERT INTO mac_plans AS p (device_id, plan, plan_digest, compliance, os_target_version, os_target_build,
                                        os_deadline, os_deadline_local, bsi_target_build, bsi_deadline,
                                        days_remaining, is_legacy, next_evaluation_at, evaluated_at, item_ids)
            SELECT u.device_id, u.plan::json, u.digest, u.compliance, u.os_version, u.os_build, u.os_deadline,
                   u.os_local, u.bsi_build, u.bsi_deadline, u.days, u.legacy, u.next, u.evaluated, u.items::uuid[]
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
                        $8::text[], $9::text[], $10::timestamptz[], $11::integer[], $12::boolean[],
                        $13::timestamptz[], $14::timestamptz[], $15::text[])
                 AS u(device_id, plan, digest, compliance, os_version, os_build, os_deadline, os_local, bsi_build,
                      bsi_deadline, days, legacy, next, evaluated, items)
            ON CONFLICT (device_id) DO UPDATE SET
                plan = EXCLUDED.plan, plan_digest = EXCLUDED.plan_digest, compliance = EXCLUDED.compliance,
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
            [ids, plans, digests, compliance, osVersions, osBuilds, osDeadlines, osLocal, bsiBuilds, bsiDeadlines, days,
             legacy, next, evaluated, itemIDs]
        ).rows.map { try $0.decode("device_id") }
    }

    /// The stored plan of one Mac, or nil before its first evaluation.
    public static func plan(deviceID: UUID, on connection: DatabaseConnection) throws -> MacPlan? {
        try connection.query("SELECT plan::text AS plan FROM mac_plans WHERE device_id = $1::uuid", [deviceID]).first
            .map { try PostgresJSON(text: try $0.decode("plan")).decode(MacPlan.self) }
    }

    /// Deletes the plan of a Mac that no longer has an evaluable state.
    public static func delete(deviceID: UUID, on connection: DatabaseConnection) throws {
        try connection.execute("DELETE FROM mac_plans WHERE device_id = $1::uuid", [deviceID])
    }
}
