// LibraryProblem: an error answer of the admin API, with per-field problems that carry a code.

import HTTPTypes
import Hummingbird
import ManagedOSDomain

/// An anticipated failure of an admin API request, rendered by ``LibraryProblemMiddleware`` as
/// `{"error":{"code","message","fields":[{"field","code","message"}],"requestId","governedMacCount"?}}`.
public struct LibraryProblem: Error, Sendable, Equatable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// Stable machine-readable code (`validation_failed`, `unknown_field`, …).
    public var code: String
    /// A sentence for the admin.
    public var message: String
    /// The fields concerned.
    public var fields: [ItemValidationIssue]
    /// For `item_in_use`: how many Macs the item still governs.
    public var governedMacCount: Int?

    /// Creates a problem.
    public init(
        status: HTTPResponse.Status, code: String, message: String, fields: [ItemValidationIssue] = [],
        governedMacCount: Int? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.governedMacCount = governedMacCount
    }

    /// 400 for a body that is not what the route reads (one field named).
    static func badRequest(field: String, code: String, message: String) -> LibraryProblem {
        LibraryProblem(
            status: .badRequest, code: code, message: message,
            fields: [ItemValidationIssue(field: field, code: code, message: message)])
    }

    /// 422 with every rule the input breaks.
    static func validationFailed(_ issues: [ItemValidationIssue]) -> LibraryProblem {
        LibraryProblem(
            status: .unprocessableContent, code: "validation_failed",
            message: "The request is invalid: \(issues.count) problem(s).", fields: issues)
    }

    /// 404 for an unknown id.
    static func notFound(_ what: String, id: String) -> LibraryProblem {
        LibraryProblem(status: .notFound, code: "not_found", message: "No \(what) with id \(id).")
    }
}
