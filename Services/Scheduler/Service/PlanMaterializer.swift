// PlanMaterializer: evaluates the queued Macs in batches and writes what changed — plans, declaration
// sets (with their DeclarativeManagement command) and legacy commands — each batch in one transaction.

import Database
import DeclarativeManagement
import EventBus
import FleetStore
import Foundation
import Logging
import ManagedOSDomain
import Metrics

/// Drains `evaluation_queue`. A batch that is interrupted (crash, lost leadership) rolls back and its Macs
/// stay queued, so whoever drains next produces the same result as an uninterrupted run.
public struct PlanMaterializer: Sendable {
    /// What one drain did.
    public struct Report: Sendable, Equatable {
        /// Queued Macs taken and evaluated (a Mac deleted after it was queued is taken and dropped).
        public var evaluated = 0
        /// Macs whose plan changed (rows written, plan events published).
        public var plansChanged = 0
        /// Macs whose declaration set changed.
        public var declarationSetsChanged = 0
        /// Legacy commands queued.
        public var legacyCommandsQueued = 0

        public init() {}

        mutating func add(_ other: Report) {
            evaluated += other.evaluated
            plansChanged += other.plansChanged
            declarationSetsChanged += other.declarationSetsChanged
            legacyCommandsQueued += other.legacyCommandsQueued
        }
    }

    /// Concurrent batches per drain: one per core, at least 2 (database and evaluation overlap), at most 4.
    public static let defaultWorkers = min(4, max(2, ProcessInfo.processInfo.activeProcessorCount))

    private let pool: ConnectionPool
    private let batchSize: Int
    private let stalenessLimit: TimeInterval
    private let logger: Logger

    public init(pool: ConnectionPool, batchSize: Int, stalenessDays: Int, logger: Logger) {
        self.pool = pool
        self.batchSize = batchSize
        self.stalenessLimit = TimeInterval(stalenessDays) * 86_400
        self.logger = logger
    }

    /// Evaluates queued Macs at `now` until the queue is empty (or only holds Macs another drainer holds).
    /// `workers` batches run at once, each in its own transaction on its own connection (the queue is read
    /// with `SKIP LOCKED`), so evaluating and encoding one batch overlaps the database writing another.
    @discardableResult
    public func drain(now: Date, workers: Int = PlanMaterializer.defaultWorkers) async throws -> Report {
        let configuration = try await pool.withTransaction { try FleetConfiguration.load(on: $0) }
        let report = try await withThrowingTaskGroup(of: Report.self) { group in
            for _ in 0..<max(1, workers) {
                group.addTask {
                    var report = Report()
                    while true {
                        let batch = try await pool.withTransaction { connection in
                            try self.evaluateBatch(configuration: configuration, now: now, on: connection)
                        }
                        report.add(batch)
                        if batch.evaluated == 0 { return report }
                    }
                }
            }
            var total = Report()
            for try await report in group { total.add(report) }
            return total
        }
        if report.evaluated > 0 {
            Counter(label: "scheduler_evaluations_total").increment(by: report.evaluated)
            Counter(label: "scheduler_plans_changed_total").increment(by: report.plansChanged)
            logger.debug(
                "evaluation drained",
                metadata: [
                    "evaluated": "\(report.evaluated)", "plans.changed": "\(report.plansChanged)",
                    "declarations.changed": "\(report.declarationSetsChanged)",
                ])
        }
        return report
    }

