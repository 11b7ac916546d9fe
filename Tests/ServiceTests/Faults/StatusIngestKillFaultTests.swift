// StatusIngestKillFaultTests: kill -9 of one of two status-ingest replicas in the middle of 20,000 reports;
// every report answered 200 is stored, and the clients' retries on the other replica get the rest in.

import Database
import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 10's replica kill: two `status-ingest` processes over one fresh database, 20 concurrent clients
/// sending `FAULT_INGEST_REPORTS` reports (default 20,000) for a tenth as many Macs, alternating replicas as a
/// load balancer would. When a third of the reports are acknowledged, one replica gets SIGKILL. A request that
/// fails (connection reset or refused, or a non-200 answer) is retried on the other replica, as the load
/// balancer or the Mac would, and a replica that failed is not used again. Checked: every acknowledged report
/// is in the history, every report was eventually acknowledged, and a report is stored twice at most when it
/// was in flight on the killed replica (committed, but the answer never left).
@Suite(.serialized, .enabled(if: TestDatabase.isEnabled, "SKIP_DB_TESTS=1"))
struct StatusIngestKillFaultTests {
    static var reportCount: Int {
        ProcessInfo.processInfo.environment["FAULT_INGEST_REPORTS"].flatMap { Int($0) } ?? 20_000
    }
    static let clients = 20

    @Test func killNineOfOneReplicaMidLoadLosesNoAcknowledgedReport() async throws {
        let macs = max(Self.clients, Self.reportCount / 10)
        let rounds = max(1, Self.reportCount / macs)
        let total = macs * rounds
        try await FreshDatabase.with { database in
            let executable = try ServiceBinaries.url(for: "status-ingest")
            let migrate = try ChildProcess(
                executable: executable, arguments: ["migrate"], environment: environment(databaseURL: database.url))
            #expect(try await migrate.exitStatus(timeout: .seconds(120)) == 0, "\(migrate.standardError)")
            try await database.sql(
                "INSERT INTO devices (enrollment_id) SELECT 'mac-' || g FROM generate_series(0, $1::integer - 1) g",
                [String(macs)])

            let ports = [try HTTPProbe.freePort(), try HTTPProbe.freePort()]
            let replicas = try ports.map {
                try ChildProcess(executable: executable, environment: environment(databaseURL: database.url, port: $0))
            }
            defer { for replica in replicas where replica.isRunning { replica.send(SIGKILL) } }
            for (port, replica) in zip(ports, replicas) {
                let health = try await HTTPProbe(port: port).waitUntilAnswering(
                    "/healthz", process: replica, timeout: .seconds(60))
                #expect(health.status == 200)
            }

            let writes = AcknowledgedWrites()
            let balancer = Balancer(ports: ports)
            let clock = ContinuousClock()
            let started = clock.now
            let load = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for client in 0..<Self.clients {
                        group.addTask {
                            try await Self.send(
                                client: client, macs: macs, rounds: rounds, balancer: balancer, into: writes)
                        }
                    }
                    try await group.waitForAll()
                }
            }
            // Kill replica 0 once a third of the reports are in.
            while writes.acknowledgedCount < total / 3, clock.now - started < .seconds(600) {
                try await Task.sleep(for: .milliseconds(20))
            }
            let acknowledgedAtKill = writes.acknowledgedCount
            replicas[0].send(SIGKILL)
            let killedAt = clock.now - started
            #expect(try await replicas[0].waitForExit(timeout: .seconds(10)) != nil)
            try await load.value
            let elapsed = clock.now - started
            #expect(replicas[1].isRunning, "the surviving replica exited:\n\(replicas[1].standardError)")

            let acknowledged = writes.acknowledged
            let stored = try await database.sql(
                """
                SELECT items->>'device.operating-system.build-version' AS build, count(*) AS copies
                FROM device_status_history GROUP BY 1
                """
            ).rows.reduce(into: [String: Int]()) { $0[try $1.decode("build")] = try $1.decode("copies", as: Int.self) }
            let missing = Set(acknowledged).subtracting(stored.keys)
            let duplicates = stored.values.filter { $0 > 1 }.count
            #expect(missing.isEmpty, "acknowledged but not stored: \(missing.sorted().prefix(20))")
            #expect(Set(acknowledged).count == total, "every report is acknowledged in the end (with retries)")
            #expect(Set(stored.keys) == Set(acknowledged), "stored reports nobody sent")
            // Only a report in flight on the killed replica can have been committed without its answer.
            #expect(duplicates <= Self.clients, "\(duplicates) reports stored twice")

            print(
                """
                fault: status-ingest kill -9: \(total) reports for \(macs) Macs from \(Self.clients) clients over 2 \
                replicas; replica 0 killed at \(killedAt.faultText) after \(acknowledgedAtKill) acknowledged; \
                \(acknowledged.count) acknowledged (\(Set(acknowledged).count) distinct), \(writes.refused) attempts \
                failed and were retried, \(stored.count) distinct reports stored, \(missing.count) acknowledged but \
                missing, \(duplicates) stored twice (in flight at the kill); load took \(elapsed.faultText)
                """)
        }
    }

    /// One client: its Macs in turn, one report at a time, each retried on the next live replica until a 200.
    private static func send(
        client: Int, macs: Int, rounds: Int, balancer: Balancer, into writes: AcknowledgedWrites
    ) async throws {
        for round in 0..<rounds {
            for mac in stride(from: client, to: macs, by: clients) {
                let build = "B\(mac)R\(round)"
                let body = Data(StatusIngestProcessScaleOutTests.report(mac: mac, round: round).utf8)
                var attempt = 0
                while true {
                    let port = try balancer.port(for: mac + round + attempt)
                    attempt += 1
                    let response = try? await HTTPProbe(port: port).send(
                        "PUT", "/status", headers: ["X-Enrollment-ID": "mac-\(mac)"], body: body, timeout: 60)
                    if response?.status == 200 {
                        writes.acknowledge(build)
                        break
                    }
                    writes.refuse()
                    if response == nil { balancer.markDown(port) }
                    guard attempt < 20 else { throw TestSetupError("\(build) was refused 20 times") }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        }
    }

    private func environment(databaseURL: String, port: Int? = nil) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = databaseURL
        environment["HTTP_HOST"] = "127.0.0.1"
        environment["LOG_LEVEL"] = "warning"
        environment["DATABASE_POOL_SIZE"] = "6"
        environment["STATUS_ALLOW_UNSIGNED"] = "true"
        if let port { environment["HTTP_PORT"] = String(port) } else { environment.removeValue(forKey: "HTTP_PORT") }
        return environment
    }
}

extension StatusIngestKillFaultTests {
    /// The load balancer: round robin over the replicas that have not failed a connection.
    final class Balancer: Sendable {
        private let live: Mutex<[Int]>

        init(ports: [Int]) { live = Mutex(ports) }

        func port(for index: Int) throws -> Int {
            try live.withLock { ports in
                guard !ports.isEmpty else { throw TestSetupError("no replica left") }
                return ports[index % ports.count]
            }
        }

        /// A replica that did not answer leaves the rotation (the killed one is never restarted here); the
        /// last one always stays.
        func markDown(_ port: Int) {
            live.withLock { ports in if ports.count > 1 { ports.removeAll { $0 == port } } }
        }
    }
}
