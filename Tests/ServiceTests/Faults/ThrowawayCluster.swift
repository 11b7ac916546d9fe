// ThrowawayCluster: stops and starts the PostgreSQL server of scripts/with-postgres.sh, for the fault tests.

import Database
import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The cluster `scripts/with-postgres.sh` created (`TEST_PG_DATA`, `TEST_PG_BIN`). `pg_ctl` runs as the user
/// that owns the cluster: `postgres` when the tests run as root (CI), the current user otherwise. As root it
/// goes through `setpriv`, which execs `pg_ctl` as `postgres`; `runuser` (what the script uses) never exited
/// when started from the test process (its watching parent kept waiting after `pg_ctl` had finished), so
/// every stop timed out. Only the fault tests use it, on a cluster of their own (`make test-faults`).
struct ThrowawayCluster: Sendable {
    let data: String
    let binaries: String

    /// The cluster of this run, or nil when `DATABASE_URL` points at a server the tests did not create.
    static var current: ThrowawayCluster? {
        let environment = ProcessInfo.processInfo.environment
        guard let data = environment["TEST_PG_DATA"], let binaries = environment["TEST_PG_BIN"],
            !data.isEmpty, !binaries.isEmpty
        else { return nil }
        return ThrowawayCluster(data: data, binaries: binaries)
    }

    /// True when the tests can stop and start the server.
    static var isAvailable: Bool { current != nil }

    /// `pg_ctl stop -m immediate`: every backend is killed at once, no checkpoint (a crash, as far as
    /// clients and recovery are concerned).
    func stopImmediately() async throws {
        try await pgCtl(["-D", data, "-m", "immediate", "-w", "-t", "60", "stop"])
    }

    /// `pg_ctl start`, returning once the server accepts connections (after crash recovery). Readiness is
    /// a successful connection, not `pg_ctl`'s exit: `Process` never reports the exit of a `pg_ctl start`
    /// (it stays a zombie while the postmaster it forked runs), so waiting for it would always time out.
    func start() async throws {
        let log = URL(fileURLWithPath: data).deletingLastPathComponent().appendingPathComponent("server.log").path
        let starting = try launch(["-D", data, "-l", log, "-w", "-t", "120", "start"])
        let server = try DatabaseConfiguration(url: TestDatabase.serverURL(), maximumConnections: 1)
            .with("connect_timeout", "2")
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let connected = (try? await BlockingWork.run { try DatabaseConnection.connect(server).query("SELECT 1") })
            if connected != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestSetupError("PostgreSQL did not accept connections within 120 s; pg_ctl: \(starting.standardError)")
    }

    private func pgCtl(_ arguments: [String]) async throws {
        let process = try launch(arguments)
        let status = try await process.exitStatus(timeout: .seconds(150))
        guard status == 0 else {
            throw TestSetupError("pg_ctl \(arguments.last ?? "") exited \(status): \(process.standardError)")
        }
    }

    private func launch(_ arguments: [String]) throws -> ChildProcess {
        let pgCtl = binaries + "/pg_ctl"
        let process: ChildProcess
        if geteuid() == 0 {
            process = try ChildProcess(
                executable: URL(fileURLWithPath: "/usr/bin/setpriv"),
                arguments: ["--reuid=postgres", "--regid=postgres", "--init-groups", pgCtl] + arguments,
                environment: ProcessInfo.processInfo.environment)
        } else {
            process = try ChildProcess(
                executable: URL(fileURLWithPath: pgCtl), arguments: arguments,
                environment: ProcessInfo.processInfo.environment)
        }
        return process
    }
}
