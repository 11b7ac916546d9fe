// DeclarationSet: a Mac's whole set of declarations, its DeclarationsToken and the protocol documents served.

import Foundation
import ManagedOSDomain

/// One Mac's declarations, sorted by kind then identifier, with the `DeclarationsToken` over them and the
/// exact `declaration-items` body. Two sets are equal exactly when their declarations are; `changedAt` (the
/// instant given to the builder) is carried for the `tokens` Timestamp and is not part of the content.
public struct DeclarationSet: Sendable {
    /// The declarations, sorted by (kind, identifier).
    public let declarations: [Declaration]
    /// SHA-256 hex over the sorted `kind/identifier:serverToken` lines: changes exactly when a declaration is
    /// added, removed or changed.
    public let declarationsToken: String
    /// The `declaration-items` response body, byte for byte (all four arrays always present).
    public let manifestJSON: String
    /// When the content was built (the caller's instant); the `tokens` Timestamp once stored.
    public let changedAt: Date

    /// Creates a set; the declarations are sorted and the token and manifest computed.
    public init(declarations: [Declaration], changedAt: Date) {
        let sorted = declarations.sorted { ($0.kind, $0.identifier) < ($1.kind, $1.identifier) }
        self.declarations = sorted
        self.changedAt = changedAt
        let token = Self.token(for: sorted)
        self.declarationsToken = token
        self.manifestJSON = Self.manifestJSON(declarations: sorted, declarationsToken: token)
    }

    private init(declarations: [Declaration], declarationsToken: String, manifestJSON: String, changedAt: Date) {
        self.declarations = declarations
        self.declarationsToken = declarationsToken
        self.manifestJSON = manifestJSON
        self.changedAt = changedAt
    }

    /// The same content stamped with another change instant (nothing is recomputed).
    func stamped(_ changedAt: Date) -> DeclarationSet {
        DeclarationSet(
            declarations: declarations, declarationsToken: declarationsToken, manifestJSON: manifestJSON,
            changedAt: changedAt)
    }

    /// The declaration with `identifier` of `kind`, if the set holds it.
    public func declaration(kind: DeclarationKind, identifier: String) -> Declaration? {
        declarations.first { $0.kind == kind && $0.identifier == identifier }
    }

    /// The `tokens` response body: `{"SyncTokens":{"DeclarationsToken":…,"Timestamp":"yyyy-MM-ddTHH:mm:ssZ"}}`.
    /// Pass the instant the set last changed (as stored), never "now", so every replica answers the same bytes.
    public func tokensJSON(timestamp: Date) -> String {
        Self.tokensJSON(declarationsToken: declarationsToken, timestamp: timestamp)
    }

    /// The `tokens` response body for a stored token and change instant.
    public static func tokensJSON(declarationsToken: String, timestamp: Date) -> String {
        JSONValue.object([
            "SyncTokens": .object([
                "DeclarationsToken": .string(declarationsToken),
                "Timestamp": .string(rfc3339UTC(timestamp)),
            ])
        ]).canonicalText
    }

    /// `timestamp` as RFC 3339 in UTC, truncated to the second (`2026-03-08T09:00:00Z`).
    public static func rfc3339UTC(_ timestamp: Date) -> String {
        let seconds = Int(timestamp.timeIntervalSince1970.rounded(.down))
        return LocalDateTime(wallClockSeconds: seconds).targetLocalDateTime + "Z"
    }

    /// The `DeclarationsToken` of sorted declarations.
    static func token(for declarations: [Declaration]) -> String {
        let lines = declarations.map { "\($0.kind.rawValue)/\($0.identifier):\($0.serverToken)\n" }
        return Declaration.hexDigest(lines.joined(), length: 64)
    }

    /// The `declaration-items` body for sorted declarations.
    static func manifestJSON(declarations: [Declaration], declarationsToken: String) -> String {
        var arrays: [String: JSONValue] = [:]
        for kind in DeclarationKind.allCases {
            arrays[kind.manifestKey] = .array(
                declarations.filter { $0.kind == kind }.map {
                    .object(["Identifier": .string($0.identifier), "ServerToken": .string($0.serverToken)])
                })
        }
        return JSONValue.object([
            "Declarations": .object(arrays), "DeclarationsToken": .string(declarationsToken),
        ]).canonicalText
    }
}

extension DeclarationSet: Equatable {
    /// Equal when the declarations are (the change instant is not content).
    public static func == (lhs: DeclarationSet, rhs: DeclarationSet) -> Bool {
        lhs.declarations == rhs.declarations
    }
}
