// SelfServicePageRoutes: the server-rendered Self Service page and its form posts.

import Database
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceSupport

/// `GET /` shows the login form or the Mac's page; `POST /login` checks the credential and sets it as an
/// `HttpOnly`, `SameSite=Strict` cookie (`Secure` with `SELF_SERVICE_COOKIE_SECURE=true`), so later form
/// posts authenticate with it and other sites cannot post on the user's behalf; `POST /logout` clears it.
/// `POST /upgrades/{major}` and `POST /requests/{id}/cancel` do what the JSON API does and redirect back
/// (303). The same per-Mac rate limit applies.
public struct SelfServicePageRoutes: Sendable {
    let pool: ConnectionPool
    let settings: SelfServiceSettings
    let limiter: MacRateLimiter
    let now: @Sendable () -> Date

    /// Adds the routes to `router`.
    public func add(to router: Router<ServiceRequestContext>) {
        router.get("/") { request, _ in try await page(request) }
        router.post("login") { request, context in try await login(request, context: context) }
        router.post("logout") { _, _ in logout() }
        router.post("upgrades/:major") { request, context in try await upgrade(request, context: context) }
        router.post("requests/:id/cancel") { request, context in try await cancel(request, context: context) }
    }

    func page(_ request: Request, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let credential = MacCredential.presented(by: request) else {
            return Self.html(SelfServicePage.login(), status: error == nil ? .ok : status)
        }
        try MacAuthMiddleware<ServiceRequestContext>.admit(credential, limiter: limiter)
        let now = now()
        let rendered: String? = try await pool.withConnection { connection in
            guard let mac = try? AuthenticatedMac.find(credential, on: connection) else { return nil }
            let offers = try SelfServiceRoutes.offersView(for: mac, now: now, on: connection)
            let requests = try SelfServiceStore.requests(deviceID: mac.id, on: connection).map(\.view)
            let updates = try MacUpdatesView.load(credential, now: now, on: connection)
            return SelfServicePage.main(
                offers: offers, requests: requests, updates: updates, formKey: UUID().uuidString.lowercased(),
                error: error)
        }
        guard let rendered else {
            var response = Self.html(
                SelfServicePage.login(error: "The credential is no longer valid. Sign in again."), status: .unauthorized)
            response.setCookie(clearedCookie)
            return response
        }
        return Self.html(rendered, status: status)
    }

    func login(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let fields = HTML.formFields(String(decoding: body.readableBytesView, as: UTF8.self))
        guard let secret = fields["credential"]?.trimmingCharacters(in: .whitespaces), !secret.isEmpty else {
            return Self.html(SelfServicePage.login(error: "Enter this Mac's credential."), status: .badRequest)
        }
        let credential = MacCredential(secret: secret)
        try MacAuthMiddleware<ServiceRequestContext>.admit(credential, limiter: limiter)
        let valid = try await pool.withConnection { (try? AuthenticatedMac.find(credential, on: $0)) != nil }
        guard valid, let cookie = try? Cookie.validated(
            name: MacCredential.cookieName, value: secret, path: "/", secure: settings.secureCookie, httpOnly: true,
            sameSite: .strict)
        else {
            return Self.html(SelfServicePage.login(error: "That credential is not valid."), status: .unauthorized)
        }
        var response = Self.redirect()
        response.setCookie(cookie)
        return response
    }

    func logout() -> Response {
        var response = Self.redirect()
        response.setCookie(clearedCookie)
        return response
    }

    func upgrade(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        guard let credential = MacCredential.presented(by: request) else { return Self.redirect() }
        try MacAuthMiddleware<ServiceRequestContext>.admit(credential, limiter: limiter)
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let fields = HTML.formFields(String(decoding: body.readableBytesView, as: UTF8.self))
        let majorText = context.parameters.get("major") ?? ""
        let now = now()
        do {
            guard let major = Int(majorText) else { throw GatewayProblem.invalidMajor(majorText) }
            let key = fields["key"].flatMap { $0.isEmpty ? nil : String($0.prefix(128)) }
            _ = try await pool.withTransaction { connection in
                let mac = try AuthenticatedMac.find(credential, on: connection)
                return try SelfServiceStore.create(major: major, idempotencyKey: key, mac: mac, now: now, on: connection)
            }
            return Self.redirect()
        } catch let problem as APIError {
            return try await page(request, error: problem.message, status: problem.status)
        }
    }

    func cancel(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        guard let credential = MacCredential.presented(by: request) else { return Self.redirect() }
        try MacAuthMiddleware<ServiceRequestContext>.admit(credential, limiter: limiter)
        let now = now()
        do {
            let id = try SelfServiceRoutes.requestID(context)
            _ = try await pool.withTransaction { connection in
                let mac = try AuthenticatedMac.find(credential, on: connection)
                return try SelfServiceStore.cancel(id: id, mac: mac, now: now, on: connection)
            }
            return Self.redirect()
        } catch let problem as APIError {
            return try await page(request, error: problem.message, status: problem.status)
        }
    }

    private var clearedCookie: Cookie {
        Cookie(
            name: MacCredential.cookieName, value: "", maxAge: 0, path: "/", secure: settings.secureCookie,
            httpOnly: true, sameSite: .strict)
    }

    static func html(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                HTTPField.Name("Content-Security-Policy")!: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
                HTTPField.Name("X-Frame-Options")!: "DENY",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `303 See Other` to the page.
    static func redirect() -> Response {
        Response(status: .seeOther, headers: [.location: "/", .cacheControl: "no-store"])
    }
}
