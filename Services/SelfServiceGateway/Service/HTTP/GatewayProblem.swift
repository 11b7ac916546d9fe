// GatewayProblem: the anticipated errors of the Self Service API, as JSON error responses.

import Hummingbird
import ServiceSupport

/// The gateway's 4xx answers (rendered by the shared error middleware as `{"error":{code,message,…}}`).
enum GatewayProblem {
    static let missingCredential = APIError(
        status: .unauthorized, code: "unauthorized",
        message: "This Mac's Self Service credential is required (Authorization: Bearer).")
    static let invalidCredential = APIError(
        status: .unauthorized, code: "unauthorized", message: "The Self Service credential is not valid.")
    static let requestNotFound = APIError(
        status: .notFound, code: "request_not_found", message: "This Mac has no such Self Service request.")

    static func unknownMajor(_ major: String) -> APIError {
        APIError(
            status: .notFound, code: "unknown_major",
            message: "No Self Service upgrade to macOS \(major) exists.")
    }

    static func invalidMajor(_ text: String) -> APIError {
        APIError(
            status: .badRequest, code: "invalid_major", message: "The major must be a whole number such as 26.",
            fields: [.init(field: "major", message: "\"\(text.prefix(40))\" is not a macOS major version")])
    }

    static func offerUnavailable(major: Int, reason: String, message: String) -> APIError {
        APIError(
            status: .conflict, code: "offer_unavailable", message: message,
            fields: [.init(field: "major", message: reason)])
    }

    static let statusUnknown = APIError(
        status: .conflict, code: "mac_status_unknown",
        message: "This Mac has not reported its macOS version yet, so no upgrade can be offered.")

    static let invalidIdempotencyKey = APIError(
        status: .badRequest, code: "invalid_idempotency_key",
        message: "Idempotency-Key must be 1 to 128 visible ASCII characters.",
        fields: [.init(field: "Idempotency-Key", message: "1 to 128 visible ASCII characters")])

    static func idempotencyKeyReused(major: Int) -> APIError {
        APIError(
            status: .unprocessableContent, code: "idempotency_key_reused",
            message: "This Idempotency-Key was already used for the upgrade to macOS \(major).",
            fields: [.init(field: "Idempotency-Key", message: "already used for macOS \(major)")])
    }

    static let invalidBody = APIError(
        status: .badRequest, code: "invalid_json", message: "The body must be empty or a JSON object.",
        fields: [.init(field: "body", message: "empty or a JSON object")])

    static func notCancellable(state: String) -> APIError {
        APIError(
            status: .conflict, code: "request_not_cancellable",
            message: "A request that is \(state) can no longer be cancelled.",
            fields: [.init(field: "state", message: state)])
    }

    static func invalidQuery(_ field: String, _ message: String) -> APIError {
        APIError(
            status: .badRequest, code: "invalid_query", message: "The query parameter \(field) is invalid.",
            fields: [.init(field: field, message: message)])
    }
}
