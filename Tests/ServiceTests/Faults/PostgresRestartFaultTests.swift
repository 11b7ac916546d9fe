// PostgresRestartFaultTests: PostgreSQL is shut down with `-m immediate` (a crash) and started again while the
// five services take writes; they reconnect by themselves, lose no acknowledged write and catch up the bus.

import Database
import Foundation
import ServiceSupport
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 10's database restart: the five executables (the end-to-end `Product`) run while status reports
/// (status-ingest) and Mac registrations (library-api) are written continuously. The server is stopped with
/// `pg_ctl -m immediate` for `FAULT_PG_DOWNTIME_SECONDS` (default 5) and started again. Checked: every
/// `/healthz` answers 503 while it is down and 200 within 10 s after it is back, the PIDs are the same
/// (nobody was restarted), every acknowledged write is stored, writes succeed again through both services,
/// and every bus consumer group's cursor reaches the last event published around the restart.
@Suite(
    .serialized, .enabled(if: TestDatabase.isEnabled, "SKIP_DB_TESTS=1"),
    .enabled(if: ThrowawayCluster.isAvailable, "needs the cluster of scripts/with-postgres.sh (TEST_PG_DATA)"))
struct PostgresRestartFaultTests {
    static var downtime: Duration {
        .seconds(ProcessInfo.processInfo.environment["FAULT_PG_DOWNTIME_SECONDS"].flatMap { Int($0) } ?? 5)
    }
    static let reconnectLimit: Duration = .seconds(10)
    static let reportingMacs = 8

