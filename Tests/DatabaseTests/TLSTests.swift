// TLS through libpq's OpenSSL against the throwaway cluster's generated certificate.

import Database
import Foundation
import TestSupport
import Testing

@Suite(.enabled(if: TestDatabase.isEnabled))
struct TLSTests {
    /// The CA that signed the throwaway server's certificate (set by scripts/with-postgres.sh).
    static var caFile: String? { ProcessInfo.processInfo.environment["TEST_PG_CA_FILE"] }

    private func sslInUse(_ configuration: DatabaseConfiguration) throws -> Bool {
        let connection = try DatabaseConnection.connect(configuration)
        return try connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").first!
            .decode("ssl", as: Bool.self)
    }

    @Test(.enabled(if: TLSTests.caFile != nil, "needs the throwaway cluster from scripts/with-postgres.sh"))
    func requireAndVerifyFullConnectOverTLS() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let caFile = try #require(Self.caFile)
        #expect(try sslInUse(database.configuration.with("sslmode", "require")))
        let verified = database.configuration.with("sslmode", "verify-full").with("sslrootcert", caFile)
            .with("host", "localhost")
        #expect(try sslInUse(verified))
        #expect(try sslInUse(database.configuration.with("sslmode", "disable")) == false)
    }

    @Test(.enabled(if: TLSTests.caFile != nil, "needs the throwaway cluster from scripts/with-postgres.sh"))
    func verifyFullRefusesAServerCertificateFromAnotherCA() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        // The system CA bundle did not sign the throwaway certificate: verification must fail.
        let wrongCA = database.configuration.with("sslmode", "verify-full").with("sslrootcert", "system")
            .with("host", "localhost")
        let error = #expect(throws: DatabaseError.self) { try DatabaseConnection.connect(wrongCA) }
        #expect(error?.code == .connectionFailed)
    }
}
