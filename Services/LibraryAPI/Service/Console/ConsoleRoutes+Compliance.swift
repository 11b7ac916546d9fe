// ConsoleRoutes+Compliance: compliance overview, per item and per blueprint pages (inline SVG charts, a
// filterable Mac table, the CSV export) and a Mac's page (plan, last status report, history).

import Database
import Foundation
import HTTPTypes
import Hummingbird
import ManagedOSDomain
import ServiceSupport

extension ConsoleRoutes {
    /// Most rows the Mac table shows (the CSV export has all of them).
    static let tableLimit = 500

    @Sendable func complianceOverview(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let service = self.service
        let summary = try await service.complianceSummary().view
        func counts(_ counts: ComplianceCounts) -> [[String: Any]] {
            ConsoleFormat.states.map { ["state": $0.rawValue, "count": counts.counts[$0] ?? 0] as [String: Any] }
        }
        let overall = SVGBarChart(
            data: ConsoleFormat.states.map {
                .init(ConsoleFormat.label(for: $0), summary.overall.counts[$0] ?? 0, key: $0.rawValue)
            })
        return renderer.page(
            "compliance", title: "Compliance", nav: "compliance",
            context: [
                "total": summary.totalMacs,
                "stateChart": overall.svg(id: "chart-state", title: "All Macs by compliance state"),
                "states": ConsoleFormat.states.map { ["label": ConsoleFormat.label(for: $0)] },
                "items": summary.perItem.map {
                    [
                        "id": $0.itemId.postgresText, "label": $0.label, "major": $0.major, "total": $0.total,
                        "counts": counts($0.counts),
                    ] as [String: Any]
                },
                "blueprints": summary.perBlueprint.map {
                    [
                        "id": $0.blueprintId?.postgresText ?? "", "hasId": $0.blueprintId != nil,
                        "name": $0.name ?? "No blueprint", "total": $0.total, "counts": counts($0.counts),
                    ] as [String: Any]
                },
            ])
    }

    @Sendable func itemCompliance(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try itemID(context)
        let name = try await service.pool.withConnection { connection in
            try ItemStore.fetch(id, on: connection).map { "\($0.document.label) (macOS \($0.document.major))" }
        }
        guard let name else {
            throw ConsoleProblem(status: .notFound, message: "No library item with id \(id.postgresText).")
        }
        return try await compliancePage(
            request, title: name, scope: ComplianceQueries.Filter(itemID: id), query: "item=\(id.postgresText)",
            path: "/console/compliance/items/\(id.postgresText)")
    }

    @Sendable func blueprintCompliance(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try itemID(context)
        let name = try await service.pool.withConnection { try BlueprintStore.fetch(id, on: $0)?.name }
        guard let name else {
            throw ConsoleProblem(status: .notFound, message: "No blueprint with id \(id.postgresText).")
        }
        return try await compliancePage(
            request, title: "Blueprint \(name)", scope: ComplianceQueries.Filter(blueprintID: id),
            query: "blueprint=\(id.postgresText)", path: "/console/compliance/blueprints/\(id.postgresText)")
    }

    /// Charts over every Mac of `scope`; the table and the CSV link narrowed by `?state=&osVersion=`.
    private func compliancePage(
        _ request: Request, title: String, scope: ComplianceQueries.Filter, query: String, path: String
    ) async throws -> Response {
        let stateText = request.uri.queryParameters.get("state").flatMap { $0.isEmpty ? nil : $0 }
        let versionText = request.uri.queryParameters.get("osVersion").flatMap { $0.isEmpty ? nil : $0 }
        var filter = scope
        if let stateText {
            guard let state = ComplianceStatus(rawValue: stateText) else {
                throw ConsoleProblem(status: .badRequest, message: "\"\(stateText)\" is not a compliance state.")
            }
            filter.state = state
        }
        filter.osVersion = versionText
        let service = self.service
        let tableFilter = filter
        let (all, shown) = try await service.pool.withConnection { connection in
            (
                try ComplianceQueries.rows(scope, after: nil, limit: nil, on: connection),
                try ComplianceQueries.rows(tableFilter, after: nil, limit: Self.tableLimit + 1, on: connection)
            )
        }
        let stateChart = SVGBarChart(data: ComplianceCharts.byState(all))
        let versionChart = SVGBarChart(data: ComplianceCharts.byVersion(all))
        let timeline = SVGBarChart(
            data: ComplianceCharts.timeline(all, now: service.now()), orientation: .vertical, width: 900,
            plotHeight: 120,
            labelEvery: 5)
        var csvQuery = query
        if let stateText { csvQuery += "&state=" + Self.encode(stateText) }
        if let versionText { csvQuery += "&osVersion=" + Self.encode(versionText) }
        let versions = Set(all.compactMap(\.osVersion)).sorted()
        return renderer.page(
            "compliance-detail", title: title, nav: "compliance",
            context: [
                "title": title, "path": path, "total": all.count,
                "stateChart": stateChart.svg(id: "chart-state", title: "Macs by compliance state"),
                "versionChart": versionChart.svg(id: "chart-version", title: "Macs by exact OS version"),
                "timelineChart": timeline.svg(
                    id: "chart-timeline", title: "Macs due per day, next 30 days (UTC)"),
                "csvURL": "/console/compliance/macs.csv?" + csvQuery,
                "stateOptions": ConsoleFormat.states.map {
                    ["value": $0.rawValue, "label": ConsoleFormat.label(for: $0), "selected": $0.rawValue == stateText]
                        as [String: Any]
                },
                "versionOptions": versions.map { ["value": $0, "selected": $0 == versionText] as [String: Any] },
                "filtered": stateText != nil || versionText != nil, "shownCount": min(shown.count, Self.tableLimit),
                "truncated": shown.count > Self.tableLimit,
                "rows": shown.prefix(Self.tableLimit).map { row in
                    var cells: [String: Any] = [
                        "deviceId": row.deviceId.postgresText, "enrollmentId": row.enrollmentId,
                        "serial": row.serialNumber ?? "", "osVersion": row.osVersion ?? "—", "state": row.state,
                        "stateLabel": ComplianceStatus(rawValue: row.state).map(ConsoleFormat.label(for:)) ?? row.state,
                        "target": row.targetVersion.map { v in v + (row.targetBuild.map { " (\($0))" } ?? "") } ?? "—",
                        "deadline": row.deadlineLocal ?? row.deadline.map(ConsoleFormat.instant) ?? "—",
                        "days": row.daysRemaining.map(String.init) ?? "—",
                        "lastReport": row.lastReportAt.map(ConsoleFormat.instant) ?? "never",
                    ]
                    if let failure = row.failureReason { cells["failure"] = failure }
                    return cells
                },
            ])
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? ""
    }

