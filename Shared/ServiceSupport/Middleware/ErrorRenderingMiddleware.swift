// ErrorRenderingMiddleware: turns every error escaping a route into the JSON error shape.

import Database
import Hummingbird
import Logging

/// Renders errors as `{"error":{"code","message","fields":[],"requestId"}}`:
/// - ``APIError``: its status, code, message and fields;
/// - Hummingbird's `HTTPError` (e.g. 404 for unknown paths): its status and message;
/// - any other `HTTPResponseError` (e.g. a body over the limit): its status and the status's reason phrase;
/// - a `DatabaseError.nulCharacter` (text from the request holding U+0000, which PostgreSQL cannot store; refused
///   before anything is sent, so the request's transaction rolls back): `400 invalid_text`;
/// - anything else: `500 internal_error` with only the request id; the error itself is logged, never sent.
public struct ErrorRenderingMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Creates the middleware.
    public init() {}

    /// Calls the rest of the chain and renders any error it throws.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return Self.render(error, context: context)
        }
    }

    /// The response for `error` (and a log line for unexpected errors).
    public static func render(_ error: any Error, context: Context) -> Response {
        let requestID = context.requestID
        switch error {
        case let error as APIError:
            return ErrorResponseBody(error: error, requestID: requestID).response(status: error.status)
        case let error as HTTPError:
            let apiError = APIError(
                status: error.status, code: code(for: error.status),
                message: error.body ?? error.status.reasonPhrase)
            return ErrorResponseBody(error: apiError, requestID: requestID)
                .response(status: error.status, headers: error.headers)
        case let error as DatabaseError where error.code == .nulCharacter:
            let apiError = APIError(
                status: .badRequest, code: "invalid_text",
                message: "A value in the request contains the NUL character (U+0000), which cannot be stored.")
            return ErrorResponseBody(error: apiError, requestID: requestID).response(status: .badRequest)
        case let error as any HTTPResponseError:
            let apiError = APIError(
                status: error.status, code: code(for: error.status), message: error.status.reasonPhrase)
            return ErrorResponseBody(error: apiError, requestID: requestID).response(status: error.status)
        default:
            context.logger.error(
                "unexpected error",
                metadata: [
                    "error.type": .string(String(reflecting: type(of: error))),
                    "error.message": .string(String(describing: error)),
                ])
            let apiError = APIError(
                status: .internalServerError, code: "internal_error",
                message: "An unexpected error occurred. Quote the request id when reporting it.")
            return ErrorResponseBody(error: apiError, requestID: requestID).response(status: .internalServerError)
        }
    }

    /// A snake-case code for a status: `404` → `not_found`, `413` → `content_too_large`.
    public static func code(for status: HTTPResponse.Status) -> String {
        let words = status.reasonPhrase.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        return words.isEmpty ? "http_\(status.code)" : words.joined(separator: "_")
    }
}
