// TokenAuthMiddleware: bearer-token authentication and scope checks for every /v1 route.

import Database
import Foundation
import HTTPTypes
import Hummingbird

/// Requires `Authorization: Bearer <token>` on every route behind it: 401 without a token or with an
/// unknown or revoked one, 403 when the token lacks the scope (`read` for GET and HEAD, `write` otherwise).
/// The caller is available to the routes as `APIPrincipal.current`.
struct TokenAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Where tokens are looked up.
    let pool: ConnectionPool

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            case let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces),
            !token.isEmpty
        else {
            throw LibraryProblem(
                status: .unauthorized, code: "unauthorized", message: "An API token is required (Authorization: Bearer).")
        }
        guard let principal = try await pool.withConnection({ try TokenStore.principal(for: token, on: $0) }) else {
            throw LibraryProblem(status: .unauthorized, code: "unauthorized", message: "The API token is not valid.")
        }
        let needed: TokenScope = [.get, .head].contains(request.method) ? .read : .write
        guard needed.isGranted(by: principal.scopes) else {
            throw LibraryProblem(
                status: .forbidden, code: "forbidden", message: "The API token lacks the \(needed.rawValue) scope.")
        }
        return try await APIPrincipal.$current.withValue(principal) {
            try await next(request, context)
        }
    }
}
