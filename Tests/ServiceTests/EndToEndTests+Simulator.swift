// EndToEndTests+Simulator: the mac-simulator executable syncs a few Macs against the running product, installs
// the declared update and reports it, and compliance moves from pending to compliant.

import Foundation
import Testing

extension EndToEndTests {
    @Test func macSimulatorInstallsTheDeclaredUpdateAndCompliancePassesFromPendingToCompliant() async throws {
        try await FreshDatabase.with { database in
            let product = try await Product.start(databaseURL: database.url, schedulerNow: Self.now)
            defer { product.stop() }
            let fleet = try await product.blueprint(
                "Simulated fleet",
                items: [Product.item(15, "continuous", ["mode": "automatic", "timeframe": "oneWeek"])])
            let macs = (1...3).map { "sim-mac-0000\($0)" }
            for mac in macs { _ = try await product.register(mac, blueprintID: fleet.id) }
            let before = try await product.admin.json("GET", "/v1/compliance/macs", nil, expect: 200)
            #expect(
                (before["items"] as? [[String: Any]] ?? []).allSatisfy { $0["state"] as? String == "unknown" },
                "registered Macs that never reported: \(before)")

            // Three Macs on 15.7.8, no failures; their clock runs fast enough to reach the deadline in seconds.
            let simulator = try ChildProcess(
                executable: try ServiceBinaries.url(for: "mac-simulator"),
                arguments: [
                    "run", "--ddm-url", "http://127.0.0.1:\(product.publisher.probe.port)/",
                    "--status-url", "http://127.0.0.1:\(product.statusIngest.probe.port)/",
                    "--macs", "3", "--prefix", "sim-mac-", "--os-version", "15.7.8", "--build", "24G824",
                    "--model", "Mac14,2", "--now", Self.now, "--speed", "5000", "--sync-interval", "1",
                    "--failure-rate", "0",
                ],
                environment: product.baseEnvironment)
            defer { simulator.send(SIGTERM) }

            // A simulated Mac installs only what its DDM sync declared (15.7.9, due on 2026-08-13), so reaching
            // 15.7.9 means: reported 15.7.8, planned pending, synced, installed, reported — then compliant.
            let rows = try await product.eventually("the simulated Macs to become compliant", timeout: .seconds(180)) {
                () async throws -> [[String: Any]]? in
                guard simulator.isRunning else {
                    throw TestSetupError("mac-simulator exited: \(simulator.standardError.suffix(3000))")
                }
                let page = try await product.admin.json("GET", "/v1/compliance/macs", nil, expect: 200)
                let rows = (page["items"] as? [[String: Any]] ?? []).filter {
                    macs.contains($0["enrollmentId"] as? String ?? "")
                }
                return rows.count == 3 && rows.allSatisfy({ $0["state"] as? String == "compliant" }) ? rows : nil
            }
            #expect(rows.allSatisfy { $0["osVersion"] as? String == "15.7.9" }, "rows: \(rows)")
            #expect(simulator.standardError.contains("simulating 3 Macs"), "\(simulator.standardError.suffix(2000))")
        }
    }
}
