// ConsoleRoutes+Audit: the audit log page, filterable like GET /v1/audit-log.

import Database
import Foundation
import HTTPTypes
import Hummingbird
import ServiceSupport

extension ConsoleRoutes {
    /// `?entityType=&entityId=&actor=&action=&since=&until=` (dates `YYYY-MM-DD`, UTC; `until` inclusive).
    @Sendable func audit(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        func text(_ name: String) -> String? {
            query.get(name).map { String($0).trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        func day(_ name: String) throws -> Date? {
            guard let value = text(name) else { return nil }
            guard let date = try? Date(value + "T00:00:00Z", strategy: .iso8601) else {
                throw ConsoleProblem(status: .badRequest, message: "\(name) must be a date YYYY-MM-DD.")
            }
            return date
        }
        let filter = AuditLog.Filter(
            entityType: text("entityType"), entityID: text("entityId"), actor: text("actor"), action: text("action"),
            since: try day("since"), until: try day("until").map { $0.addingTimeInterval(86_400) }, limit: 200)
        let entries = try await service.pool.withConnection { try AuditLog.list(filter, on: $0) }
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        func json(_ box: AuditLog.JSONValueBox?) -> String {
            guard let box, let data = try? pretty.encode(box.value) else { return "—" }
            return String(decoding: data, as: UTF8.self)
        }
        return renderer.page(
            "audit", title: "Audit log", nav: "audit",
            context: [
                "entityType": text("entityType") ?? "", "entityId": text("entityId") ?? "", "actor": text("actor") ?? "",
                "action": text("action") ?? "", "since": text("since") ?? "", "until": text("until") ?? "",
                "empty": entries.isEmpty,
                "entries": entries.map { entry in
                    [
                        "id": entry.id, "occurredAt": ConsoleFormat.instant(entry.occurredAt), "actor": entry.actor,
                        "action": entry.action, "entityType": entry.entityType, "entityId": entry.entityId,
                        "before": json(entry.before), "after": json(entry.after),
                    ] as [String: Any]
                },
            ])
    }
}
