// ConsoleRoutes+Catalog: the catalog page (releases per major, CVEs, approvals, the automatic-approval hold)
// and its two forms.

import Database
import Foundation
import HTTPTypes
import Hummingbird
import ServiceSupport

extension ConsoleRoutes {
    @Sendable func catalog(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let service = self.service
        let (listing, sources) = try await service.pool.withConnection { connection in
            (
                CatalogListing(try service.catalog(on: connection), major: nil, now: service.now()),
                try CatalogAdminStore.sources(on: connection)
            )
        }
        let majors: [[String: Any]] = listing.majors.map { major in
            [
                "major": major.major, "latest": major.latestApproved?.version ?? "none approved",
                "releases": major.releases.map { release in
                    [
                        "id": release.id, "domID": "release-" + String(release.id.map { $0.isLetter || $0.isNumber ? $0 : "-" }),
                        "version": release.version + (release.extraVersion.map { " \($0)" } ?? ""),
                        "build": release.build ?? "—",
                        "kind": release.kind == "update" ? "Update" : "Background Security Improvement",
                        "releaseDate": release.releaseDate, "expirationDate": release.expirationDate ?? "—",
                        "expired": release.expired, "cveCount": release.cveCount,
                        "exploited": release.activelyExploited,
                        "exploitedCVEs": release.activelyExploitedCVEs.joined(separator: ", "),
                        "state": release.approval.state, "override": release.approval.override ?? "automatic",
                        "automaticApprovalDate": release.approval.automaticApprovalDate,
                    ] as [String: Any]
                },
            ]
        }
        var page: [String: Any] = [
            "csrf": csrf, "majors": majors, "holdDays": listing.holdDays,
            "bundled": listing.source == .bundledSnapshot,
            "sources": sources.map {
                [
                    "name": $0.name, "location": $0.location,
                    "lastSuccessAt": $0.lastSuccessAt.map(ConsoleFormat.instant) ?? "never",
                    "lastError": $0.lastError ?? "",
                ]
            },
        ]
        if let saved = request.uri.queryParameters.get("saved") { page["flash"] = "Saved \(saved)." }
        return renderer.page("catalog", title: "Catalog", nav: "catalog", context: page)
    }

    /// `releaseId` and `decision` (approved, held, revoked, automatic), as `PUT /v1/catalog/approvals`.
    @Sendable func setApproval(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let form = try await postForm(request, context: context)
        let releaseID = form.value("releaseId") ?? ""
        let decision = form.value("decision") ?? ""
        let service = self.service
        let actor = APIPrincipal.currentName
        _ = try await service.pool.withTransaction { connection in
            try CatalogChanges.setDecision(decision, releaseID: releaseID, actor: actor, service: service, on: connection)
        }
        return ConsoleRenderer.redirect("/console/catalog?saved=" + Self.encode(releaseID))
    }

    /// `holdDays` (0–365), as `PUT /v1/catalog/settings`.
    @Sendable func setHold(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let form = try await postForm(request, context: context)
        guard let days = form.nonEmpty("holdDays").flatMap({ Int($0) }) else {
            throw ConsoleProblem(status: .unprocessableContent, message: "The hold must be a number of days from 0 to 365.")
        }
        let actor = APIPrincipal.currentName
        _ = try await service.pool.withTransaction { connection in
            try CatalogChanges.setHoldDays(days, actor: actor, on: connection)
        }
        return ConsoleRenderer.redirect("/console/catalog?saved=hold")
    }
}
