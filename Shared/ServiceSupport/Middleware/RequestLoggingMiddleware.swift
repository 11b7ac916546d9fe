// RequestLoggingMiddleware: one log line per request with method, path, status and duration.

import Hummingbird
import Logging

/// Logs `request completed` for every request with `http.method`, `http.path` (without the query string,
/// which may carry credentials), `http.status` and `http.duration` (seconds), plus the request id that
/// ``RequestIDMiddleware`` put on the logger. `/healthz` and `/metrics` are logged at `debug` only.
public struct RequestLoggingMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The level of ordinary request lines.
    public var level: Logger.Level
    /// Paths logged at `debug` (polled by orchestrators and scrapers).
    public var quietPaths: Set<String>

    /// Creates the middleware.
    public init(level: Logger.Level = .info, quietPaths: Set<String> = ["/healthz", "/metrics"]) {
        self.level = level
        self.quietPaths = quietPaths
    }

    /// Times the chain and logs its outcome.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        let path = request.uri.path
        let level = quietPaths.contains(path) ? Logger.Level.debug : self.level
        do {
            let response = try await next(request, context)
            log(level, request, path, status: response.status.code, duration: clock.now - start, context)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            log(level, request, path, status: status, duration: clock.now - start, context)
            throw error
        }
    }

    private func log(
        _ level: Logger.Level, _ request: Request, _ path: String, status: Int, duration: Duration, _ context: Context
    ) {
        context.logger.log(
            level: level, "request completed",
            metadata: [
                "http.method": .string(request.method.rawValue),
                "http.path": .string(path),
                "http.status": .stringConvertible(status),
                "http.duration": .stringConvertible(duration.seconds),
            ])
    }
}
