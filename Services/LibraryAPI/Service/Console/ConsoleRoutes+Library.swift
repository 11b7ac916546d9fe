// ConsoleRoutes+Library: the library page (items grouped by major) and deleting an item with confirmation.

import Database
import FleetStore
import Foundation
import HTTPTypes
import Hummingbird
import ManagedOSDomain
import ServiceSupport

extension ConsoleRoutes {
    @Sendable func library(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let service = self.service
        let (items, listing, names) = try await service.pool.withConnection { connection in
            let names = Dictionary(uniqueKeysWithValues: try BlueprintStore.list(on: connection).map { ($0.id, $0.name) })
            return (
                try ItemStore.list(ItemStore.Filter(), on: connection),
                CatalogListing(try service.catalog(on: connection), major: nil, now: service.now()), names
            )
        }
        let latest = Dictionary(listing.majors.map { ($0.major, $0.latestApproved) }) { a, _ in a }
        let majors = Set(items.map(\.document.major)).sorted(by: >)
        let groups: [[String: Any]] = majors.map { major in
            let approved = latest[major] ?? nil
            return [
                "major": major,
                "latestApproved": approved.map { "\($0.version)" + ($0.build.map { " (\($0))" } ?? "") } ?? "none approved",
                "items": items.filter { $0.document.major == major }.map { view in
                    let document = view.document
                    let assigned = view.blueprintIds.compactMap { names[$0] }.sorted()
                    return [
                        "id": document.id.postgresText, "label": document.label,
                        "assignment": assigned.isEmpty ? "Not assigned" : assigned.joined(separator: ", "),
                        "method": ConsoleFormat.method(document.installationMethod),
                        "enforcement": ConsoleFormat.enforcement(document),
                        "timeZone": document.enforcementTimeZone, "bsi": ConsoleFormat.bsi(document),
                    ] as [String: Any]
                },
            ]
        }
        var page: [String: Any] = ["groups": groups, "empty": groups.isEmpty]
        if let saved = request.uri.queryParameters.get("saved").flatMap({ UUID(uuidString: String($0)) }),
            let item = items.first(where: { $0.document.id == saved })
        {
            page["flash"] = "Saved \(item.document.label)."
        }
        if let deleted = request.uri.queryParameters.get("deleted") { page["flash"] = "Deleted \(deleted)." }
        return renderer.page("library", title: "Library", nav: "library", context: page)
    }

    /// The confirmation page: what deleting would do (Macs losing the item, maps using it).
    @Sendable func confirmDelete(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try itemID(context)
        let service = self.service
        let (view, governed, maps) = try await service.pool.withConnection { connection in
            guard let view = try ItemStore.fetch(id, on: connection) else {
                throw ConsoleProblem(status: .notFound, message: "No library item with id \(id.postgresText).")
            }
            let (configuration, _) = try service.configuration(on: connection)
            let governed = try FleetLoader.allMacs(on: connection).count { configuration.itemIDs(for: $0).contains(id) }
            return (view, governed, try AssignmentMapStore.maps(using: id, on: connection).count)
        }
        return renderer.page(
            "delete", title: "Delete \(view.document.label)", nav: "library",
            context: [
                "csrf": csrf, "id": id.postgresText, "label": view.document.label, "major": view.document.major,
                "governed": governed, "maps": maps, "hasMaps": maps > 0, "inUse": governed > 0 || maps > 0,
            ])
    }

    /// Deletes after confirmation (`force`, since the admin saw what it does), as `DELETE /v1/library-items`.
    @Sendable func deleteItem(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try itemID(context)
        let form = try await postForm(request, context: context)
        guard form.value("confirm") == "yes" else { return ConsoleRenderer.redirect("/console/library") }
        let service = self.service
        let actor = APIPrincipal.currentName
        let label = try await service.pool.withTransaction { connection in
            let label = try ItemStore.fetch(id, on: connection)?.document.label ?? ""
            _ = try ItemChanges.delete(id, force: true, actor: actor, service: service, on: connection)
            return label
        }
        let encoded = label.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return ConsoleRenderer.redirect("/console/library?deleted=\(encoded)")
    }
}
