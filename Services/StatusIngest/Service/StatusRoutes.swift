// StatusRoutes: `PUT /status` and `PUT /v1/status`, NanoMDM `-dm` shaped DDM status reports.

import Foundation
import HTTPTypes
import Hummingbird
import ServiceSupport

/// The status endpoint: `X-Enrollment-ID` header, optional `X-Hmac-Signature`, raw JSON body. Answers 200
/// with an empty body once the report is committed; refusals are JSON `APIError`s (400, 401, 404, 413).
public struct StatusRoutes: Sendable {
    /// `X-Enrollment-ID`.
    public static let enrollmentHeader = HTTPField.Name("X-Enrollment-ID")!
    /// `X-Hmac-Signature`.
    public static let signatureHeader = HTTPField.Name("X-Hmac-Signature")!

    let writer: StatusBatchWriter
    let verifier: StatusSignatureVerifier?

    /// Creates the routes over a writer; with a verifier every report must be signed.
    public init(writer: StatusBatchWriter, verifier: StatusSignatureVerifier?) {
        self.writer = writer
        self.verifier = verifier
    }

    /// Adds `PUT /status` and `PUT /v1/status`.
    public func add(to router: Router<ServiceRequestContext>) {
        router.put("status") { request, context in try await self.receive(request, context: context) }
        router.put("v1/status") { request, context in try await self.receive(request, context: context) }
    }

    func receive(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let receivedAt = Date()
        guard let enrollmentID = request.headers[Self.enrollmentHeader], !enrollmentID.isEmpty else {
            throw APIError(
                status: .badRequest, code: "missing_enrollment_id",
                message: "The X-Enrollment-ID header is required.")
        }
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let body = Array(buffer.readableBytesView)
        if let verifier, !verifier.isValid(signature: request.headers[Self.signatureHeader], body: body) {
            throw APIError(
                status: .unauthorized, code: "invalid_signature",
                message: "The X-Hmac-Signature header is missing or does not match the body.")
        }
        let report: StatusReport
        do {
            report = try StatusReportParser.parse(body)
        } catch {
            throw APIError(status: .badRequest, code: error.code, message: error.message)
        }
        let incoming = IncomingStatusReport(
            enrollmentID: enrollmentID, receivedAt: receivedAt, report: report,
            body: String(decoding: body, as: UTF8.self))
        switch try await writer.submit(incoming) {
        case .stored:
            return Response(status: .ok)
        case .unknownEnrollment:
            throw APIError(
                status: .notFound, code: "unknown_enrollment",
                message: "No Mac is registered with this X-Enrollment-ID.")
        }
    }
}
