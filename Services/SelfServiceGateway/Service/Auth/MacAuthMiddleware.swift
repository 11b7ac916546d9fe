// MacAuthMiddleware: every /v1/me route needs the Mac's credential; it is rate limited per Mac.

import HTTPTypes
import Hummingbird
import ServiceSupport

/// Requires a credential (`401 unauthorized` without one), applies the per-Mac rate limit (`429
/// too_many_requests` with `Retry-After`) and hands the credential to the routes as `MacCredential.current`.
/// The routes look the Mac up in the same database round trip as their own work (an unknown or revoked
/// credential is a 401 there).
struct MacAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let limiter: MacRateLimiter

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let credential = MacCredential.presented(by: request) else { throw GatewayProblem.missingCredential }
        try Self.admit(credential, limiter: limiter)
        return try await MacCredential.$current.withValue(credential) {
            try await next(request, context)
        }
    }

    /// Throws the 429 when `credential` is over its limit.
    static func admit(_ credential: MacCredential, limiter: MacRateLimiter) throws {
        if case .limited(let seconds) = limiter.check(credential.key) {
            throw HTTPError(
                .tooManyRequests, headers: [.retryAfter: String(seconds)],
                message: "Too many requests from this Mac; retry after \(seconds) seconds.")
        }
    }
}
