// ConsoleSession: the console's HMAC-signed session cookie and the CSRF tokens derived from it.

import Crypto
import Foundation
import HTTPTypes

/// Signs and checks console sessions with HMAC-SHA256 (swift-crypto). A session value is
/// `v1.<expiry seconds>.<nonce>.<token digest>.<signature>`: it names the admin token by its SHA-256 digest
/// (as `api_tokens` stores it, so revoking the token ends the session) and never carries the token itself.
/// CSRF tokens are HMACs of the session value (or, before sign-in, of the login nonce cookie), so a form
/// token is only valid with the cookie it was issued for.
struct ConsoleSession: Sendable {
    /// The session cookie.
    static let cookieName = "mos_console"
    /// The pre-sign-in cookie the login form's CSRF token is bound to.
    static let loginCookieName = "mos_console_login"
    /// How long a session lasts.
    static let lifetime: TimeInterval = 8 * 3600

    /// What a valid session value says.
    struct Claims: Sendable, Equatable {
        /// SHA-256 hex digest of the admin token.
        var tokenDigest: String
        var expiresAt: Date
    }

    private let key: SymmetricKey

    /// A signer with `key` (a random 256-bit key by default: sessions then end when the process restarts).
    init(key: SymmetricKey = SymmetricKey(size: .bits256)) {
        self.key = key
    }

    /// A new session value for the token with `tokenDigest`, valid for ``lifetime`` from `now`.
    func issue(tokenDigest: String, now: Date) -> String {
        let payload = "v1.\(Int(now.timeIntervalSince1970 + Self.lifetime)).\(Self.randomHex(16)).\(tokenDigest)"
        return payload + "." + mac(payload)
    }

    /// The claims of `value` when its signature is valid and it has not expired at `now`.
    func verify(_ value: String, now: Date) -> Claims? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts[0] == "v1", let expiry = Int(parts[1]),
            let signature = Self.bytes(hex: parts[4])
        else { return nil }
        let payload = parts[0..<4].joined(separator: ".")
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Data(payload.utf8), using: key) else {
            return nil
        }
        let expiresAt = Date(timeIntervalSince1970: TimeInterval(expiry))
        guard expiresAt > now else { return nil }
        return Claims(tokenDigest: parts[3], expiresAt: expiresAt)
    }

    /// The CSRF token of the forms of the session `sessionValue`.
    func csrfToken(session sessionValue: String) -> String { mac("csrf|" + sessionValue) }

    /// The CSRF token of the login form bound to the login cookie `nonce`.
    func loginCSRFToken(nonce: String) -> String { mac("login|" + nonce) }

    /// Whether `submitted` equals `expected` (compared in constant time).
    static func matches(_ submitted: String?, _ expected: String) -> Bool {
        guard let submitted else { return false }
        let a = Array(submitted.utf8)
        let b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A random nonce of `count` bytes as hex.
    static func randomHex(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in hex(UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    private func mac(_ text: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key).map(Self.hex).joined()
    }

    private static func hex(_ byte: UInt8) -> String { byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }

    private static func bytes(hex text: String) -> Data? {
        guard text.count % 2 == 0 else { return nil }
        var data = Data()
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            data.append(byte)
            index = next
        }
        return data
    }
}
