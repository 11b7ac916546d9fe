// MDMOutageFaultTests: the MDM server's API answers 503 for ten minutes while commands keep being queued;
// declaration-publisher keeps them, then delivers every one exactly once, in order per Mac.

import Database
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 10's MDM outage, with declaration-publisher's default outbox settings (12 attempts, backoff from
/// 1 s doubling to at most 600 s: the 11th attempt comes about 1,023 s after the first, so a command survives
/// a 10-minute outage and goes out at the first retry after it). The test's own enqueue API is down
/// (503) for `FAULT_MDM_OUTAGE_SECONDS` (default 600); during it, `perMac` waves of commands for every Mac are
/// queued in `command_outbox` as the scheduler queues them, a wave every `outage / perMac`, Macs in a
/// different order each wave. Checked: nothing is given up, every command reaches the API exactly once
/// after the outage, each Mac's commands arrive in the order they were queued, and the API was tried (and
/// refused) during the outage.
@Suite(.serialized, .enabled(if: TestDatabase.isEnabled, "SKIP_DB_TESTS=1"))
struct MDMOutageFaultTests {
    static var outage: Duration {
        .seconds(ProcessInfo.processInfo.environment["FAULT_MDM_OUTAGE_SECONDS"].flatMap { Int($0) } ?? 600)
    }
    static let macs = 25
    static let perMac = 4
    /// The default `OUTBOX_MAX_BACKOFF_SECONDS`: the longest a queued command waits between attempts.
    static let maximumBackoff: Duration = .seconds(600)

    @Test func commandsQueuedDuringAnOutageAreDeliveredOnceInOrderPerMacAfterIt() async throws {
        let server = OutageMDMServer(down: true)
        try await server.run { mdmURL in
            try await FreshDatabase.with { database in
                let executable = try ServiceBinaries.url(for: "declaration-publisher")
                var environment = ProcessInfo.processInfo.environment
                environment["DATABASE_URL"] = database.url
                environment["LOG_LEVEL"] = "error"
                environment["DDM_ALLOW_UNSIGNED"] = "true"
                environment["MDM_API_URL"] = mdmURL.absoluteString
                environment["MDM_API_KEY"] = "fault-test"
                for name in environment.keys where name.hasPrefix("OUTBOX_") { environment[name] = nil }
                let migrate = try ChildProcess(executable: executable, arguments: ["migrate"], environment: environment)
                #expect(try await migrate.exitStatus(timeout: .seconds(120)) == 0, "\(migrate.standardError)")
                try await database.sql(
                    """
                    INSERT INTO devices (enrollment_id, model_identifier)
                    SELECT 'mdm-mac-' || g, 'Mac13,1' FROM generate_series(0, $1::integer - 1) g
                    """, [String(Self.macs)])
                let port = try HTTPProbe.freePort()
                environment["HTTP_PORT"] = String(port)
                let publisher = try ChildProcess(executable: executable, environment: environment)
                defer { if publisher.isRunning { publisher.send(SIGKILL) } }
                let health = try await HTTPProbe(port: port).waitUntilAnswering(
                    "/healthz", process: publisher, timeout: .seconds(60))
                #expect(health.status == 200)

                // The outage: waves of commands, Macs shuffled, while the API refuses everything.
                let clock = ContinuousClock()
                let outageStarted = clock.now
                var queued: [String: [String]] = [:]  // enrollment id → command UUIDs in queue order
                for wave in 0..<Self.perMac {
                    let waveAt = outageStarted + Self.outage * (Double(wave) / Double(Self.perMac))
                    try await clock.sleep(until: waveAt)
                    for mac in (0..<Self.macs).shuffled() {
                        let enrollmentID = "mdm-mac-\(mac)"
                        let uuid = UUID().uuidString
                        try await database.sql(
                            """
                            INSERT INTO command_outbox (device_id, enrollment_id, command_uuid, request_type, payload,
                                                        dedupe_key)
                            SELECT id, enrollment_id, $2::uuid, 'ScheduleOSUpdate', $3, $4 FROM devices
                            WHERE enrollment_id = $1
                            """, [enrollmentID, uuid, Self.plist(uuid: uuid, wave: wave), "fault:\(uuid)"])
                        queued[enrollmentID, default: []].append(uuid)
                    }
                    _ = try await database.sql("SELECT pg_notify('command', '') AS sent")
                }
                try await clock.sleep(until: outageStarted + Self.outage)
                let refusedDuringOutage = server.received.count
                let deliveredDuringOutage = try await database.count(
                    "SELECT count(*) AS n FROM command_outbox WHERE state <> 'queued'")
                server.isDown = false
                let recovered = clock.now

                // After it: wait until nothing is queued (at most one maximum backoff and a margin).
                let total = Self.macs * Self.perMac
                let deadline = recovered + Self.maximumBackoff + .seconds(120)
                var delivered = 0
                while clock.now < deadline {
                    delivered = try await database.count(
                        "SELECT count(*) AS n FROM command_outbox WHERE state = 'delivered'")
                    let queuedNow = try await database.count(
                        "SELECT count(*) AS n FROM command_outbox WHERE state = 'queued'")
                    if queuedNow == 0 { break }
                    try await Task.sleep(for: .seconds(1))
                }
                let failed = try await database.count(
                    "SELECT count(*) AS n FROM command_outbox WHERE state = 'failed'")
                let maximumAttempts = try await database.count(
                    "SELECT coalesce(max(attempts), 0) AS n FROM command_outbox")
                let received = server.received
                let accepted = received.filter(\.accepted)

                #expect(deliveredDuringOutage == 0, "a command left the queue while the API was down")
                #expect(refusedDuringOutage > 0, "the API was never tried during the outage")
                #expect(failed == 0, "\(failed) commands were given up")
                #expect(
                    delivered == total, "\(delivered) of \(total) delivered\n\(publisher.standardError.suffix(3000))")
                // Exactly once: every queued command was accepted once and nothing else was.
                var acceptances: [String: Int] = [:]
                for request in accepted { acceptances[request.commandUUID, default: 0] += 1 }
                let allQueued = Set(queued.values.joined())
                #expect(Set(acceptances.keys) == allQueued)
                #expect(acceptances.values.allSatisfy { $0 == 1 }, "a command was delivered twice")
                // In order per Mac, and each to its own Mac.
                var deliveredOrder: [String: [String]] = [:]
                for request in accepted {
                    deliveredOrder[request.enrollmentID, default: []].append(request.commandUUID)
                }
                for (mac, uuids) in queued {
                    #expect(
                        deliveredOrder[mac] == uuids, "\(mac): delivered \(deliveredOrder[mac] ?? []), queued \(uuids)")
                }
                let firstDelivery = accepted.first.map { $0.at - recovered }
                let lastDelivery = accepted.last.map { $0.at - recovered }
                print(
                    """
                    fault: MDM API outage \(Self.outage.faultText): \(total) commands for \(Self.macs) Macs queued in \
                    \(Self.perMac) waves; \(refusedDuringOutage) attempts refused (503) during the outage, \
                    \(received.count - accepted.count - refusedDuringOutage) after it; \(delivered) delivered, \
                    \(accepted.count) accepted by the API (\(acceptances.values.filter { $0 > 1 }.count) twice), \
                    \(failed) given up, most attempts for one command \(maximumAttempts); first delivery \
                    \(firstDelivery?.faultText ?? "none") and last \(lastDelivery?.faultText ?? "none") after the API came back
                    """)
                publisher.send(SIGTERM)
                _ = try await publisher.waitForExit(timeout: .seconds(10))
            }
        }
    }

    /// A ScheduleOSUpdate-shaped command plist carrying its UUID.
    static func plist(uuid: String, wave: Int) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
        <plist version="1.0"><dict>
        <key>Command</key><dict><key>RequestType</key><string>ScheduleOSUpdate</string>
        <key>Updates</key><array><dict><key>ProductVersion</key><string>13.7.\(wave)</string>
        <key>InstallAction</key><string>InstallASAP</string></dict></array></dict>
        <key>CommandUUID</key><string>\(uuid)</string>
        </dict></plist>
        """
    }
}
