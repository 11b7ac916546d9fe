// ErrorRenderingTests: the JSON error shape and status codes, without a server.

import Foundation
import Hummingbird
import ServiceSupport
import Testing

@Suite struct ErrorRenderingTests {
    @Test(arguments: [
        (HTTPResponse.Status.notFound, "not_found"), (.contentTooLarge, "content_too_large"),
        (.badRequest, "bad_request"), (.internalServerError, "internal_server_error"),
    ])
    func statusCodesBecomeSnakeCaseCodes(status: HTTPResponse.Status, code: String) {
        #expect(ErrorRenderingMiddleware<ServiceRequestContext>.code(for: status) == code)
    }

    @Test func errorBodyHasCodeMessageFieldsAndRequestID() throws {
        let error = APIError.validationFailed([.init(field: "deadline", message: "must be in the future")])

        let json = String(decoding: ErrorResponseBody(error: error, requestID: "r-1").encoded(), as: UTF8.self)

        #expect(
            json == #"{"error":{"code":"validation_failed","fields":[{"field":"deadline","message":"#
                + #""must be in the future"}],"message":"The request is invalid.","requestId":"r-1"}}"#)
    }

    @Test(arguments: [
        ("trace-1234", true), ("a.b_c:d-E9", true), ("", false), ("has space", false), ("semi;colon", false),
        ("ünicode", false), (String(repeating: "x", count: 129), false),
    ])
    func onlyPlainShortClientRequestIDsAreAdopted(id: String, accepted: Bool) {
        #expect(RequestIDMiddleware<ServiceRequestContext>.isAcceptable(id) == accepted)
    }
}
