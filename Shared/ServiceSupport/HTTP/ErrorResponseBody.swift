// ErrorResponseBody: the JSON shape of every error response.

import Foundation
import Hummingbird

/// `{"error":{"code":…,"message":…,"fields":[…],"requestId":…}}`, the body of every error response.
public struct ErrorResponseBody: Sendable, Equatable, Codable {
    /// The `error` object.
    public struct Details: Sendable, Equatable, Codable {
        /// Stable machine-readable code.
        public var code: String
        /// Human-readable sentence.
        public var message: String
        /// Invalid fields; empty when the error is not about input.
        public var fields: [APIError.FieldProblem]
        /// The request's id, to quote when reporting a problem.
        public var requestId: String?
    }

    /// The error.
    public var error: Details

    /// Creates the body for an ``APIError``.
    public init(error: APIError, requestID: String?) {
        self.error = Details(
            code: error.code, message: error.message, fields: error.fields, requestId: requestID)
    }

    /// The JSON encoding (keys sorted, so output is stable).
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain strings and arrays of them cannot fail.
        return (try? encoder.encode(self)) ?? Data(#"{"error":{"code":"internal_error","fields":[]}}"#.utf8)
    }

    /// A response carrying this body.
    public func response(status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: encoded())))
    }
}
