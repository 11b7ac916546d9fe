// EvaluationIntake: turns bus events into the set of Macs to re-evaluate (the durable evaluation queue).

import Database
import EventBus
import Foundation

/// Maps each event to the Macs whose inputs it changed and queues them in `evaluation_queue`, in the
/// consumer's transaction (so the cursor and the queue move together).
enum EvaluationIntake {
    /// The consumer group and the topics it reads.
    static let group = "scheduler"
    static let topics = [BusTopic.library, BusTopic.blueprint, BusTopic.catalog, BusTopic.device, BusTopic.selfService]

    /// Queues the Macs affected by `events`. A Mac already queued gets a new `enqueued_at`: if a batch is
    /// evaluating it right now, the upsert waits for that batch to commit (the row is locked) and then
    /// queues the Mac again, so a change that arrives mid-evaluation is never lost.
    static func handle(_ events: [BusEvent], on connection: DatabaseConnection) throws {
        func ids(_ topic: String) -> [UUID] {
            events.filter { $0.topic == topic }.compactMap { UUID(uuidString: $0.entity) }
        }
        if events.contains(where: { $0.topic == BusTopic.catalog }) {
            // Releases, approvals or the hold changed: every Mac may have a new target or due date.
            try connection.execute(
                "INSERT INTO evaluation_queue (device_id, reason) SELECT id, 'catalog' FROM devices ON CONFLICT (device_id) DO UPDATE SET enqueued_at = EXCLUDED.enqueued_at, reason = EXCLUDED.reason")
            return
        }
        let devices = ids(BusTopic.device) + ids(BusTopic.selfService)
        if !devices.isEmpty {
            try connection.execute(
                """
                INSERT INTO evaluation_queue (device_id, reason)
                SELECT id, 'device' FROM devices WHERE id = ANY($1::uuid[]) ON CONFLICT (device_id) DO UPDATE SET enqueued_at = EXCLUDED.enqueued_at, reason = EXCLUDED.reason
                """, [devices])
        }
        let blueprints = ids(BusTopic.blueprint)
        if !blueprints.isEmpty {
            try connection.execute(
                """
                INSERT INTO evaluation_queue (device_id, reason)
                SELECT id, 'blueprint' FROM devices WHERE blueprint_id = ANY($1::uuid[]) ON CONFLICT (device_id) DO UPDATE SET enqueued_at = EXCLUDED.enqueued_at, reason = EXCLUDED.reason
                """, [blueprints])
        }
        let items = ids(BusTopic.library)
        if !items.isEmpty {
            // Macs whose blueprint or map names the item, and Macs the item reached at their last
            // evaluation (it may have been deleted or unassigned since).
            try connection.execute(
                """
                INSERT INTO evaluation_queue (device_id, reason)
                SELECT d.id, 'library' FROM devices d
                WHERE d.blueprint_id IN (SELECT blueprint_id FROM blueprint_items WHERE item_id = ANY($1::uuid[])
                                         UNION SELECT blueprint_id FROM assignment_map_items
                                               WHERE item_id = ANY($1::uuid[]))
                UNION SELECT device_id, 'library' FROM mac_plans WHERE item_ids && $1::uuid[]
                ON CONFLICT (device_id) DO UPDATE SET enqueued_at = EXCLUDED.enqueued_at, reason = EXCLUDED.reason
                """, [items])
        }
    }

    /// Queues every Mac whose plan changes by time alone at or before `now`.
    static func queueDue(now: Date, on connection: DatabaseConnection) throws -> Int {
        try connection.execute(
            """
            INSERT INTO evaluation_queue (device_id, reason)
            SELECT device_id, 'time' FROM mac_plans WHERE next_evaluation_at <= $1 ON CONFLICT DO NOTHING
            """, [now])
    }
}
