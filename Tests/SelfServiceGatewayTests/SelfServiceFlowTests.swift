// SelfServiceFlowTests: offers, a request declared through the plan and moved by status reports, cancel,
// idempotency and long-polling / server-sent events.

import Database
import Foundation
import HTTPTypes
import HummingbirdTesting
import ManagedOSDomain
import NIOCore
import SelfServiceGatewayService
import TestSupport
import Testing

@Suite("Self Service requests", .enabled(if: TestDatabase.isEnabled))
struct SelfServiceFlowTests {
    @Test func macOn15SeesTheMacOS26OfferAndAnIntelMacSeesItUnsupported() async throws {
        try await GatewayHarness.run { client, harness in
            let silicon = try harness.registerMac("silicon")
            let intel = try harness.registerMac("intel", hardware: GatewayHarness.intel)

            let offers = try await client.execute(uri: "/v1/me/upgrades", method: .get, headers: silicon.bearer)
            #expect(offers.status == .ok)
            #expect(offers.json[string: "osVersion"] == "15.7.1")
            let list = offers.json["offers"] as? [[String: Any]] ?? []
            #expect(list.count == 1)
            #expect(list.first?["major"] as? Int == 26)
            #expect(list.first?[string: "targetVersion"] == "26.1")
            #expect(list.first?[string: "targetBuild"] == "25B78")
            #expect(list.first?["available"] as? Bool == true)
            #expect(list.first?["label"] == nil, "the item's label is admin-only")

            let refused = try await client.execute(uri: "/v1/me/upgrades", method: .get, headers: intel.bearer)
            let offer = (refused.json["offers"] as? [[String: Any]])?.first ?? [:]
            #expect(offer["available"] as? Bool == false)
            #expect(offer[string: "reason"] == "hardwareUnsupported")
            #expect(offer[string: "reasonMessage"] == "This Mac's hardware cannot run macOS 26.")
        }
    }

