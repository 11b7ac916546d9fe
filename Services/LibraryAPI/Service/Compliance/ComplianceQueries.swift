// ComplianceQueries: SQL for the compliance views over mac_plans (scheduler) and device_status (status-ingest).

import Database
import EventBus
import Foundation
import ManagedOSDomain

/// Fleet-wide compliance read models. A Mac's state is its plan's overall compliance; a Mac without a plan
/// (never evaluated, e.g. never reported) counts as `unknown`.
enum ComplianceQueries {
    /// Filters of the per-Mac rows.
    struct Filter: Sendable {
        /// Macs the item reaches (the plan's `item_ids`; Macs without a plan: their classic blueprint lists it).
        var itemID: UUID?
        var blueprintID: UUID?
        var state: ComplianceStatus?
        /// Exact reported OS version.
        var osVersion: String?
    }

    /// The bus topics whose events announce every change to what the summary counts: plans (compliance, items
    /// reached), Macs (registered, moved, deleted, reported a new OS version), blueprints and items.
    static let changeTopics = [BusTopic.plan, BusTopic.device, BusTopic.blueprint, BusTopic.library]

    /// The newest event id of ``changeTopics`` (0 when there is none): one backward step of the
    /// `(topic, id)` index per topic.
    static func changeMark(on connection: DatabaseConnection) throws -> Int64 {
        let newest = changeTopics.indices.map { "(SELECT max(id) FROM bus_events WHERE topic = $\($0 + 1))" }
            .joined(separator: ", ")
        return try connection.query(
            "SELECT coalesce(greatest(\(newest)), 0) AS mark", changeTopics
        ).first?.decode("mark") ?? 0
    }

    /// The summary at `now`.
    static func summary(now: Date, on connection: DatabaseConnection) throws -> ComplianceSummaryView {
        var overall = ComplianceCounts()
        var byBlueprint: [UUID?: (name: String?, counts: ComplianceCounts)] = [:]
        var byVersion: [String?: ComplianceCounts] = [:]
        let grouped = try connection.query(
            """
            SELECT GROUPING(d.blueprint_id) AS by_version, d.blueprint_id, s.os_version,
                   coalesce(p.compliance, 'unknown') AS state, count(*)::integer AS n
            FROM devices d LEFT JOIN device_status s ON s.device_id = d.id LEFT JOIN mac_plans p ON p.device_id = d.id
            GROUP BY GROUPING SETS ((d.blueprint_id, coalesce(p.compliance, 'unknown')),
                                  (s.os_version, coalesce(p.compliance, 'unknown')))
            """)
        for row in grouped.rows {
            guard let status = ComplianceStatus(rawValue: try row.decode("state")) else { continue }
            let count: Int = try row.decode("n")
            if try row.decode("by_version", as: Int.self) == 1 {
                byVersion[try row.decodeIfPresent("os_version", as: String.self), default: ComplianceCounts()]
                    .add(status, count)
            } else {
                overall.add(status, count)
                byBlueprint[try row.decodeIfPresent("blueprint_id", as: UUID.self), default: (nil, ComplianceCounts())]
                    .counts.add(status, count)
            }
        }
        for row in try connection.query("SELECT id, name FROM blueprints").rows {
            let id: UUID = try row.decode("id")
            byBlueprint[id, default: (nil, ComplianceCounts())].name = try row.decode("name")
        }
        var byItem: [UUID: ComplianceCounts] = [:]
        let perItem = try connection.query(
            """
            SELECT i.item_id, p.compliance AS state, count(*)::integer AS n
            FROM mac_plans p CROSS JOIN LATERAL unnest(p.item_ids) AS i(item_id)
            GROUP BY 1, 2
            UNION ALL
            SELECT bi.item_id, 'unknown', count(*)::integer
            FROM devices d JOIN blueprint_items bi ON bi.blueprint_id = d.blueprint_id
            WHERE NOT EXISTS (SELECT 1 FROM mac_plans p WHERE p.device_id = d.id)
            GROUP BY 1
            """)
        for row in perItem.rows {
            guard let status = ComplianceStatus(rawValue: try row.decode("state")) else { continue }
            byItem[try row.decode("item_id"), default: ComplianceCounts()].add(status, try row.decode("n"))
        }
        let items = try connection.query("SELECT id, label, major FROM items ORDER BY major DESC, label, id").rows.map {
            row -> ComplianceSummaryView.ItemCounts in
            let counts = byItem[try row.decode("id")] ?? ComplianceCounts()
            return .init(
                itemId: try row.decode("id"), label: try row.decode("label"), major: try row.decode("major"),
                total: counts.total, counts: counts)
        }
        // Exact versions, newest first; `15.7` and `15.7.0` are one version (kept as first seen).
        var merged: [(version: OSVersion?, text: String?, counts: ComplianceCounts)] = []
        for (text, counts) in byVersion {
            let version = text.flatMap { try? OSVersion(parsing: $0) }
            if let index = merged.firstIndex(where: { $0.version != nil && $0.version == version }) {
                for (status, count) in counts.counts { merged[index].counts.add(status, count) }
            } else {
                merged.append((version, text, counts))
            }
        }
        merged.sort { lhs, rhs in
            switch (lhs.version, rhs.version) {
            case let (l?, r?): return l > r
            case (nil, _?): return false
            case (_?, nil): return true
            case (nil, nil): return (lhs.text ?? "") < (rhs.text ?? "")
            }
        }
        return ComplianceSummaryView(
            generatedAt: now, totalMacs: overall.total, overall: overall, perItem: items,
            perBlueprint: byBlueprint.map { .init(blueprintId: $0.key, name: $0.value.name, total: $0.value.counts.total, counts: $0.value.counts) }
                .sorted { ($0.name ?? "\u{10FFFF}", $0.blueprintId?.uuidString ?? "") < ($1.name ?? "\u{10FFFF}", $1.blueprintId?.uuidString ?? "") },
            perVersion: merged.map { .init(osVersion: $0.text, total: $0.counts.total, counts: $0.counts) })
    }