    /// Evaluates one batch of queued Macs inside the caller's transaction.
    func evaluateBatch(configuration: FleetConfiguration, now: Date, on connection: DatabaseConnection) throws -> Report
    {
        let ids: [UUID] = try connection.query(
            """
            SELECT device_id FROM evaluation_queue ORDER BY enqueued_at, device_id LIMIT $1
            FOR UPDATE SKIP LOCKED
            """, [batchSize]
        ).rows.map { try $0.decode("device_id") }
        guard !ids.isEmpty else { return Report() }
        var report = Report()
        let macs = try FleetLoader.macs(ids: ids, on: connection)
        let evaluator = MacEvaluator(catalog: configuration.catalog, now: now, stalenessLimit: stalenessLimit)
        var plans: [UUID: MacPlan] = [:]
        var reached: [UUID: [UUID]] = [:]
        for mac in macs {
            guard let state = mac.state else { continue }
            let itemIDs = configuration.itemIDs(for: mac)
            plans[mac.deviceID] = evaluator.evaluate(mac: state, items: itemIDs.compactMap { configuration.items[$0] })
            reached[mac.deviceID] = itemIDs
        }
        // Overdue Macs keep the "now" they were first declared with (no churn while they stay overdue).
        let overdue = plans.values.filter {
            $0.osEnforcement?.obligation.isOverdue == true
                || $0.bsiEnforcement?.obligation.isOverdue == true
        }.map(\.macID)
        if !overdue.isEmpty {
            // Only the two declared enforcements are read back (decoding whole plans cost a tenth of a batch),
            // from each distinct shape once, and each distinct one is decoded once: Macs in the same situation
            // were declared the same.
            var decoded: [String: DeclaredEnforcement?] = [:]
            for row in try connection.query(
                """
                WITH m AS (SELECT device_id, plan_digest FROM mac_plans WHERE device_id = ANY($1::uuid[])),
                     e AS MATERIALIZED (
                         SELECT plan_digest, (plan->'osEnforcement')::text AS os, (plan->'bsiEnforcement')::text AS bsi
                         FROM plan_shapes WHERE plan_digest IN (SELECT plan_digest FROM m))
                SELECT m.device_id, e.os, e.bsi FROM m JOIN e USING (plan_digest)
                """, [overdue]
            ).rows {
                let id: UUID = try row.decode("device_id")
                func enforcement(_ column: String) throws -> DeclaredEnforcement? {
                    guard let text: String = try row.decodeIfPresent(column), text != "null" else { return nil }
                    if let known = decoded[text] { return known }
                    let enforcement = try? PostgresJSON(text: text).decode(DeclaredEnforcement.self)
                    decoded[text] = enforcement
                    return enforcement
                }
                plans[id] = plans[id]?.keepingDeclaredDeadlines(os: try enforcement("os"), bsi: try enforcement("bsi"))
            }
        }
        let entries = macs.compactMap { mac in
            plans[mac.deviceID].map { PlanStore.Entry(plan: $0, itemIDs: reached[mac.deviceID] ?? []) }
        }
        report.evaluated = ids.count
        let changed = try PlanStore.write(entries, on: connection)
        report.plansChanged = changed.count

        let declarationCache = DeclarationCache()
        // Macs of one model and OS report the same capabilities document: parse each distinct one once.
        var capabilities: [String: ClientCapabilities?] = [:]
        for json in Set(macs.compactMap(\.clientCapabilitiesJSON)) {
            capabilities[json] = ClientCapabilities(json: json)
        }
        let replacements = macs.map { mac in
            DeclarationSetStore.Replacement(
                deviceID: mac.deviceID, enrollmentID: mac.enrollmentID,
                set: DeclarationSetBuilder.build(
                    plan: plans[mac.deviceID],
                    target: DeclarationTarget(
                        deviceID: mac.deviceID, osVersion: mac.state?.osVersion,
                        capabilities: mac.clientCapabilitiesJSON.flatMap { capabilities[$0] ?? nil },
                        supplementalBuild: mac.state?.supplementalBuild),
                    items: configuration.items, changedAt: now, cache: declarationCache))
        }
        let changedSets = try DeclarationSetStore.replaceChanged(replacements, on: connection)
        report.declarationSetsChanged = changedSets.count

        var commandDevices = changedSets
        let enrollments = Dictionary(uniqueKeysWithValues: macs.map { ($0.deviceID, $0.enrollmentID) })
        for id in changed {
            guard let plan = plans[id], let enrollment = enrollments[id] else { continue }
            let queued = try LegacyCommandPlanner.queue(for: plan, enrollmentID: enrollment, on: connection)
            report.legacyCommandsQueued += queued
            if queued > 0 { commandDevices.append(id) }
        }
        try connection.execute("DELETE FROM evaluation_queue WHERE device_id = ANY($1::uuid[])", [ids])

        // Publish last: the bus order lock is then held only until this commit.
        let tokens = Dictionary(uniqueKeysWithValues: replacements.map { ($0.deviceID, $0.set.declarationsToken) })
        // Macs with equal sets and compliance get equal payloads: encode each distinct one once.
        var payloads: [[String]: PostgresJSON] = [:]
        var planEvents: [BusEventDraft] = []
        for id in Set(changed).union(changedSets).sorted() {
            let content = [
                plans[id]?.compliance.status.rawValue ?? ComplianceStatus.unknown.rawValue, tokens[id] ?? "",
            ]
            let payload =
                try payloads[content]
                ?? PostgresJSON(encoding: ["compliance": content[0], "declarationsToken": content[1]])
            payloads[content] = payload
            planEvents.append(BusEventDraft(topic: BusTopic.plan, entity: id.postgresText, payload: payload))
        }
        // The deliverer reads the outbox itself, so one `command` event wakes it for the whole batch.
        let commandEvents = commandDevices.isEmpty ? [] : [BusEventDraft.outboxQueued(count: Set(commandDevices).count)]
        try BusPublisher.publish(planEvents + commandEvents, on: connection)
        return report
    }
}
