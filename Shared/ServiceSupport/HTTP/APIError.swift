// APIError: an error a route throws to answer with a specific status, code, message and field problems.

import Hummingbird

/// An error meant for the client. Rendered as
/// `{"error":{"code":…,"message":…,"fields":[{"field":…,"message":…}],"requestId":…}}`.
///
/// Routes throw it for anticipated failures (validation, not found, conflicts); anything else that escapes a
/// route is rendered by ``ErrorRenderingMiddleware`` as a 500 without details.
public struct APIError: Error, HTTPResponseError, Sendable, Equatable {
    /// One invalid input field.
    public struct FieldProblem: Sendable, Equatable, Codable {
        /// The field's name as the client sent it, e.g. `deadline` or `items[2].version`.
        public var field: String
        /// What is wrong with it.
        public var message: String

        /// Creates a field problem.
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    /// The HTTP status of the response.
    public var status: HTTPResponse.Status
    /// A stable, machine-readable code in snake case, e.g. `validation_failed`.
    public var code: String
    /// A human-readable sentence; never contains SQL, stack traces or personal data.
    public var message: String
    /// The invalid fields, if any.
    public var fields: [FieldProblem]

    /// Creates an error response.
    public init(status: HTTPResponse.Status, code: String, message: String, fields: [FieldProblem] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
    }

    /// A `422` for input that parsed but breaks the rules.
    public static func validationFailed(
        _ fields: [FieldProblem], message: String = "The request is invalid."
    )
        -> APIError
    {
        APIError(status: .unprocessableContent, code: "validation_failed", message: message, fields: fields)
    }

    /// Renders the error (used when no ``ErrorRenderingMiddleware`` caught it first).
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        ErrorResponseBody(error: self, requestID: context.requestID).response(status: status)
    }
}
