// DDMRoutes: the DDM endpoints NanoMDM's `-dm` option forwards (tokens, declaration-items, declaration/…).

import DeclarativeManagement
import FleetStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceSupport

/// `GET tokens`, `GET declaration-items`, `GET declaration/<kind>/<identifier>` (also under `v1/`), as
/// NanoMDM forwards a Mac's DeclarativeManagement check-ins: header `X-Enrollment-ID`, optional
/// `X-Hmac-Signature` (base64 HMAC-SHA256 of the body, empty for GET). A Mac only ever sees its own set.
///
/// `PUT status` belongs to status-ingest: deployments route it there (point NanoMDM's `-dm` at a proxy that
/// sends `…/status` to status-ingest and the rest here). Reaching this service it is answered
/// `421 misdirected_request`, so a wrong route is loud instead of silently losing reports.
public struct DDMRoutes: Sendable {
    /// `X-Enrollment-ID`.
    public static let enrollmentHeader = HTTPField.Name("X-Enrollment-ID")!
    /// `X-Hmac-Signature`.
    public static let signatureHeader = HTTPField.Name("X-Hmac-Signature")!
    /// Apple's limit on a declaration identifier (64 octets).
    public static let maximumIdentifierOctets = 64

    let provider: DeclarationSetProvider
    let verifier: DDMSignatureVerifier?

    /// Creates the routes; with a verifier every request must be signed.
    public init(provider: DeclarationSetProvider, verifier: DDMSignatureVerifier?) {
        self.provider = provider
        self.verifier = verifier
    }

    /// Adds the routes at the root and under `v1/`.
    public func add(to router: Router<ServiceRequestContext>) {
        for prefix in ["", "v1/"] {
            router.get("\(prefix)tokens") { request, context in
                json(try await self.answers(request, context: context).tokens)
            }
            router.get("\(prefix)declaration-items") { request, context in
                json(try await self.answers(request, context: context).manifest)
            }
            router.get("\(prefix)declaration/:kind/:identifier") { request, context in
                try await self.declaration(request, context: context)
            }
            router.put("\(prefix)status") { _, _ -> Response in
                throw APIError(
                    status: .misdirectedRequest, code: "misdirected_request",
                    message: "Status reports go to status-ingest; route PUT …/status there.")
            }
        }
    }

    func declaration(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let kindText = context.parameters.get("kind") ?? ""
        let identifier = context.parameters.get("identifier") ?? ""
        guard let kind = DeclarationKind(rawValue: kindText) else {
            throw APIError(
                status: .badRequest, code: "invalid_declaration_kind",
                message: "The declaration kind must be activation, asset, configuration or management.")
        }
        guard Self.isAcceptable(identifier: identifier) else {
            throw APIError(
                status: .badRequest, code: "invalid_identifier",
                message: "A declaration identifier is 1 to 64 printable ASCII characters without slashes.")
        }
        let answers = try await self.answers(request, context: context)
        guard let body = answers.bodies[.init(kind: kind, identifier: identifier)] else {
            throw APIError(
                status: .notFound, code: "declaration_not_found",
                message: "This Mac has no \(kind.rawValue) declaration with that identifier.")
        }
        return json(body)
    }

    /// Checks the headers and signature and finds the Mac's answers.
    func answers(_ request: Request, context: ServiceRequestContext) async throws -> CachedDeclarationSet {
        guard let enrollmentID = request.headers[Self.enrollmentHeader], !enrollmentID.isEmpty else {
            throw APIError(
                status: .badRequest, code: "missing_enrollment_id", message: "The X-Enrollment-ID header is required.")
        }
        guard enrollmentID.utf8.count <= 512 else {
            throw APIError(
                status: .badRequest, code: "invalid_enrollment_id", message: "The X-Enrollment-ID header is too long.")
        }
        if let verifier {
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            guard verifier.isValid(signature: request.headers[Self.signatureHeader], body: Array(body.readableBytesView))
            else {
                throw APIError(
                    status: .unauthorized, code: "invalid_signature",
                    message: "The X-Hmac-Signature header is missing or does not match the body.")
            }
        }
        guard let answers = try await provider.answers(enrollmentID: enrollmentID) else {
            throw APIError(
                status: .notFound, code: "unknown_enrollment", message: "No Mac is registered with this X-Enrollment-ID.")
        }
        return answers
    }

    /// Whether `identifier` may name a declaration: 1–64 octets of printable ASCII, no slash, backslash, or
    /// dot-only segment (so `..` and encoded slashes never reach a lookup).
    static func isAcceptable(identifier: String) -> Bool {
        let bytes = identifier.utf8
        guard !bytes.isEmpty, bytes.count <= maximumIdentifierOctets, identifier != ".", identifier != ".." else {
            return false
        }
        return bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "\\") }
    }
}

/// A 200 JSON response with `body`.
func json(_ body: ByteBuffer) -> Response {
    Response(
        status: .ok, headers: [.contentType: "application/json"],
        body: ResponseBody(byteBuffer: body))
}
