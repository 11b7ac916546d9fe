// EndToEndTests+Restarts: status-ingest and the scheduler are killed (SIGKILL) and restarted in the middle of
// the scenario; it still completes and no report status-ingest acknowledged is lost.

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

extension EndToEndTests {
    /// Which markers status-ingest acknowledged (200) and how many sends failed.
    actor Acknowledgements {
        private(set) var acknowledged: [String] = []
        private(set) var failedSends = 0
        private(set) var stopped = false

        func record(_ marker: String?) {
            if let marker { acknowledged.append(marker) } else { failedSends += 1 }
        }

        func stop() { stopped = true }
    }

    @Test func killingStatusIngestAndTheSchedulerMidScenarioLosesNoAcknowledgedReport() async throws {
        try await FreshDatabase.with { database in
            let product = try await Product.start(databaseURL: database.url, schedulerNow: Self.now)
            defer { product.stop() }
            let fleet = try await product.blueprint(
                "Restart fleet", items: [Product.item(15, "continuous", ["mode": "automatic", "timeframe": "oneWeek"])])
            let macs = ["e2e-restart-1", "e2e-restart-2", "e2e-restart-3"]
            var deviceIDs: [String: String] = [:]
            for mac in macs { deviceIDs[mac] = try await product.register(mac, blueprintID: fleet.id).deviceID }

            // Mac 3 reports continuously (each full report carries a marker) while both services are killed.
            let acknowledgements = Acknowledgements()
            let statusIngest = product.statusIngest.probe
            let burst = Task {
                var number = 0
                while await !acknowledgements.stopped {
                    number += 1
                    let marker = "m-\(number)"
                    let body = try JSONSerialization.data(
                        withJSONObject: Self.fullReport("15.7.8", "24G824", marker: marker))
                    let response = try? await statusIngest.send(
                        "PUT", "/status",
                        headers: ["X-Enrollment-ID": macs[2], "Content-Type": "application/json"], body: body)
                    await acknowledgements.record(response?.status == 200 ? marker : nil)
                    if response?.status != 200 { try await Task.sleep(for: .milliseconds(50)) }
                }
            }
            defer { burst.cancel() }
            try await product.report(version: "15.7.8", build: "24G824", enrollmentID: macs[0])
            try await product.report(version: "15.7.8", build: "24G824", enrollmentID: macs[1])
            _ = try await product.eventually("5 acknowledged reports", timeout: .seconds(60)) {
                await acknowledgements.acknowledged.count >= 5 ? true : nil
            }

            try await product.killAbruptly(.statusIngest)
            try await product.killAbruptly(.scheduler)
            _ = try await product.eventually("reports refused while status-ingest is down", timeout: .seconds(60)) {
                await acknowledgements.failedSends >= 3 ? true : nil
            }
            let acknowledgedBefore = await acknowledgements.acknowledged.count
            try await product.restart(.statusIngest)
            try await product.restart(.scheduler)
            _ = try await product.eventually("reports acknowledged after the restart", timeout: .seconds(60)) {
                await acknowledgements.acknowledged.count >= acknowledgedBefore + 5 ? true : nil
            }
            await acknowledgements.stop()
            _ = try await burst.value

            // Every acknowledged report is stored; Mac 3's state is its last acknowledged report.
            let acknowledged = await acknowledgements.acknowledged
            let stored = Set(
                try database.database.query(
                    """
                    SELECT h.items::text AS items FROM device_status_history h JOIN devices d ON d.id = h.device_id
                    WHERE d.enrollment_id = $1
                    """, [macs[2]]
                ).rows.map { try $0.decode("items", as: String.self) }.compactMap(Self.marker(in:)))
            let lost = acknowledged.filter { !stored.contains($0) }
            #expect(lost.isEmpty, "acknowledged but not stored: \(lost) of \(acknowledged.count)")
            let status = try await product.admin.json(
                "GET", "/v1/devices/\(try #require(deviceIDs[macs[2]]))/status", nil, expect: 200)
            let statusText = String(
                decoding: try JSONSerialization.data(withJSONObject: status["statusItems"] ?? [:]), as: UTF8.self)
            #expect(statusText.contains("\"\(acknowledged.last!)\""), "state is not the last report: \(statusText)")

            // The restarted scheduler plans every Mac from the reports sent around the crash.
            for mac in macs {
                let enforcement = try await product.waitForEnforcement(timeout: .seconds(120), enrollmentID: mac)
                #expect(enforcement["TargetOSVersion"] as? String == "15.7.9")
            }

            // The Macs install 15.7.9; the scheduler is killed again right after the reports are acknowledged.
            for mac in macs { try await product.report(version: "15.7.9", build: "24G830", enrollmentID: mac) }
            try await product.killAbruptly(.scheduler)
            try await product.restart(.scheduler)
            for mac in macs {
                let row = try await product.complianceRow(
                    waitingFor: "compliant", timeout: .seconds(120), enrollmentID: mac)
                #expect(row["osVersion"] as? String == "15.7.9")
            }
        }
    }

    /// A full report of a Mac on `version` carrying `marker` in an item of our own (status-ingest keeps unknown items).
    static func fullReport(_ version: String, _ build: String, marker: String) -> [String: Any] {
        [
            "StatusItems": [
                "device": [
                    "operating-system": ["version": version, "build-version": build],
                    "model": ["identifier": "Mac14,2"],
                ],
                "e2e": ["marker": marker],
            ],
            "Errors": [],
            "FullReport": true,
        ]
    }

    /// The `m-<n>` marker in a stored items text.
    static func marker(in text: String) -> String? {
        guard let range = text.range(of: #""m-[0-9]+""#, options: .regularExpression) else { return nil }
        return String(text[range].dropFirst().dropLast())
    }
}
