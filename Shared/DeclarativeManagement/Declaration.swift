// Declaration: one DDM declaration as served — identifier, type, server token and its exact JSON bytes.

import Digests
import Foundation

/// One declaration of a Mac's set, with the exact JSON served at `declaration/<kind>/<identifier>`.
public struct Declaration: Sendable, Hashable {
    /// activation, asset, configuration or management.
    public var kind: DeclarationKind
    /// `Identifier` (stable per purpose, at most 64 octets).
    public var identifier: String
    /// `Type` (`com.apple.configuration.softwareupdate.enforcement.specific`).
    public var type: String
    /// `ServerToken`: a hash of the declaration's whole content.
    public var serverToken: String
    /// The declaration JSON served, byte for byte (`{"Identifier","Payload","ServerToken","Type"}`, sorted keys).
    public var body: String

    /// Creates a value from stored parts (as read back from the database).
    public init(kind: DeclarationKind, identifier: String, type: String, serverToken: String, body: String) {
        self.kind = kind
        self.identifier = identifier
        self.type = type
        self.serverToken = serverToken
        self.body = body
    }

    /// Builds a declaration of `type` with `payload`. The server token is the first 32 hex digits of the
    /// SHA-256 of the canonical JSON of `{Identifier, Payload, Type}`, so it changes exactly when the content
    /// does; the body is the canonical JSON of the whole declaration including the token.
    public init(type: String, identifier: String, payload: [String: JSONValue]) {
        guard let kind = DeclarationKind(declarationType: type) else {
            preconditionFailure("not a DDM declaration type: \(type)")
        }
        var content: [String: JSONValue] = [
            "Type": .string(type), "Identifier": .string(identifier), "Payload": .object(payload),
        ]
        let token = Self.hexDigest(JSONValue.object(content).canonicalText, length: 32)
        content["ServerToken"] = .string(token)
        self.init(
            kind: kind, identifier: identifier, type: type, serverToken: token,
            body: JSONValue.object(content).canonicalText)
    }

    /// The first `length` lower-case hex digits of the SHA-256 of `text`'s UTF-8 bytes.
    static func hexDigest(_ text: String, length: Int) -> String {
        String(SHA256Hex.digest(of: text).prefix(length))
    }
}