    @Test func immediateShutdownUnderLoadEveryServiceReconnectsWithinTenSecondsAndNothingAcknowledgedIsLost()
        async throws
    {
        let cluster = try #require(ThrowawayCluster.current)
        try await FreshDatabase.with { database in
            let product = try await EndToEndTests.Product.start(
                databaseURL: database.url, schedulerNow: EndToEndTests.now)
            defer { product.stop() }
            try await database.sql(
                """
                INSERT INTO devices (enrollment_id, model_identifier)
                SELECT 'pg-mac-' || g, 'Mac14,2' FROM generate_series(0, $1::integer - 1) g
                """, [String(Self.reportingMacs)])
            let services = product.processes.map { ($0.name, $0.pid) }
            let scheduler = try #require(product.processes.first { $0.name == ServiceDescriptor.scheduler.name })

            // Writers: status reports and Mac registrations, until told to stop.
            let reports = AcknowledgedWrites()
            let registrations = AcknowledgedWrites()
            let stop = StopFlag()
            let load = Task {
                await withTaskGroup(of: Void.self) { group in
                    for mac in 0..<Self.reportingMacs {
                        group.addTask { await Self.reportLoop(mac: mac, product: product, into: reports, until: stop) }
                    }
                    group.addTask { await Self.registrationLoop(product: product, into: registrations, until: stop) }
                }
            }
            defer { stop.raise() }
            try await Task.sleep(for: .seconds(3))
            let acknowledgedBefore = (reports.acknowledgedCount, registrations.acknowledgedCount)

            let leadershipsBefore = scheduler.standardError.components(separatedBy: "active scheduler").count

            // Down: every /healthz must say 503 while the server is away.
            let clock = ContinuousClock()
            let stopped = clock.now
            try await cluster.stopImmediately()
            var restarted = false
            // Whatever fails while it is down, the server comes back for the suites after this one.
            defer { if !restarted { Self.startSynchronously(cluster) } }
            var unhealthy: Set<String> = []
            var healthDuringOutage: [String: Int] = [:]
            while clock.now - stopped < Self.downtime || unhealthy.count < 5,
                clock.now - stopped < .seconds(60)
            {
                for (name, port) in try healthPorts(product) {
                    if let status = try? await HTTPProbe(port: port).get("/healthz").status {
                        healthDuringOutage[name] = status
                        if status == 503 { unhealthy.insert(name) }
                        #expect(status != 200, "\(name) /healthz answered 200 while PostgreSQL was down")
                    }
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            let acknowledgedWhileDown = (reports.acknowledgedCount, registrations.acknowledgedCount)
            try await cluster.start()
            restarted = true
            let started = clock.now
            let downtime = started - stopped
            #expect(unhealthy.count == 5, "healthz while down: \(healthDuringOutage)")

            // Up: every /healthz must say 200 again within 10 s, from the same process.
            var reconnected: [String: Duration] = [:]
            while reconnected.count < 5, clock.now - started < .seconds(60) {
                for (name, port) in try healthPorts(product) where reconnected[name] == nil {
                    if (try? await HTTPProbe(port: port).get("/healthz").status) == 200 {
                        reconnected[name] = clock.now - started
                    }
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            for (name, _) in try healthPorts(product) {
                let time = try #require(reconnected[name], "\(name) never answered /healthz 200 again\n\(product.logs)")
                #expect(time < Self.reconnectLimit, "\(name) took \(time) to be healthy again")
            }
            // The scheduler lost its advisory lock with its backend: it must lead again, by itself.
            while scheduler.standardError.components(separatedBy: "active scheduler").count <= leadershipsBefore,
                clock.now - started < .seconds(60)
            {
                try await Task.sleep(for: .milliseconds(100))
            }
            let leadingAgain = clock.now - started
            #expect(leadingAgain < Self.reconnectLimit, "the scheduler took \(leadingAgain) to be active again")

            // Writes go through again, through both services, before the load stops.
            let acknowledgedAtRecovery = (reports.acknowledgedCount, registrations.acknowledgedCount)
            let resumeDeadline = clock.now + .seconds(30)
            while clock.now < resumeDeadline,
                reports.acknowledgedCount < acknowledgedAtRecovery.0 + 50
                    || registrations.acknowledgedCount < acknowledgedAtRecovery.1 + 10
            {
                try await Task.sleep(for: .milliseconds(100))
            }
            let writesResumed = clock.now - started
            stop.raise()
            await load.value
            #expect(reports.acknowledgedCount >= acknowledgedAtRecovery.0 + 50, "status reports did not resume")
            #expect(registrations.acknowledgedCount >= acknowledgedAtRecovery.1 + 10, "registrations did not resume")
            #expect(product.processes.map { ($0.name, $0.pid) }.elementsEqual(services) { $0 == $1 })
            for process in product.processes {
                #expect(process.isRunning, "\(process.name) exited:\n\(process.standardError.suffix(3000))")
            }

            // No acknowledged write is lost.
            let storedBuilds = Set(
                try await database.sql(
                    "SELECT items->>'device.operating-system.build-version' AS build FROM device_status_history"
                ).rows.map { try $0.decode("build", as: String.self) })
            let lostReports = Set(reports.acknowledged).subtracting(storedBuilds)
            #expect(lostReports.isEmpty, "acknowledged reports missing: \(lostReports.sorted().prefix(20))")
            let storedDevices = Set(
                try await database.sql("SELECT enrollment_id FROM devices").rows.map {
                    try $0.decode("enrollment_id", as: String.self)
                })
            let lostRegistrations = Set(registrations.acknowledged).subtracting(storedDevices)
            #expect(lostRegistrations.isEmpty, "acknowledged registrations missing: \(lostRegistrations.sorted())")

            // Every consumer group catches up every event published around the restart.
            let head = try await database.sql("SELECT coalesce(max(id), 0) AS head FROM bus_events").first!
                .decode("head", as: Int64.self)
            let groups = ["scheduler", "self-service-gateway"]
            var cursors: [String: Int64] = [:]
            let catchUpDeadline = clock.now + .seconds(60)
            repeat {
                for row in try await database.sql("SELECT consumer_group, last_event_id FROM bus_cursors").rows {
                    cursors[try row.decode("consumer_group")] = try row.decode("last_event_id", as: Int64.self)
                }
                if groups.allSatisfy({ (cursors[$0] ?? 0) >= head }) { break }
                try await Task.sleep(for: .milliseconds(250))
            } while clock.now < catchUpDeadline
            let caughtUp = clock.now - started
            for group in groups {
                #expect((cursors[group] ?? 0) >= head, "\(group) stopped at \(cursors[group] ?? 0) of \(head)")
            }
            let eventsAroundRestart = try await database.count(
                "SELECT count(*) AS n FROM bus_events WHERE published_at >= now() - $1::interval",
                ["\(Int((clock.now - stopped).components.seconds) + 5) seconds"])

            print(
                """
                fault: PostgreSQL immediate restart: down \(downtime.faultText); \
                healthz while down \(healthDuringOutage); reconnect after start \(reconnected.mapValues(\.faultText)); \
                scheduler active again \(leadingAgain.faultText) after start; \
                writes resumed \(writesResumed.faultText) after start; \
                status reports acknowledged \(reports.acknowledgedCount) (\(acknowledgedBefore.0) before the stop, \
                \(acknowledgedWhileDown.0 - acknowledgedBefore.0) while stopping/down), refused \(reports.refused), \
                acknowledged but missing \(lostReports.count); registrations acknowledged \(registrations.acknowledgedCount), \
                refused \(registrations.refused), missing \(lostRegistrations.count); bus head \(head), cursors \(cursors), \
                \(eventsAroundRestart) events published around the restart, caught up \(caughtUp.faultText) after start; \
                same PIDs \(services.map { "\($0.0)=\($0.1)" }.joined(separator: " "))
                """)
        }
    }

    /// Starts the server from a `defer` (which cannot await), waiting on a thread of its own.
    private static func startSynchronously(_ cluster: ThrowawayCluster) {
        let done = DispatchSemaphore(value: 0)
        Task {
            try? await cluster.start()
            done.signal()
        }
        done.wait()
    }

    /// Each service's HTTP port, by executable name.
    private func healthPorts(_ product: EndToEndTests.Product) throws -> [(String, Int)] {
        product.ports.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// One Mac reporting as fast as status-ingest answers; each report has a build unique to it.
    private static func reportLoop(
        mac: Int, product: EndToEndTests.Product, into writes: AcknowledgedWrites, until stop: StopFlag
    ) async {
        var round = 0
        while !stop.isRaised {
            let build = "PG\(mac)R\(round)"
            round += 1
            let body =
                #"{"StatusItems":{"device":{"operating-system":{"version":"15.7.8","build-version":"\#(build)"}}},"Errors":[]}"#
            let response = try? await product.statusIngest.probe.send(
                "PUT", "/status", headers: ["X-Enrollment-ID": "pg-mac-\(mac)", "Content-Type": "application/json"],
                body: Data(body.utf8))
            if response?.status == 200 {
                writes.acknowledge(build)
            } else {
                writes.refuse()
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Registers new Macs through library-api, one after the other.
    private static func registrationLoop(
        product: EndToEndTests.Product, into writes: AcknowledgedWrites, until stop: StopFlag
    ) async {
        var index = 0
        while !stop.isRaised {
            let enrollmentID = "pg-new-\(index)"
            index += 1
            let body = #"{"enrollmentId":"\#(enrollmentID)","modelIdentifier":"Mac14,2"}"#
            var headers = product.admin.headers
            headers["Content-Type"] = "application/json"
            let response = try? await product.admin.probe.send(
                "POST", "/v1/devices", headers: headers, body: Data(body.utf8))
            if response?.status == 201 {
                writes.acknowledge(enrollmentID)
            } else {
                writes.refuse()
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
