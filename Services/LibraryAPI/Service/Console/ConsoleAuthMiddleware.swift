// ConsoleAuthMiddleware: requires a valid console session on every console page except sign-in.

import Database
import Foundation
import HTTPTypes
import Hummingbird

/// Checks the signed session cookie (``ConsoleSession``) and that its admin token is still active in
/// `api_tokens` (the same lookup as ``TokenAuthMiddleware``); without one a GET is redirected to the sign-in
/// page and anything else is `403`. The viewer is available as `ConsoleViewer.current` and the token's
/// principal as `APIPrincipal.current` (the audit log's actor), as for the JSON API.
struct ConsoleAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let pool: ConnectionPool
    let sessions: ConsoleSession
    let now: @Sendable () -> Date

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        if path == "/console/login" { return try await next(request, context) }
        guard let value = request.cookies[ConsoleSession.cookieName]?.value,
            let claims = sessions.verify(value, now: now()),
            let principal = try await pool.withConnection({
                try TokenStore.principal(forDigest: claims.tokenDigest, on: $0)
            })
        else {
            guard request.method == .get || request.method == .head else {
                throw ConsoleProblem(status: .forbidden, message: "Your session has ended. Sign in again.")
            }
            return ConsoleRenderer.redirect("/console/login")
        }
        let viewer = ConsoleViewer(principal: principal, session: value, csrfToken: sessions.csrfToken(session: value))
        return try await ConsoleViewer.$current.withValue(viewer) {
            try await APIPrincipal.$current.withValue(principal) {
                try await next(request, context)
            }
        }
    }
}
