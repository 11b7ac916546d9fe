// TokenStore: creates, revokes and looks up admin API tokens, stored as SHA-256 digests.

import Database
import Digests
import EventBus
import Foundation
import HTTPTypes

/// API tokens in `api_tokens`. The clear token is returned once at creation and never stored.
public enum TokenStore {
    /// Why a token command failed.
    public enum TokenError: Error, Equatable, CustomStringConvertible {
        /// An active token already has this name.
        case nameTaken(String)
        /// No active token has this name.
        case unknownName(String)
        /// The name is empty.
        case emptyName

        public var description: String {
            switch self {
            case .nameTaken(let name): "an active token named \(name) already exists"
            case .unknownName(let name): "no active token named \(name)"
            case .emptyName: "the token name must not be empty"
            }
        }
    }

    /// The SHA-256 hex digest of a token or credential.
    public static func digest(_ secret: String) -> String {
        SHA256Hex.digest(of: secret)
    }

    /// A new random secret: `prefix` followed by 64 hex digits (256 bits).
    public static func randomSecret(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix + SHA256Hex.hex(bytes)
    }

    /// Who changes tokens from the executable: the audit log's actor for `library-api tokens …`.
    public static var commandLineActor: String {
        "command line (\(ProcessInfo.processInfo.userName))"
    }

    /// What the audit log records of a token: its name and scopes, never the token or its digest.
    struct AuditedToken: Encodable {
        var name: String
        var scopes: [String]
    }

    /// Creates a token named `name` with `scopes`, audited as done by `actor`, and returns the clear token
    /// (shown once).
    public static func create(
        name: String, scopes: Set<TokenScope>, actor: String = commandLineActor, on connection: DatabaseConnection
    ) throws -> String {
        guard !name.isEmpty else { throw TokenError.emptyName }
        let token = randomSecret(prefix: "mos_")
        let scopeNames = scopes.map(\.rawValue).sorted()
        try connection.withTransaction { connection in
            let taken = try connection.query(
                "SELECT 1 FROM api_tokens WHERE name = $1 AND revoked_at IS NULL", [name])
            guard taken.rows.isEmpty else { throw TokenError.nameTaken(name) }
            try connection.execute(
                "INSERT INTO api_tokens (name, token_hash, scopes) VALUES ($1, $2, $3::text[])",
                [name, digest(token), scopeNames])
            try AuditLog.record(
                actor: actor, action: "apiToken.create", entityType: "apiToken", entityID: name, before: AuditedToken?.none,
                after: AuditedToken(name: name, scopes: scopeNames), on: connection)
        }
        return token
    }

    /// Revokes the active token named `name`, audited as done by `actor`, announcing it on the bus
    /// (``BusTopic/token``) in the same transaction, so replicas that keep callers authenticated
    /// (``APIPrincipalCache``) drop them.
    public static func revoke(name: String, actor: String = commandLineActor, on connection: DatabaseConnection) throws {
        try connection.withTransaction { connection in
            let revoked = try connection.query(
                "UPDATE api_tokens SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL "
                    + "RETURNING array_to_json(scopes)::text AS scopes", [name])
            guard let row = revoked.first else { throw TokenError.unknownName(name) }
            let scopeNames = try PostgresJSON(text: try row.decode("scopes", as: String.self)).decode([String].self)
            try AuditLog.record(
                actor: actor, action: "apiToken.revoke", entityType: "apiToken", entityID: name,
                before: AuditedToken(name: name, scopes: scopeNames), after: AuditedToken?.none, on: connection)
            try BusPublisher.publish(BusEventDraft(topic: BusTopic.token, entity: name), on: connection)
        }
    }

    /// The *revocation mark*: how many tokens have ever been revoked. Tokens are never deleted, so every
    /// revocation that commits raises it, whatever the commit order, and it does not depend on `bus_events`
    /// keeping the `token` events (the event only wakes the watcher; ``EventPruner`` may delete it).
    private static let revocationMarkSQL = "SELECT count(*) AS mark FROM api_tokens WHERE revoked_at IS NOT NULL"

    /// The current revocation mark (see ``revocationMarkSQL``).
    static func revocationMark(on connection: DatabaseConnection) throws -> Int64 {
        try connection.query(revocationMarkSQL).first?.decode("mark") ?? 0
    }

    /// The caller whose token has the digest `tokenDigest` (nil when unknown or revoked) and the revocation
    /// mark, read in one statement and so in one snapshot: an answer kept with that mark stays true until
    /// another token is revoked.
    static func principalAndRevocationMark(
        forDigest tokenDigest: String, on connection: DatabaseConnection
    ) throws -> (principal: APIPrincipal?, mark: Int64) {
        let result = try connection.query(
            """
            SELECT t.name, array_to_json(t.scopes)::text AS scopes, m.mark
            FROM (\(revocationMarkSQL)) m
            LEFT JOIN api_tokens t ON t.token_hash = $1 AND t.revoked_at IS NULL
            """, [tokenDigest])
        guard let row = result.first else { return (nil, 0) }
        let mark: Int64 = try row.decode("mark")
        guard let name = try row.decodeIfPresent("name", as: String.self) else { return (nil, mark) }
        return (APIPrincipal(name: name, scopes: try scopes(row.decode("scopes"))), mark)
    }

    /// The caller a clear token belongs to, or nil when it is unknown or revoked.
    public static func principal(for token: String, on connection: DatabaseConnection) throws -> APIPrincipal? {
        try principal(forDigest: digest(token), on: connection)
    }

    /// The caller whose token has the SHA-256 hex digest `tokenDigest` (a console session), or nil when it is
    /// unknown or revoked.
    public static func principal(forDigest tokenDigest: String, on connection: DatabaseConnection) throws
        -> APIPrincipal?
    {
        try principalAndRevocationMark(forDigest: tokenDigest, on: connection).principal
    }

    /// The scopes in `json` (a JSON array of scope names); unknown names are ignored.
    private static func scopes(_ json: String) throws -> Set<TokenScope> {
        Set(try PostgresJSON(text: json).decode([String].self).compactMap(TokenScope.init(rawValue:)))
    }
}
