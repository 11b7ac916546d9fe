// RequestParameters: typed path and query parameters of the admin routes, answering 400/404 when malformed.

import Foundation
import HTTPTypes
import Hummingbird
import ManagedOSDomain

/// Helpers reading path ids and query filters.
enum RequestParameters {
    /// The UUID path parameter `name`; an id that is not a UUID cannot exist, so it is a 404.
    static func id(_ context: some RequestContext, name: String = "id", what: String) throws -> UUID {
        let text = context.parameters.get(name) ?? ""
        guard let id = UUID(uuidString: text) else { throw LibraryProblem.notFound(what, id: text) }
        return id
    }

    /// An optional query parameter converted by `parse`; present but unconvertible is a 400 naming it.
    static func query<T>(
        _ name: String, _ request: Request, expected: String, _ parse: (String) -> T?
    ) throws -> T? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = parse(text) else {
            throw LibraryProblem.badRequest(
                field: name, code: "wrong_type", message: "Query parameter \(name) must be \(expected).")
        }
        return value
    }

    /// Whether `?force=true`.
    static func force(_ request: Request) throws -> Bool {
        try query("force", request, expected: "true or false") { Bool($0) } ?? false
    }

    /// A UUID query parameter.
    static func uuid(_ name: String, _ request: Request) throws -> UUID? {
        try query(name, request, expected: "a UUID") { UUID(uuidString: $0) }
    }

    /// The `state`-like query parameter `name` as a compliance status.
    static func complianceStatus(_ request: Request, name: String = "compliance") throws -> ComplianceStatus? {
        try query(
            name, request,
            expected: "one of " + ComplianceStatus.allCases.map(\.rawValue).joined(separator: ", ")
        ) { ComplianceStatus(rawValue: $0) }
    }
}
