// AuthenticatedMac: the Mac a valid, unrevoked credential belongs to.

import Database
import Foundation

/// The Mac behind a request's credential.
struct AuthenticatedMac: Sendable, Hashable {
    var id: UUID
    var enrollmentID: String

    /// The Mac whose credential digest is `credential.digest` and whose Self Service is not revoked;
    /// throws the 401 otherwise (unknown, revoked and ambiguous credentials look the same to the client).
    static func find(_ credential: MacCredential, on connection: DatabaseConnection) throws -> AuthenticatedMac {
        let rows = try connection.query(
            """
            SELECT id, enrollment_id FROM devices
            WHERE self_service_credential_hash = $1 AND self_service_revoked_at IS NULL
            LIMIT 2
            """, [credential.digest]
        ).rows
        guard rows.count == 1 else { throw GatewayProblem.invalidCredential }
        return AuthenticatedMac(id: try rows[0].decode("id"), enrollmentID: try rows[0].decode("enrollment_id"))
    }
}
