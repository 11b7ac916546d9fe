// AuditRoutes: GET /v1/audit-log: the admin API's change history, filterable.

import Database
import Foundation
import HTTPTypes
import Hummingbird
import ServiceSupport

/// Lists audit rows newest first, filtered by `entityType`, `entityId`, `actor`, `action`, `since`, `until`
/// (ISO 8601 instants) and `limit` (1–1000, default 100).
struct AuditRoutes: Sendable {
    let pool: ConnectionPool

    func add(to group: RouterGroup<ServiceRequestContext>) {
        group.get("audit-log", use: list)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let instant: (String) -> Date? = { try? Date($0, strategy: .iso8601) }
        let filter = AuditLog.Filter(
            entityType: query.get("entityType"), entityID: query.get("entityId"), actor: query.get("actor"),
            action: query.get("action"),
            since: try RequestParameters.query("since", request, expected: "an ISO 8601 instant", instant),
            until: try RequestParameters.query("until", request, expected: "an ISO 8601 instant", instant),
            limit: try RequestParameters.query("limit", request, expected: "an integer from 1 to 1000") {
                Int($0).flatMap { (1...1000).contains($0) ? $0 : nil }
            } ?? 100)
        let entries = try await pool.withConnection { try AuditLog.list(filter, on: $0) }
        return try JSONBody.response(ListResponse(items: entries))
    }
}
