// EndToEndTests+SelfService: a Mac's user starts a major upgrade in Self Service and the Mac is declared it.

import Foundation
import Testing

extension EndToEndTests {
    @Test func selfServiceUpgradeToMacOS26IsPlannedAndDeclaredThenCompletes() async throws {
        try await FreshDatabase.with { database in
            let product = try await Product.start(databaseURL: database.url, schedulerNow: Self.now)
            defer { product.stop() }
            let enrollmentID = "e2e-self-service"

            // macOS 15 updates enforced; macOS 26 offered in Self Service only.
            let fleet = try await product.blueprint(
                "Self Service fleet",
                items: [
                    Product.item(15, "continuous", ["mode": "automatic", "timeframe": "oneWeek"]),
                    Product.item(26, "selfService", ["mode": "doNotManage"]),
                ])
            let mac = try await product.register(enrollmentID, blueprintID: fleet.id)
            let user = ["Authorization": "Bearer \(mac.credential)"]
            try await product.report(version: "15.7.9", build: "24G830", enrollmentID: enrollmentID)

            // The user sees macOS 26 offered (once the scheduler has planned the Mac) and starts the upgrade.
            var lastOffers = ""
            let offer = try await product.eventually("the macOS 26 offer", timeout: .seconds(90)) {
                () async throws -> [String: Any]? in
                let upgrades = try await product.gateway.json("GET", "/v1/me/upgrades", nil, expect: 200, headers: user)
                lastOffers = "\(upgrades)"
                let offer = (upgrades["offers"] as? [[String: Any]])?.first { $0["major"] as? Int == 26 }
                return offer?["available"] as? Bool == true ? offer : nil
            } orElse: {
                lastOffers
            }
            #expect((offer["targetVersion"] as? String)?.hasPrefix("26.") == true, "offer: \(offer)")
            let created = try await product.gateway.json(
                "POST", "/v1/me/upgrades/26/requests", nil, expect: 201,
                headers: user.merging(["Idempotency-Key": "e2e-1"]) { $1 })
            let request = try #require(created["request"] as? [String: Any], "request: \(created)")
            let requestID = try #require(request["id"].map { "\($0)" })

            // The scheduler plans it at once; the Mac's next DDM sync carries the macOS 26 target, due now.
            let enforcement = try await product.waitForEnforcement(timeout: .seconds(90), enrollmentID: enrollmentID)
            let target = try #require(enforcement["TargetOSVersion"] as? String)
            #expect(target.hasPrefix("26."), "declared \(enforcement)")
            #expect(target == offer["targetVersion"] as? String)

            // The request is declared; the Mac installs the upgrade and reports it: the request completes.
            _ = try await product.eventually("the request to be declared", timeout: .seconds(60)) {
                () async throws -> String? in
                let answer = try await product.gateway.json(
                    "GET", "/v1/me/requests/\(requestID)", nil, expect: 200, headers: user)
                let state = (answer["request"] as? [String: Any])?["state"] as? String
                return state == "requested" ? nil : state
            }
            try await product.report(
                version: target, build: offer["targetBuild"] as? String ?? "25G76", enrollmentID: enrollmentID)
            let finished = try await product.eventually("the request to complete", timeout: .seconds(90)) {
                () async throws -> String? in
                let answer = try await product.gateway.json(
                    "GET", "/v1/me/requests/\(requestID)", nil, expect: 200, headers: user)
                let state = (answer["request"] as? [String: Any])?["state"] as? String
                return state == "completed" || state == "failed" ? state : nil
            }
            #expect(finished == "completed")
            // The request completes from the report itself; the scheduler re-plans on the same report's event,
            // after which the upgrade enforcement leaves the Mac's declarations.
            var manifest: [String] = []
            _ = try await product.eventually("the enforcement to leave the declarations", timeout: .seconds(60)) {
                () async throws -> Bool? in
                manifest = try await product.manifestConfigurationIdentifiers(enrollmentID: enrollmentID)
                return manifest.contains(Product.enforcementIdentifier) ? nil : true
            } orElse: {
                "still declared after the upgrade: \(manifest)"
            }
        }
    }
}
