// RequestIDMiddleware: gives every request one id, on its log lines and in its `X-Request-ID` header.

import Hummingbird
import Logging

/// Adopts the client's `X-Request-ID` when it is short and plain (letters, digits, `-_.:`), so ids can be
/// followed across a proxy; otherwise keeps the id Hummingbird generated. The id is the `hb.request.id`
/// metadata of every log line written through `context.logger`, and is echoed in the response header.
public struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The logger metadata key holding the request id (Hummingbird's own key, so there is one id per line).
    public static var metadataKey: String { "hb.request.id" }
    /// The request and response header carrying the id.
    public static var headerName: HTTPFields.Element.Name { HTTPFields.Element.Name("X-Request-ID")! }
    /// The longest client-supplied id that is accepted.
    public static var maximumLength: Int { 128 }

    /// Creates the middleware.
    public init() {}

    /// Sets the id on the context's logger, calls the chain and adds the id to the response.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let supplied = request.headers[Self.headerName], Self.isAcceptable(supplied) {
            context.logger[metadataKey: Self.metadataKey] = .string(supplied)
        }
        let requestID = context.requestID
        var response = try await next(request, context)
        response.headers[Self.headerName] = requestID
        return response
    }

    /// Whether a client-supplied id is safe to log and echo.
    public static func isAcceptable(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= maximumLength
            && id.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                        || "-_.:".unicodeScalars.contains(scalar))
            }
    }
}