    /// The rows as `GET /v1/compliance/macs.csv` exports them (same filters, same CSV).
    @Sendable func complianceCSV(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let filter = try ComplianceRoutes.filter(request)
        let rows = try await service.pool.withConnection {
            try ComplianceQueries.rows(filter, after: nil, limit: nil, on: $0)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"compliance.csv\"",
            ],
            body: .init(byteBuffer: ByteBuffer(string: ComplianceCSV.render(rows))))
    }

    @Sendable func macPage(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try itemID(context)
        let (device, plan, status) = try await service.pool.withConnection { connection in
            guard let device = try DeviceStore.fetch(id, on: connection) else {
                throw ConsoleProblem(status: .notFound, message: "No Mac with id \(id.postgresText).")
            }
            return (
                device, try DeviceDetailStore.plan(id, on: connection),
                try DeviceDetailStore.status(id, historyLimit: 20, on: connection)
            )
        }
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        func json(_ value: JSONValue?) -> String {
            guard let value, let data = try? pretty.encode(value) else { return "" }
            return String(decoding: data, as: UTF8.self)
        }
        func target(_ target: DevicePlanView.Target?) -> [String: Any]? {
            guard let target else { return nil }
            return [
                "version": target.version ?? "—", "build": target.build ?? "",
                "deadline": target.deadline.map(ConsoleFormat.instant) ?? "—",
                "local": target.targetLocalDateTime ?? "—",
            ]
        }
        var page: [String: Any] = [
            "enrollmentId": device.enrollmentId, "serial": device.serialNumber ?? "—",
            "model": device.modelIdentifier ?? "—", "timeZone": device.timeZone ?? "—",
            "hasPlan": plan.hasPlan, "compliance": plan.compliance,
            "daysRemaining": plan.daysRemaining.map(String.init) ?? "—",
            "evaluatedAt": plan.evaluatedAt.map(ConsoleFormat.instant) ?? "—",
            "nextEvaluationAt": plan.nextEvaluationAt.map(ConsoleFormat.instant) ?? "—",
            "planJSON": json(plan.plan),
            "osVersion": status.osVersion ?? "—", "build": status.buildVersion ?? "—",
            "installState": status.installState ?? "—",
            "lastReportAt": status.lastReportAt.map(ConsoleFormat.instant) ?? "never",
            "statusJSON": json(status.statusItems),
            "history": status.recentHistory.map { entry in
                [
                    "receivedAt": ConsoleFormat.instant(entry.receivedAt),
                    "full": entry.fullReport ? "full" : "incremental",
                    "applied": entry.applied ? "applied" : "too late", "relevant": entry.relevant ? "yes" : "no",
                    "items": json(entry.items),
                ] as [String: Any]
            },
            "parseErrors": status.parseErrors.map {
                ["receivedAt": ConsoleFormat.instant($0.receivedAt), "item": $0.item, "message": $0.message]
            },
        ]
        if let failure = status.failureReason { page["failure"] = failure }
        if let declared = target(plan.declaredTarget) { page["declared"] = declared }
        if let bsi = target(plan.bsiTarget) { page["bsi"] = bsi }
        return renderer.page("mac", title: "Mac \(device.enrollmentId)", nav: "compliance", context: page)
    }
}