    /// Per-Mac rows matching `filter`, by enrollment id, after `after`, at most `limit` (nil: all).
    static func rows(_ filter: Filter, after: String?, limit: Int?, on connection: DatabaseConnection) throws
        -> [ComplianceRowView]
    {
        let (sql, parameters) = statement(
            """
            d.id, d.enrollment_id, d.serial_number, d.blueprint_id, s.os_version, s.last_received_at,
            CASE WHEN s.failure_count > 0 THEN s.failure_reason END AS failure_reason,
            coalesce(p.compliance, 'unknown') AS state, p.os_target_version, p.os_target_build, p.os_deadline,
            p.os_deadline_local, p.days_remaining
            """, filter, after: after, limit: limit)
        return try connection.query(sql, parameters).rows.map { row in
            ComplianceRowView(
                deviceId: try row.decode("id"), enrollmentId: try row.decode("enrollment_id"),
                serialNumber: try row.decodeIfPresent("serial_number"), blueprintId: try row.decodeIfPresent("blueprint_id"),
                osVersion: try row.decodeIfPresent("os_version"), state: try row.decode("state"),
                targetVersion: try row.decodeIfPresent("os_target_version"),
                targetBuild: try row.decodeIfPresent("os_target_build"), deadline: try row.decodeIfPresent("os_deadline"),
                deadlineLocal: try row.decodeIfPresent("os_deadline_local"),
                daysRemaining: try row.decodeIfPresent("days_remaining"),
                failureReason: try row.decodeIfPresent("failure_reason"),
                lastReportAt: try row.decodeIfPresent("last_received_at"))
        }
    }

    /// The same rows as ``rows(_:after:limit:on:)``, each as the JSON text of its ``ComplianceRowView`` (keys
    /// sorted, absent when nil, upper-case UUIDs, instants in whole UTC seconds as the API's encoder writes
    /// them), written by PostgreSQL: a page of 100 rows is then copied, not decoded and encoded again, which was
    /// most of the listing's cost in the service. `concat_ws` skips the members whose value is NULL; text that
    /// could need escaping goes through `to_json`, while UUIDs, instants and integers never do.
    static func rowsJSON(_ filter: Filter, after: String?, limit: Int, on connection: DatabaseConnection) throws
        -> [(enrollmentID: String, json: String)]
    {
        func text(_ key: String, _ value: String) -> String { #"'"\#(key)":' || to_json(\#(value))::text"# }
        func quoted(_ key: String, _ value: String) -> String { #"'"\#(key)":"' || \#(value) || '"'"# }
        func instant(_ column: String) -> String {
            #"to_char(\#(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"#
        }
        let members = [
            quoted("blueprintId", "upper(d.blueprint_id::text)"), #"'"daysRemaining":' || p.days_remaining"#,
            quoted("deadline", instant("p.os_deadline")), text("deadlineLocal", "p.os_deadline_local"),
            quoted("deviceId", "upper(d.id::text)"), text("enrollmentId", "d.enrollment_id"),
            text("failureReason", "CASE WHEN s.failure_count > 0 THEN s.failure_reason END"),
            quoted("lastReportAt", instant("s.last_received_at")), text("osVersion", "s.os_version"),
            text("serialNumber", "d.serial_number"), text("state", "coalesce(p.compliance, 'unknown')"),
            text("targetBuild", "p.os_target_build"), text("targetVersion", "p.os_target_version"),
        ].joined(separator: ", ")
        let (sql, parameters) = statement(
            "d.enrollment_id, '{' || concat_ws(',', \(members)) || '}' AS item", filter, after: after, limit: limit)
        return try connection.query(sql, parameters).rows.map {
            (try $0.decode("enrollment_id"), try $0.decode("item"))
        }
    }

    /// The listing's statement selecting `columns`. Only the filters in use are in the SQL (values still bound
    /// as parameters), so a page is one range scan of the enrollment-id index however deep the cursor.
    private static func statement(_ columns: String, _ filter: Filter, after: String?, limit: Int?)
        -> (sql: String, parameters: [(any PostgresBindable)?])
    {
        var sql = SQLConditions()
        if let itemID = filter.itemID {
            let item = sql.bind(itemID)
            sql.add(
                "(p.item_ids @> ARRAY[\(item)::uuid] OR (p.device_id IS NULL AND EXISTS (SELECT 1 FROM blueprint_items bi "
                    + "WHERE bi.blueprint_id = d.blueprint_id AND bi.item_id = \(item)::uuid)))")
        }
        if let blueprintID = filter.blueprintID { sql.add("d.blueprint_id = \(sql.bind(blueprintID))::uuid") }
        if let state = filter.state { sql.add("coalesce(p.compliance, 'unknown') = \(sql.bind(state.rawValue))") }
        if let version = filter.osVersion { sql.add("s.os_version = \(sql.bind(version))") }
        if let after { sql.add("d.enrollment_id > \(sql.bind(after))") }
        let limitClause = limit.map { "LIMIT \(sql.bind($0))" } ?? ""
        return (
            """
            SELECT \(columns)
            FROM devices d LEFT JOIN device_status s ON s.device_id = d.id LEFT JOIN mac_plans p ON p.device_id = d.id
            \(sql.whereClause)
            ORDER BY d.enrollment_id \(limitClause)
            """,
            sql.parameters
        )
    }
}
