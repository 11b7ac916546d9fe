// LibraryProblemMiddleware: renders LibraryProblem errors thrown by the admin routes as JSON.

import Database
import Foundation
import HTTPTypes
import Hummingbird
import ManagedOSDomain
import ServiceSupport

/// Catches ``LibraryProblem`` and answers with its JSON body. A unique or foreign-key violation (a concurrent
/// write won a race the route's own checks could not see) becomes `409 conflict`. Other errors pass to the
/// shared `ErrorRenderingMiddleware`.
struct LibraryProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The body of a problem response.
    struct Body: Encodable {
        struct Details: Encodable {
            var code: String
            var message: String
            var fields: [ItemValidationIssue]
            var requestId: String?
            var governedMacCount: Int?
        }
        var error: Details
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            do {
                return try await next(request, context)
            } catch let error as DatabaseError where error.sqlState == "23505" || error.sqlState == "23503" {
                throw LibraryProblem(
                    status: .conflict, code: "conflict",
                    message: "A concurrent change conflicts with this request; read the current state and retry.")
            }
        } catch let problem as LibraryProblem {
            let body = Body(
                error: .init(
                    code: problem.code, message: problem.message, fields: problem.fields,
                    requestId: context.requestID, governedMacCount: problem.governedMacCount))
            var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
            if problem.status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
            return Response(
                status: problem.status, headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: try JSONBody.encoder.encode(body))))
        }
    }
}
