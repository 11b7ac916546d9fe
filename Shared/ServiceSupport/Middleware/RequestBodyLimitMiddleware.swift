// RequestBodyLimitMiddleware: refuses request bodies over a size limit with 413 before a route sees them.

import Hummingbird

/// Every HTTP body has a size limit. Requests that declare a larger `Content-Length` are refused at once;
/// bodies of unknown length are collected up to the limit (all bodies here are small JSON documents), and
/// refused with `413 content_too_large` when they exceed it.
public struct RequestBodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The limit used when none is given: 1 MiB.
    public static var defaultMaximumBytes: Int { 1 << 20 }
    /// The largest accepted body, in bytes.
    public var maximumBytes: Int

    /// Creates the middleware with a limit in bytes.
    public init(maximumBytes: Int = Self.defaultMaximumBytes) {
        self.maximumBytes = maximumBytes
    }

    /// Checks the declared length, collects the body within the limit and calls the chain.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let tooLarge = HTTPError(
            .contentTooLarge, message: "The request body exceeds the limit of \(maximumBytes) bytes.")
        let declaredLength = request.headers[.contentLength].flatMap { Int($0) }
        if let declaredLength, declaredLength > maximumBytes {
            throw tooLarge
        }
        guard declaredLength ?? 0 > 0 || request.headers[.transferEncoding] != nil else {
            return try await next(request, context)
        }
        var request = request
        do {
            _ = try await request.collectBody(upTo: maximumBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw tooLarge
        }
        return try await next(request, context)
    }
}
