// DDMSignatureVerifier: checks NanoMDM's X-Hmac-Signature (base64 HMAC-SHA256 of the forwarded body).

import Crypto
import Foundation

/// Verifies `X-Hmac-Signature` against the shared `DDM_HMAC_KEY`, in constant time. NanoMDM signs the body
/// it forwards; for the GET endpoints that body is empty.
public struct DDMSignatureVerifier: Sendable {
    private let key: SymmetricKey

    /// Creates a verifier for the key bytes.
    public init(key: [UInt8]) {
        self.key = SymmetricKey(data: key)
    }

    /// True when `signature` is the base64 HMAC-SHA256 of `body` under the key.
    public func isValid(signature: String?, body: [UInt8]) -> Bool {
        guard let signature, let mac = Data(base64Encoded: signature) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: key)
    }

    /// The base64 signature of `body` (for clients and tests).
    public static func sign(_ body: [UInt8], key: [UInt8]) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: key))).base64EncodedString()
    }
}
