// ItemPreview: what saving an item configuration would do to the fleet, evaluated without saving.

import Database
import FleetStore
import Foundation
import ManagedOSDomain

/// Evaluates a proposed item against the current fleet with the domain's `MacEvaluator`.
///
/// The proposal replaces the stored item of the same id (if any) and is assigned to `blueprintIDs`: a
/// classic blueprint lists it, an assignment map that does not mention it yet gets it on its root node
/// (so it reaches every Mac of the map whose root matches). When `blueprintIDs` is given for an existing
/// item it replaces the item's assignments; nil keeps them. Each Mac the item then reaches is evaluated
/// with every item reaching it; its state for the item is the domain's per-item compliance.
struct ItemPreview: Encodable, Sendable {
    var evaluatedAt: Date
    var catalogSource: CatalogInEffect.Source
    /// Macs the item would reach.
    var reachedMacCount: Int
    /// Their compliance for the item (`unknown` includes Macs that never reported).
    var counts: ComplianceCounts
    /// Macs that would be overdue at once (the same as `counts.overdue`).
    var overdueNowCount: Int
    /// The earliest and latest deadline of the item's obligations over those Macs.
    var earliestDeadline: Date?
    var latestDeadline: Date?
    /// The save warnings the configuration would get.
    var warnings: [ItemSaveWarning]

    /// Evaluates `item` over every registered Mac, read from `pool` in one snapshot, batch by batch: batches are
    /// decoded and evaluated two at a time while PostgreSQL produces the next, so the reading and the evaluation
    /// share the cores.
    static func evaluate(
        item: ManagedOSItem, blueprintIDs: Set<UUID>?, configuration: FleetConfiguration, catalogSource: CatalogInEffect.Source,
        previous: ManagedOSItem?, now: Date, pool: ConnectionPool, batchSize: Int = 5_000
    ) async throws -> ItemPreview {
        let proposed = assigning(item, to: blueprintIDs, in: configuration)
        let (batches, delivery) = AsyncThrowingStream.makeStream(of: FleetLoader.Batch.self)
        async let read: Void = {
            do {
                try await pool.withTransaction { connection in
                    try FleetLoader.forEachBatch(of: batchSize, on: connection) { delivery.yield($0) }
                }
                delivery.finish()
            } catch {
                delivery.finish(throwing: error)
            }
        }()
        // Batches are evaluated side by side (two at a time, one per core) as they arrive.
        let tally = try await withThrowingTaskGroup(of: Tally.self) { group in
            var tally = Tally()
            var running = 0
            for try await batch in batches {
                if running == 2, let done = try await group.next() {
                    tally.merge(done)
                    running -= 1
                }
                group.addTask {
                    var part = Tally()
                    part.add(try batch.records(), item: item, proposed: proposed, now: now)
                    return part
                }
                running += 1
            }
            for try await done in group { tally.merge(done) }
            return tally
        }
        try await read
        return tally.preview(
            item: item, previous: previous, catalog: configuration.catalog, catalogSource: catalogSource, now: now)
    }

    /// What the Macs seen so far add up to.
    struct Tally: Sendable {
        var reached = 0
        var counts = ComplianceCounts()
        var earliest: Date?
        var latest: Date?
        /// Every Mac that reported its OS (reached or not), for the save warnings.
        var fleet: [FleetMac] = []

        /// Adds `macs`, evaluated with `item` as `proposed` assigns it.
        mutating func add(_ macs: [FleetMacRecord], item: ManagedOSItem, proposed: FleetConfiguration, now: Date) {
            let evaluator = MacEvaluator(catalog: proposed.catalog, now: now)
            fleet.reserveCapacity(fleet.count + macs.count)
            for mac in macs {
                if let fleetMac = mac.fleetMac { fleet.append(fleetMac) }
                let ids = proposed.itemIDs(for: mac)
                guard ids.contains(item.id) else { continue }
                reached += 1
                guard let state = mac.state else {
                    counts.add(.unknown, 1)
                    continue
                }
                let plan = evaluator.evaluate(mac: state, items: ids.compactMap { proposed.items[$0] })
                let standing = ComplianceEvaluator.state(
                    for: item, plan: plan, mac: state, now: now, stalenessLimit: evaluator.stalenessLimit)
                counts.add(standing.status, 1)
                for obligation in plan.obligations where obligation.sourceItemID == item.id {
                    earliest = min(earliest ?? obligation.deadlineInstant, obligation.deadlineInstant)
                    latest = max(latest ?? obligation.deadlineInstant, obligation.deadlineInstant)
                }
            }
        }

        /// Adds another batch's tally.
        mutating func merge(_ other: Tally) {
            reached += other.reached
            for (status, count) in other.counts.counts { counts.add(status, count) }
            if let date = other.earliest { earliest = min(earliest ?? date, date) }
            if let date = other.latest { latest = max(latest ?? date, date) }
            fleet += other.fleet
        }

        /// The preview these Macs make.
        func preview(
            item: ManagedOSItem, previous: ManagedOSItem?, catalog: ReleaseCatalog, catalogSource: CatalogInEffect.Source,
            now: Date
        ) -> ItemPreview {
            let warnings = ItemValidator.warnings(for: item, previous: previous, fleet: fleet, catalog: catalog, now: now)
            return ItemPreview(
                evaluatedAt: now, catalogSource: catalogSource, reachedMacCount: reached, counts: counts,
                overdueNowCount: counts.counts[.overdue] ?? 0, earliestDeadline: earliest, latestDeadline: latest,
                warnings: warnings)
        }
    }

    /// `configuration` with `item` stored and assigned to `blueprintIDs` (nil: its assignments unchanged).
    static func assigning(_ item: ManagedOSItem, to blueprintIDs: Set<UUID>?, in configuration: FleetConfiguration)
        -> FleetConfiguration
    {
        var result = configuration
        result.items[item.id] = item
        guard let blueprintIDs else { return result }
        for (id, blueprint) in configuration.blueprints {
            var changed = blueprint
            switch blueprint.layout {
            case .classic(let ids):
                let kept = ids.filter { $0 != item.id }
                changed.layout = .classic(itemIDs: blueprintIDs.contains(id) ? kept + [item.id] : kept)
            case .assignmentMap(var map):
                if blueprintIDs.contains(id) {
                    if !map.root.mentions(item.id) { map.root.itemIDs.append(item.id) }
                } else {
                    map.root = map.root.removing(item.id)
                }
                changed.layout = .assignmentMap(map)
            }
            result.blueprints[id] = changed
        }
        return result
    }
}

extension AssignmentNode {
    /// Whether this node or a descendant assigns `itemID`.
    func mentions(_ itemID: UUID) -> Bool { itemIDs.contains(itemID) || children.contains { $0.mentions(itemID) } }

    /// This subtree without `itemID` anywhere.
    func removing(_ itemID: UUID) -> AssignmentNode {
        var node = self
        node.itemIDs.removeAll { $0 == itemID }
        node.children = children.map { $0.removing(itemID) }
        return node
    }

    /// Every item id of the subtree, in depth-first order.
    var allItemIDs: [UUID] { itemIDs + children.flatMap(\.allItemIDs) }
}
