// ConsoleRoutes+SignIn: the sign-in form (an admin API token), the session cookie and sign-out.

import Database
import Foundation
import HTTPTypes
import Hummingbird
import ServiceSupport

extension ConsoleRoutes {
    /// The session cookie for `value` (`maxAge` 0 clears it).
    static func sessionCookie(_ value: String, maxAge: Int) -> Cookie {
        Cookie(
            name: ConsoleSession.cookieName, value: value, maxAge: maxAge, path: "/console", secure: true,
            httpOnly: true, sameSite: .strict)
    }

    private static func loginCookie(_ nonce: String, maxAge: Int) -> Cookie {
        Cookie(
            name: ConsoleSession.loginCookieName, value: nonce, maxAge: maxAge, path: "/console/login", secure: true,
            httpOnly: true, sameSite: .strict)
    }

    @Sendable func loginPage(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        signInPage(request, error: nil, status: .ok)
    }

    private func signInPage(_ request: Request, error: String?, status: HTTPResponse.Status) -> Response {
        let nonce = request.cookies[ConsoleSession.loginCookieName]?.value ?? ConsoleSession.randomHex(16)
        var response = renderer.page(
            "login", title: "Sign in",
            context: ["csrf": sessions.loginCSRFToken(nonce: nonce), "error": error ?? "", "hasError": error != nil],
            status: status)
        response.setCookie(Self.loginCookie(nonce, maxAge: 3600))
        return response
    }

    /// Checks the login form's CSRF token and the admin token; sets the session cookie.
    @Sendable func login(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let form = try await ConsoleForm.read(request, context: context)
        guard let nonce = request.cookies[ConsoleSession.loginCookieName]?.value,
            ConsoleSession.matches(form.value("csrf"), sessions.loginCSRFToken(nonce: nonce))
        else {
            throw ConsoleProblem(
                status: .forbidden,
                message: "The sign-in form's security token is missing or out of date (CSRF check failed). Reload and try again.")
        }
        let token = form.nonEmpty("token") ?? ""
        let principal = try await service.pool.withConnection { try TokenStore.principal(for: token, on: $0) }
        guard !token.isEmpty, principal != nil else {
            return signInPage(request, error: "That API token is not valid (unknown or revoked).", status: .unauthorized)
        }
        let value = sessions.issue(tokenDigest: TokenStore.digest(token), now: service.now())
        var response = ConsoleRenderer.redirect("/console/library")
        response.setCookie(Self.sessionCookie(value, maxAge: Int(ConsoleSession.lifetime)))
        response.setCookie(Self.loginCookie("", maxAge: 0))
        return response
    }

    /// Clears the session cookie (CSRF-checked like every form).
    @Sendable func logout(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        guard let viewer = ConsoleViewer.current else { return ConsoleRenderer.redirect("/console/login") }
        let form = try await ConsoleForm.read(request, context: context)
        guard ConsoleSession.matches(form.value("csrf"), viewer.csrfToken) else {
            throw ConsoleProblem(status: .forbidden, message: "CSRF check failed. Reload the page and try again.")
        }
        var response = ConsoleRenderer.redirect("/console/login")
        response.setCookie(Self.sessionCookie("", maxAge: 0))
        return response
    }
}