    @Test func requestIsQueuedPublishedDeclaredThroughThePlanAndCompletedByStatusReports() async throws {
        try await GatewayHarness.run { client, harness in
            let mac = try harness.registerMac("mac-1")

            let created = try await client.execute(
                uri: "/v1/me/upgrades/26/requests", method: .post, headers: mac.bearer)
            #expect(created.status == .created)
            let id = try #require(created.request[string: "id"])
            #expect(created.request[string: "state"] == "requested")
            #expect(created.request[string: "targetVersion"] == "26.1")
            #expect(created.headers[.location] == "/v1/me/requests/\(id)")
            // What the scheduler needs to declare it at once: the row, the queue entry and the event.
            #expect(try harness.count("self_service_requests", "state = 'requested' AND major = 26") == 1)
            #expect(try harness.count("evaluation_queue", "device_id = '\(mac.id)'") == 1)
            #expect(
                try harness.count(
                    "bus_events",
                    "topic = 'selfservice' AND entity = '\(mac.id.uuidString.lowercased())' AND payload->>'requestId' = '\(id)'"
                ) == 1)

            // The scheduler (stand-in: the domain evaluator writing mac_plans) declares 26.1 with a deadline of now.
            let evaluatedAt = Date()
            let plan = try #require(try harness.evaluate(mac, now: evaluatedAt))
            #expect(plan.osEnforcement?.targetVersion.description == "26.1")
            #expect(plan.osEnforcement?.obligation.reason == .selfService)
            #expect(plan.osEnforcement?.deadlineInstant == evaluatedAt)
            try await harness.deliverEvents()
            var state = try await client.execute(uri: "/v1/me/requests/\(id)", method: .get, headers: mac.bearer)
            #expect(state.request[string: "state"] == "declared")
            #expect(state.request[string: "declaredAt"] != nil)

            let pending: GatewayHarness.Item = .object(["os-version": "26.1", "build-version": "25B78"])
            for installState in ["downloading", "prepared", "installing"] {
                try harness.report(
                    mac, ["softwareupdate.install-state": .string(installState), "softwareupdate.pending-version": pending])
                try await harness.deliverEvents()
                state = try await client.execute(uri: "/v1/me/requests/\(id)", method: .get, headers: mac.bearer)
                #expect(state.request[string: "state"] == installState)
            }
            #expect(state.request["cancellable"] as? Bool == false)
            try harness.report(
                mac, ["device.operating-system.version": .string("26.1"), "softwareupdate.install-state": .string("none")])
            try await harness.deliverEvents()
            state = try await client.execute(uri: "/v1/me/requests/\(id)", method: .get, headers: mac.bearer)
            #expect(state.request[string: "state"] == "completed")
            #expect(state.request["finished"] as? Bool == true)
            // Every move was published, so the scheduler withdraws the enforcement once it is done.
            #expect(try harness.count("bus_events", "topic = 'selfservice'") == 6)
            #expect(try harness.count("bus_events", "topic = 'selfservice' AND payload->>'state' = 'completed'") == 1)
        }
    }

    @Test func failureReportFailsTheRequestWithTheMacsReason() async throws {
        try await GatewayHarness.run { client, harness in
            let mac = try harness.registerMac("mac-1")
            let id = try #require(
                try await client.execute(uri: "/v1/me/upgrades/26/requests", method: .post, headers: mac.bearer)
                    .request[string: "id"])
            try harness.evaluate(mac)
            try await harness.deliverEvents()
            try harness.report(
                mac,
                [
                    "softwareupdate.install-state": .string("failed"),
                    "softwareupdate.failure-reason": .failure(count: 1, reason: "Not enough free disk space"),
                ])
            try await harness.deliverEvents()
            let state = try await client.execute(uri: "/v1/me/requests/\(id)", method: .get, headers: mac.bearer)
            #expect(state.request[string: "state"] == "failed")
            #expect(state.request[string: "failureReason"] == "Not enough free disk space")
        }
    }

    @Test func reportsFromBeforeTheDeclarationDoNotMoveTheRequest() async throws {
        try await GatewayHarness.run { client, harness in
            let mac = try harness.registerMac("mac-1")
            // An old failure from an earlier update.
            try harness.report(mac, ["softwareupdate.failure-reason": .failure(count: 2, reason: "old")], publish: false)
            let id = try #require(
                try await client.execute(uri: "/v1/me/upgrades/26/requests", method: .post, headers: mac.bearer)
                    .request[string: "id"])
            try harness.evaluate(mac)
            try await harness.deliverEvents()
            let state = try await client.execute(uri: "/v1/me/requests/\(id)", method: .get, headers: mac.bearer)
            #expect(state.request[string: "state"] == "declared")
        }
    }

    @Test func twoConcurrentRequestsAndAReplayCreateOneRequest() async throws {
        try await GatewayHarness.run { client, harness in
            let mac = try harness.registerMac("mac-1")
            let answers = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await client.execute(uri: "/v1/me/upgrades/26/requests", method: .post, headers: mac.bearer)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(answers.map(\.status)) == [.created, .ok])
            #expect(Set(answers.compactMap { $0.request[string: "id"] }).count == 1)
            #expect(try harness.count("self_service_requests") == 1)
            #expect(try harness.count("bus_events", "topic = 'selfservice'") == 1)

            // Replays with an Idempotency-Key return the first answer's request, also after it finished.
            var headers = mac.bearer
            headers[HTTPField.Name("Idempotency-Key")!] = "app-click-1"
            let other = try harness.registerMac("mac-2")
            var otherHeaders = other.bearer
            otherHeaders[HTTPField.Name("Idempotency-Key")!] = "app-click-1"
            let first = try await client.execute(uri: "/v1/me/upgrades/26/requests", method: .post, headers: otherHeaders)
            let otherID = try #require(first.request[string: "id"])
            _ = try await client.execute(uri: "/v1/me/requests/\(otherID)", method: .delete, headers: other.bearer)
            let replay = try await client.execute(uri: "/v1/me/upgrades/26/requests", method: .post, headers: otherHeaders)
            #expect(replay.status == .ok)
            #expect(replay.request[string: "id"] == otherID)
            #expect(replay.request[string: "state"] == "cancelled")
            let sameKeyOtherMac = try await client.execute(
                uri: "/v1/me/upgrades/26/requests", method: .post, headers: headers)
            #expect(sameKeyOtherMac.status == .ok, "keys are per Mac; mac-1 still has its open request")
            #expect(try harness.count("self_service_requests") == 2)
        }
    }

    @Test func cancelWithdrawsARequestUntilItIsInstalling() async throws {
        try await GatewayHarness.run { client, harness in
            let mac = try harness.registerMac("mac-1")
            let id = try #require(
                try await client.execute(uri: "/v1/me/upgrades/26/requests", method: .post, headers: mac.bearer)
                    .request[string: "id"])
            try harness.evaluate(mac)
            try await harness.deliverEvents()
            try harness.database.query("DELETE FROM evaluation_queue")

            let cancelled = try await client.execute(uri: "/v1/me/requests/\(id)", method: .delete, headers: mac.bearer)
            #expect(cancelled.status == .ok)
            #expect(cancelled.request[string: "state"] == "cancelled")
            #expect(try harness.count("evaluation_queue", "device_id = '\(mac.id)'") == 1)
            #expect(try harness.count("bus_events", "topic = 'selfservice' AND payload->>'state' = 'cancelled'") == 1)

            // A new request may follow; once installing it can no longer be cancelled.
            let second = try #require(
                try await client.execute(uri: "/v1/me/upgrades/26/requests", method: .post, headers: mac.bearer)
                    .request[string: "id"])
            #expect(second != id)
            try harness.evaluate(mac)
            try await harness.deliverEvents()
            try harness.report(mac, ["softwareupdate.install-state": .string("installing")])
            try await harness.deliverEvents()
            let before = try harness.snapshot()
            let refused = try await client.execute(uri: "/v1/me/requests/\(second)", method: .delete, headers: mac.bearer)
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "request_not_cancellable")
            #expect(try harness.snapshot() == before)
        }
    }

    @Test func longPollAnswersWhenTheStateChangesAndTheEventStreamShowsEveryState() async throws {
        try await GatewayHarness.run { client, harness in
            let mac = try harness.registerMac("mac-1")
            let id = try #require(
                try await client.execute(uri: "/v1/me/upgrades/26/requests", method: .post, headers: mac.bearer)
                    .request[string: "id"])
            let clock = ContinuousClock()
            let started = clock.now
            async let polled = client.execute(
                uri: "/v1/me/requests/\(id)?waitSeconds=30&state=requested", method: .get, headers: mac.bearer)
            try await Task.sleep(for: .seconds(1))
            try harness.evaluate(mac)
            try await harness.deliverEvents()
            let answer = try await polled
            #expect(answer.request[string: "state"] == "declared")
            // Answered on the change, well before the 30 s wait ran out (generous: 2 loaded cores).
            #expect(started.duration(to: clock.now) < .seconds(25))
            let immediate = try await client.execute(
                uri: "/v1/me/requests/\(id)?waitSeconds=0", method: .get, headers: mac.bearer)
            #expect(immediate.request[string: "state"] == "declared")

            async let stream = client.execute(uri: "/v1/me/requests/\(id)/events", method: .get, headers: mac.bearer)
            // The stream opens with the state it finds, so it must be open before the Mac moves on: 1 s was not
            // always enough with 140 tests running at once (it opened on `downloading`).
            try await Task.sleep(for: .seconds(3))
            try harness.report(mac, ["softwareupdate.install-state": .string("downloading")])
            try await harness.deliverEvents()
            try await Task.sleep(for: .seconds(1))
            try harness.report(mac, ["device.operating-system.version": .string("26.1")])
            try await harness.deliverEvents()
            let events = try await stream
            #expect(events.headers[.contentType]?.hasPrefix("text/event-stream") == true)
            let states = events.text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.map { $0.dropFirst(4) }
            #expect(states == ["declared", "downloading", "completed"])
        }
    }
}
