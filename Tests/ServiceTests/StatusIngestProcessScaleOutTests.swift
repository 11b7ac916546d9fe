// StatusIngestProcessScaleOutTests: two real status-ingest processes on one database, concurrent clients,
// every accepted report stored exactly once, each Mac ending on its last report, one device event per change.

import Database
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 7's scale-out proof with built executables: two `status-ingest` OS processes on different ports over
/// one fresh database, 20 concurrent clients, reports for a tenth as many Macs; consecutive reports of one Mac
/// go to different processes. The issue's size is `STATUS_PROCESS_SCALE_REPORTS=50000`; measured in a debug
/// build on 2 cores shared with other builds (load average about 12), sending 50,000 took 226 s, so the
/// default is 25,000 (about 2 minutes there).
@Suite(.serialized, .enabled(if: TestDatabase.isEnabled, "SKIP_DB_TESTS=1"))
struct StatusIngestProcessScaleOutTests {
    /// Reports sent in total (for a tenth as many Macs).
    static var reportCount: Int {
        ProcessInfo.processInfo.environment["STATUS_PROCESS_SCALE_REPORTS"].flatMap { Int($0) } ?? 25_000
    }

    static let clients = 20
    static let states = ["waiting", "downloading", "prepared", "installing", "none"]

    /// The report Mac `mac` sends in `round`: round 0 is a full report, later ones incremental. Each carries a
    /// build version unique to (Mac, round), so every stored report can be told apart.
    static func report(mac: Int, round: Int) -> String {
        let build = "B\(mac)R\(round)"
        let update = #""softwareupdate":{"install-state":"\#(states[round % states.count])"}"#
        let os = #""operating-system":{"version":"15.\#(round)","build-version":"\#(build)"}"#
        if round == 0 {
            return #"""
                {"StatusItems":{"device":{"model":{"family":"Mac","identifier":"Mac14,2"},\#(os)},\#(update),
                "management":{"declarations":{"configurations":[{"identifier":"c.\#(mac)","server-token":"t0",
                "active":true,"valid":"valid"}]}}},"Errors":[],"FullReport":true}
                """#
        }
        return #"{"StatusItems":{"device":{\#(os)},\#(update)},"Errors":[]}"#
    }

    @Test func twoProcessesStoreEveryAcceptedReportOnceAndEachMacEndsOnItsLastReport() async throws {
        let total = Self.reportCount
        let macs = max(Self.clients, total / 10)
        let rounds = max(1, total / macs)
        try await FreshDatabase.with { database in
            let executable = try ServiceBinaries.url(for: "status-ingest")
            let migrate = try ChildProcess(
                executable: executable, arguments: ["migrate"], environment: environment(databaseURL: database.url))
            #expect(try await migrate.exitStatus(timeout: .seconds(60)) == 0, "\(migrate.standardError)")
            try database.database.query(
                "INSERT INTO devices (enrollment_id) SELECT 'mac-' || g FROM generate_series(0, $1::integer - 1) g",
                [macs])

            let ports = [try HTTPProbe.freePort(), try HTTPProbe.freePort()]
            let servers = try ports.map {
                try ChildProcess(
                    executable: executable, environment: environment(databaseURL: database.url, port: $0))
            }
            defer { for server in servers where server.isRunning { server.send(SIGKILL) } }
            for (port, server) in zip(ports, servers) {
                let health = try await HTTPProbe(port: port).waitUntilAnswering(
                    "/healthz", process: server, timeout: .seconds(30))
                #expect(health.status == 200)
            }

            let clock = ContinuousClock()
            let started = clock.now
            let accepted = try await Self.send(ports: ports, macs: macs, rounds: rounds)
            let elapsed = started.duration(to: clock.now)
            print("status-ingest two processes: \(accepted.count) of \(macs * rounds) reports accepted in \(elapsed)")

            for server in servers { server.send(SIGTERM) }
            for server in servers {
                #expect(try await server.waitForExit(timeout: .seconds(10)) == 0, "\(server.standardError)")
            }
            #expect(accepted.count == macs * rounds)

            // Every accepted report is in the history and the raw bodies exactly once, and nothing else is.
            let history = try database.database.query(
                """
                SELECT count(*) AS n, count(DISTINCT items->>'device.operating-system.build-version') AS builds,
                       count(*) FILTER (WHERE NOT applied) AS late
                FROM device_status_history
                """
            ).first!
            #expect(try history.decode("n", as: Int.self) == accepted.count)
            #expect(try history.decode("builds", as: Int.self) == accepted.count)
            // A Mac's next report is sent only after the previous one was answered, so none is ever too late.
            #expect(try history.decode("late", as: Int.self) == 0)
            let stored = Set(
                try database.database.query(
                    "SELECT items->>'device.operating-system.build-version' AS build FROM device_status_history"
                ).rows.map { try $0.decode("build", as: String.self) })
            #expect(stored == accepted)
            let raw = try database.database.query(
                "SELECT count(*) AS n, count(DISTINCT body) AS bodies FROM status_reports_raw"
            ).first!
            #expect(try raw.decode("n", as: Int.self) == accepted.count)
            #expect(try raw.decode("bodies", as: Int.self) == accepted.count)

            // Each Mac's state is its last report merged over its full one.
            let last = rounds - 1
            let wrong = try database.database.query(
                """
                SELECT count(*) AS n FROM devices d LEFT JOIN device_status s ON s.device_id = d.id
                WHERE s.os_version IS DISTINCT FROM $1
                   OR s.build_version IS DISTINCT FROM 'B' || substr(d.enrollment_id, 5) || 'R' || $2
                   OR s.install_state IS DISTINCT FROM $3
                   OR s.model_identifier IS DISTINCT FROM 'Mac14,2'
                   OR s.declaration_server_tokens IS DISTINCT FROM
                      jsonb_build_object('configurations/c.' || substr(d.enrollment_id, 5), 't0')
                """, ["15.\(last)", String(last), Self.states[last % Self.states.count]]
            ).first!.decode("n", as: Int.self)
            #expect(wrong == 0)

            // Every report changed the build, so every one is relevant and published exactly one device event
            // (one per Mac and batch; a Mac never has two reports in one batch here), naming its Mac.
            let events = try database.database.query(
                """
                SELECT count(*) AS n,
                       count(*) FILTER (WHERE d.id IS NULL) AS strangers,
                       (SELECT count(*) FROM device_status_history WHERE relevant) AS relevant
                FROM bus_events e LEFT JOIN devices d ON d.id::text = e.entity
                WHERE e.topic = 'device'
                """
            ).first!
            #expect(try events.decode("n", as: Int.self) == accepted.count)
            #expect(try events.decode("relevant", as: Int.self) == accepted.count)
            #expect(try events.decode("strangers", as: Int.self) == 0)
            let uneven = try database.database.query(
                """
                SELECT count(*) AS n FROM devices d
                LEFT JOIN (SELECT entity, count(*) AS events FROM bus_events WHERE topic = 'device' GROUP BY entity) e
                       ON e.entity = d.id::text
                WHERE coalesce(e.events, 0) <> $1
                """, [rounds]
            ).first!.decode("n", as: Int.self)
            #expect(uneven == 0)
        }
    }

    /// Sends every report from `clients` concurrent clients, each with a keep-alive connection to both processes,
    /// and returns the build versions of the reports answered 200.
    static func send(ports: [Int], macs: Int, rounds: Int) async throws -> Set<String> {
        try await withThrowingTaskGroup(of: [String].self) { group in
            for clientIndex in 0..<clients {
                group.addTask {
                    let connections = ports.map {
                        TestClient(host: "127.0.0.1", port: $0, configuration: .init(timeout: .seconds(90)))
                    }
                    connections.forEach { $0.connect() }
                    var accepted: [String] = []
                    do {
                        for round in 0..<rounds {
                            for mac in stride(from: clientIndex, to: macs, by: clients) {
                                let connection = connections[(mac + round) % connections.count]
                                let response = try await connection.put(
                                    "/status", headers: [HTTPField.Name("X-Enrollment-ID")!: "mac-\(mac)"],
                                    body: ByteBuffer(string: report(mac: mac, round: round)))
                                if response.status == .ok {
                                    accepted.append("B\(mac)R\(round)")
                                } else {
                                    Issue.record("mac-\(mac) round \(round): \(response.status)")
                                }
                            }
                        }
                    } catch {
                        for connection in connections { try? await connection.shutdown() }
                        throw error
                    }
                    for connection in connections { try? await connection.shutdown() }
                    return accepted
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.formUnion($1) }
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
