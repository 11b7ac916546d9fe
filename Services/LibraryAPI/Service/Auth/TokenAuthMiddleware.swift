// TokenAuthMiddleware: bearer-token authentication and scope checks for every /v1 route.

import Database
import Foundation
import HTTPTypes
import Hummingbird

/// Requires `Authorization: Bearer <token>` on every route behind it: 401 without a token or with an
/// unknown or revoked one, 403 when the token lacks the scope (`read` for GET and HEAD, `write` otherwise).
/// The caller is available to the routes as `APIPrincipal.current`. A valid token's caller is kept in
/// `principals` until a token is revoked, so most requests do not look their token up.
struct TokenAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Where tokens are looked up.
    let pool: ConnectionPool
    /// The callers of valid tokens, kept while no token has been revoked.
    let principals: APIPrincipalCache

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
        guard let principal = try await principal(for: token) else {
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

    /// The caller of `token`, kept or looked up (and then kept), or nil when the token is unknown or revoked.
    private func principal(for token: String) async throws -> APIPrincipal? {
        let digest = TokenStore.digest(token)
        if let kept = principals.principal(forDigest: digest) { return kept }
        let (principal, mark) = try await pool.withConnection {
            try TokenStore.principalAndRevocationMark(forDigest: digest, on: $0)
        }
        if let principal { principals.keep(principal, forDigest: digest, mark: mark) }
        return principal
    }
}
