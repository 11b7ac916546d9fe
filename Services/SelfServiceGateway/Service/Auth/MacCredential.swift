// MacCredential: the per-Mac Self Service credential a request presents, as its SHA-256 digest.

import Digests
import Foundation
import HTTPTypes
import Hummingbird

/// The credential a request presents: `Authorization: Bearer mss_…` (the app) or the web page's
/// `mss_session` cookie. Only its SHA-256 digest is kept: as a compact key for the replica's rate limiter and
/// cache, and as hex (``digest``) for `devices`, which stores that.
public struct MacCredential: Sendable, Hashable {
    /// SHA-256 of the credential.
    public let key: SHA256Key

    /// SHA-256 hex of the credential, as `devices.self_service_credential_hash` holds it.
    public var digest: String { key.hex }

    /// The cookie the web page's login sets.
    public static let cookieName = "mss_session"

    /// The credential of the request being handled (set by ``MacAuthMiddleware``).
    @TaskLocal public static var current: MacCredential?

    /// Wraps a clear credential.
    public init(secret: String) {
        key = SHA256Key(of: secret)
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
