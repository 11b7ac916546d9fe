// MacCredential: the per-Mac Self Service credential a request presents, as its SHA-256 digest.

import Digests
import Foundation
import HTTPTypes
import Hummingbird

/// The credential a request presents: `Authorization: Bearer mss_…` (the app) or the web page's
/// `mss_session` cookie. Only its SHA-256 hex digest is kept, which is what `devices` stores.
public struct MacCredential: Sendable, Hashable {
    /// SHA-256 hex of the credential.
    public let digest: String

    /// The cookie the web page's login sets.
    public static let cookieName = "mss_session"

    /// The credential of the request being handled (set by ``MacAuthMiddleware``).
    @TaskLocal public static var current: MacCredential?

    /// Wraps a clear credential.
    public init(secret: String) {
        digest = Self.digest(secret)
    }

    /// SHA-256 hex of `secret`, as library-api stores it.
    public static func digest(_ secret: String) -> String {
        SHA256Hex.digest(of: secret)
    }

    /// The bearer token of `request`, else its session cookie; nil when it has neither (or an empty one).
    public static func presented(by request: Request) -> MacCredential? {
        if let header = request.headers[.authorization] {
            guard header.hasPrefix("Bearer ") else { return nil }
            let token = header.dropFirst("Bearer ".count).trimmingCharacters(in: .whitespaces)
            return token.isEmpty ? nil : MacCredential(secret: token)
        }
        if let cookie = request.cookies[cookieName]?.value, !cookie.isEmpty {
            return MacCredential(secret: cookie.removingPercentEncoding ?? cookie)
        }
        return nil
    }
}
