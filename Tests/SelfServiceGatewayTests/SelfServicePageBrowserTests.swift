// SelfServicePageBrowserTests: the Self Service page in headless Chromium, end to end: sign in, start an
// upgrade, and see its state change after status reports through status-ingest.

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import StatusIngestService
import TestSupport
import Testing

@Suite(
    "Self Service page in a browser", .serialized, .enabled(if: TestDatabase.isEnabled),
    .enabled(if: ProcessInfo.processInfo.environment["SKIP_BROWSER_TESTS"] != "1", "SKIP_BROWSER_TESTS=1"))
struct SelfServicePageBrowserTests {
    @Test func userSignsInStartsTheUpgradeAndSeesItProgressToCompleted() async throws {
        try await GatewayHarness.run(mode: .live) { client, harness in
            let port = try #require(client.port)
            let mac = try harness.registerMac("browser-mac")
            let ingest = StatusIngestService.makeApplication(
                pool: harness.pool, settings: StatusIngestSettings(), logger: TestDatabase.logger)
            let browser = try await HeadlessChromium.launch()
            defer { browser.close() }
            try await ingest.test(.router) { statusIngest in
                // The login form, then the signed-in page with the offer.
                try await browser.navigate("http://127.0.0.1:\(port)/")
                try await browser.waitUntil("document.getElementById('credential') !== null")
                _ = try await browser.evaluate(
                    "document.getElementById('credential').value = '\(mac.credential)'; document.getElementById('login').click(); true")
                try await browser.waitUntil("document.getElementById('upgrade-26') !== null")
                let cookieVisibleToScripts = try await browser.evaluate("document.cookie") as? String
                #expect(cookieVisibleToScripts == "", "the session cookie must be HttpOnly")
                let osLine = try await browser.evaluate("document.getElementById('os-version').innerText") as? String
                #expect(osLine?.contains("15.7.1") == true)

                // Start the upgrade: the page shows the request.
                _ = try await browser.evaluate("document.getElementById('upgrade-26').click(); true")
                try await browser.waitUntil("document.querySelector('#requests .state') !== null")
                let state = try await browser.evaluate("document.querySelector('#requests .state').dataset.state")
                #expect(state as? String == "requested")
                #expect(try harness.count("self_service_requests", "device_id = '\(mac.id)'") == 1)

                // The scheduler declares it; the page refreshes itself (no JavaScript of its own) and shows it.
                try harness.evaluate(mac)
                try await browser.waitUntil(
                    "document.querySelector('#requests .state').dataset.state === 'declared'", timeout: .seconds(30))

                // Status reports through status-ingest move it on.
                for body in [
                    #"{"StatusItems":{"softwareupdate":{"install-state":"downloading","pending-version":{"os-version":"26.1","build-version":"25B78"}}},"Errors":[]}"#,
                    #"{"StatusItems":{"device":{"operating-system":{"version":"26.1","build-version":"25B78"}},"softwareupdate":{"install-state":"none"}},"Errors":[]}"#,
                ] {
                    let answer = try await statusIngest.execute(
                        uri: "/status", method: .put, headers: [StatusRoutes.enrollmentHeader: mac.enrollmentID],
                        body: ByteBuffer(string: body))
                    #expect(answer.status == .ok)
                }
                try await browser.waitUntil(
                    "document.querySelector('#requests .state').dataset.state === 'completed'", timeout: .seconds(30))
                let text = try await browser.evaluate("document.body.innerText") as? String
                #expect(text?.contains("macOS 26.1") == true)
            }
        }
    }
}
