// ConsoleRoutes: the admin console's pages under /console (sign-in, library, item editor, compliance,
// catalog, audit), server-rendered HTML over the same stores as the JSON API.

import Database
import Foundation
import HTTPTypes
import Hummingbird
import ServiceSupport

/// The console. Every page but sign-in needs a session (``ConsoleAuthMiddleware``); every POST carries the
/// session's CSRF token (checked by ``postForm(_:context:)`` before anything is read or written). Writes go
/// through the same change functions as the JSON API (``ItemChanges``, ``BlueprintChanges``,
/// ``AssignmentMapChanges``, ``CatalogChanges``), so the audit log and bus events are the same.
struct ConsoleRoutes: Sendable {
    let service: LibraryAPIService
    let renderer: ConsoleRenderer
    let sessions: ConsoleSession

    /// Adds every `/console` route to `router`.
    func add(to router: Router<ServiceRequestContext>) {
        let console = router.group("console")
            .add(middleware: ConsoleErrorMiddleware(renderer: renderer))
            .add(middleware: ConsoleAuthMiddleware(pool: service.pool, sessions: sessions, now: service.now))
        console.get(use: home)
        console.get("login", use: loginPage)
        console.post("login", use: login)
        console.post("logout", use: logout)
        console.get("library", use: library)
        console.get("items/new", use: newItem)
        console.post("items", use: saveNewItem)
        console.get("items/:id/edit", use: editItem)
        console.post("items/:id", use: saveItem)
        console.get("items/:id/delete", use: confirmDelete)
        console.post("items/:id/delete", use: deleteItem)
        console.get("compliance", use: complianceOverview)
        console.get("compliance/items/:id", use: itemCompliance)
        console.get("compliance/blueprints/:id", use: blueprintCompliance)
        console.get("compliance/macs.csv", use: complianceCSV)
        console.get("macs/:id", use: macPage)
        console.get("catalog", use: catalog)
        console.post("catalog/approvals", use: setApproval)
        console.post("catalog/settings", use: setHold)
        console.get("audit", use: audit)
    }

    @Sendable func home(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        ConsoleRenderer.redirect("/console/library")
    }

    /// The posted form of a signed-in admin with write scope, after its CSRF token is checked: `403` (and
    /// nothing read or written) when the token is missing or belongs to another session.
    func postForm(_ request: Request, context: ServiceRequestContext) async throws -> ConsoleForm {
        guard let viewer = ConsoleViewer.current else {
            throw ConsoleProblem(status: .forbidden, message: "Sign in first.")
        }
        let form = try await ConsoleForm.read(request, context: context)
        guard ConsoleSession.matches(form.value("csrf"), viewer.csrfToken) else {
            throw ConsoleProblem(
                status: .forbidden,
                message: "The form's security token is missing or out of date (CSRF check failed). Reload the page and try again.")
        }
        guard viewer.canWrite else {
            throw ConsoleProblem(status: .forbidden, message: "Your API token has the read scope only.")
        }
        return form
    }

    /// The current viewer's CSRF token (for forms).
    var csrf: String { ConsoleViewer.current?.csrfToken ?? "" }
}
