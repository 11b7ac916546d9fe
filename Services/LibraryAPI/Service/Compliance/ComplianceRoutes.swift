// ComplianceRoutes: /v1/compliance: fleet-wide counts, per-Mac rows (paged) and their CSV export.

import Database
import Foundation
import HTTPTypes
import Hummingbird
import ManagedOSDomain
import ServiceSupport

/// Compliance views across every blueprint.
struct ComplianceRoutes: Sendable {
    let service: LibraryAPIService

    func add(to group: RouterGroup<ServiceRequestContext>) {
        group.get("compliance/summary", use: summary)
        group.get("compliance/macs", use: macs)
        group.get("compliance/macs.csv", use: csv)
    }

    @Sendable func summary(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let summary = try await service.complianceSummary()
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: summary.json))
    }

    static func filter(_ request: Request) throws -> ComplianceQueries.Filter {
        ComplianceQueries.Filter(
            itemID: try RequestParameters.uuid("item", request),
            blueprintID: try RequestParameters.uuid("blueprint", request),
            state: try RequestParameters.complianceStatus(request, name: "state"),
            osVersion: request.uri.queryParameters.get("osVersion"))
    }

    /// `?item=&blueprint=&state=&osVersion=&limit=&cursor=`.
    @Sendable func macs(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let filter = try Self.filter(request)
        let paging = try Paging(request)
        let rows = try await service.pool.withConnection {
            try ComplianceQueries.rowsJSON(filter, after: paging.after, limit: paging.limit + 1, on: $0)
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: paging.jsonPage(rows.map { (key: $0.enrollmentID, json: $0.json) })))
    }

    /// The same rows as `macs`, every one (no paging), as `text/csv`.
    @Sendable func csv(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let filter = try Self.filter(request)
        let rows = try await service.pool.withConnection {
            try ComplianceQueries.rows(filter, after: nil, limit: nil, on: $0)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"compliance.csv\"",
            ],
            body: .init(byteBuffer: ByteBuffer(string: ComplianceCSV.render(rows))))
    }
}
