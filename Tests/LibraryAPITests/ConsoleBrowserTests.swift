// ConsoleBrowserTests: the admin console end to end in headless Chromium against a live library-api on a
// seeded fleet: sign in, build an item step by step, the refused combination, the immediate-enforcement
// warning, save, the library list, compliance charts and table, CSV export. Screenshots go to .screenshots/.

import Database
import Foundation
import HummingbirdTesting
import ManagedOSDomain
import TestSupport
import Testing

@Suite(
    "Console in a browser", .serialized, .enabled(if: TestDatabase.isEnabled),
    .enabled(if: ProcessInfo.processInfo.environment["SKIP_BROWSER_TESTS"] != "1", "SKIP_BROWSER_TESTS=1"))
struct ConsoleBrowserTests {
    /// `.screenshots/` at the package root (git-ignored).
    static let screenshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".screenshots")

    @Test func adminBuildsAnItemStepByStepAndFindsTheSeededCompliance() async throws {
        try await LibraryAPIHarness.run(mode: .live) { api in
            let port = try #require(api.client.port)
            let base = "http://127.0.0.1:\(port)"
            let fleet = try await SeededFleet.make(api)
            let itemID = fleet.itemID.lowercased()  // as the console writes ids
            let blueprintID = fleet.blueprintID.lowercased()
            let browser = try await HeadlessChromium.launch()
            defer { browser.close() }
            try await browser.setViewport(width: 1280, height: 900)
            func run(_ script: String) async throws {
                _ = try await browser.evaluate("(function () { \(script) })(); true")
            }
            func text(_ selector: String) async throws -> String? {
                try await browser.evaluate(
                    "(function () { var e = document.querySelector('\(selector)'); return e ? e.textContent : null; })()")
                    as? String
            }
            func shot(_ name: String) async throws {
                try await browser.screenshot(to: Self.screenshots.appendingPathComponent("console-\(name).png"))
            }

            // Sign in: the console sends an anonymous visitor to the form.
            try await browser.navigate("\(base)/console/library")
            try await browser.waitUntil("document.getElementById('sign-in') !== null")
            try await shot("login")
            try await run("document.getElementById('token').value = '\(api.writeToken)'; document.getElementById('sign-in').click();")
            try await browser.waitUntil("document.getElementById('new-item') !== null")
            #expect(try await browser.evaluate("document.cookie") as? String == "", "the session cookie is HttpOnly")
            #expect(try await text(".item-row[data-item-id=\"\(itemID)\"] .item-label") == "Standard")
            try await shot("library-before")

            // The editor, step by step in Iru's order.
            try await run("document.getElementById('new-item').click();")
            try await browser.waitUntil("document.getElementById('item-form') !== null")
            let legends = try await browser.evaluate(
                "Array.from(document.querySelectorAll('#item-form > fieldset > legend')).map(function (l) { return l.textContent; }).join('|')")
                as? String
            #expect(
                legends
                    == "1. Label|2. Assign to blueprints|3. Installation method|4. Version enforcement|5. Enforcement time|"
                    + "6. Enforcement time zone|7. Background Security Improvement enforcement")
            #expect(try await text("#tz-hint")?.contains("macOS 13 and earlier") == true)
            let unlabelled = try await browser.evaluate(
                """
                Array.from(document.querySelectorAll('#item-form input:not([type=hidden]), #item-form select'))
                  .filter(function (e) { return !document.querySelector('label[for="' + e.id + '"]'); })
                  .map(function (e) { return e.name; }).join(',')
                """) as? String
            #expect(unlabelled == "", "every field has a label")
            try await run(
                """
                document.getElementById('label').value = 'Browser 26';
                document.getElementById('major').value = '26';
                document.getElementById('major').dispatchEvent(new Event('change'));
                document.getElementById('blueprint-\(blueprintID)').checked = true;
                document.getElementById('method-continuous').click();
                """)
            #expect(try await text("#latest-approved") != "—")
            // Do Not Manage cannot be chosen with Continuously Enforce…
            #expect(try await browser.evaluate("document.getElementById('mode-doNotManage').disabled") as? Bool == true)
            try await run("document.getElementById('method-selfService').click();")
            #expect(try await browser.evaluate("document.getElementById('mode-doNotManage').disabled") as? Bool == false)
            try await run("document.getElementById('method-continuous').click();")
            // …and the server refuses it when forced past the page's script.
            try await run(
                """
                var dnm = document.getElementById('mode-doNotManage'); dnm.disabled = false; dnm.checked = true;
                document.getElementById('save').click();
                """)
            try await browser.waitUntil("document.getElementById('error-summary') !== null")
            #expect(
                try await browser.evaluate(
                    "document.querySelector('#error-summary li[data-code=doNotManageWithContinuous]') !== null") as? Bool
                    == true)
            #expect(try await text("#versionMode-error")?.isEmpty == false)
            #expect(try api.count("SELECT count(*)::integer AS n FROM items") == 1, "the refused item was not saved")
            #expect(try await browser.evaluate("document.getElementById('label').value") as? String == "Browser 26")
            try await shot("editor-refused")

            // A manual minimum whose deadline has passed: the warning counts the Macs that must update at once.
            try await run(
                """
                document.getElementById('mode-manualMinimum').click();
                document.getElementById('manualVersion').value = '26.3';
                document.getElementById('manualDeadline').value = '2026-08-01';
                document.getElementById('enforcementTime').value = '09:00';
                document.getElementById('enforcementTimeZone').value = 'Europe/Berlin';
                document.getElementById('bsi-none').click();
                document.getElementById('save').click();
                """)
            try await browser.waitUntil("document.getElementById('confirm-save') !== null")
            let warning = try await text("#preview .warning .warning-count")
            #expect(warning == "6 Macs would have to update immediately.")
            #expect(try await text("#preview-reached") == String(fleet.expected.count))
            #expect(try api.count("SELECT count(*)::integer AS n FROM items") == 1, "nothing saved before confirming")
            try await shot("editor-warning")
            try await run("document.getElementById('confirm-save').click();")
            try await browser.waitUntil("document.getElementById('flash') !== null")
            #expect(try await text("#flash") == "Saved Browser 26.")
            let newID = try #require(
                try api.database.query("SELECT id::text AS id FROM items WHERE label = 'Browser 26'").first?
                    .decode("id", as: String.self))
            #expect(try await text(".item-row[data-item-id=\"\(newID)\"] .item-assignment") == "Fleet")
            #expect(try await text(".item-row[data-item-id=\"\(newID)\"] .item-enforcement")?.contains("Minimum 26.3 by 2026-08-01") == true)
            try await shot("library")

            // Compliance of the seeded item: the chart and the table carry the seeded numbers.
            try await browser.navigate("\(base)/console/compliance/items/\(itemID)")
            try await browser.waitUntil("document.getElementById('chart-state') !== null")
            for status in ConsoleStates.all {
                let value = try await browser.evaluate(
                    "document.querySelector('#chart-state g[data-key=\(status.rawValue)]').getAttribute('data-value')")
                #expect(value as? String == String(fleet.expectedCounts[status] ?? 0), "\(status)")
            }
            let table = try await browser.evaluate(
                "Array.from(document.querySelectorAll('#mac-table tr.mac-row')).map(function (r) { return r.dataset.enrollmentId + '=' + r.dataset.state; }).sort().join(',')")
                as? String
            #expect(table == fleet.expected.map { "\($0.key)=\($0.value.rawValue)" }.sorted().joined(separator: ","))
            let on261 = fleet.versions.values.filter { $0 == "26.1" }.count
            #expect(
                try await browser.evaluate("document.querySelector('#chart-version g[data-key=\"26.1\"]').getAttribute('data-value')")
                    as? String == String(on261))
            try await shot("compliance")

            // Filter, then export what the table shows as CSV.
            try await run("document.getElementById('filter-state').value = 'pending'; document.getElementById('apply-filters').click();")
            try await browser.waitUntil("location.search.indexOf('state=pending') >= 0")
            let pendingRows = try await browser.evaluate("document.querySelectorAll('#mac-table tr.mac-row').length") as? Int
            #expect(pendingRows == fleet.expectedCounts[.pending])
            let csv = try await browser.send(
                "Runtime.evaluate",
                [
                    "expression": "fetch(document.getElementById('csv-export').href).then(function (r) { return r.text(); })",
                    "awaitPromise": true, "returnByValue": true,
                ])
            let body = try #require((csv["result"] as? [String: Any])?["value"] as? String)
            let lines = body.split(separator: "\r\n", omittingEmptySubsequences: true)
            #expect(lines.first?.hasPrefix("enrollmentId,serialNumber,deviceId") == true)
            #expect(lines.count - 1 == fleet.expectedCounts[.pending])

            // A Mac's page, the catalog, the audit log (screenshots for a person to look at).
            try await browser.navigate("\(base)/console/macs/\(fleet.deviceIDs["a-pending-1"]!.uuidString.lowercased())")
            try await browser.waitUntil("document.getElementById('plan-heading') !== null")
            #expect(try await text("#mac-os") == "26.0.1")
            try await shot("mac")
            try await browser.navigate("\(base)/console/catalog")
            try await browser.waitUntil("document.getElementById('hold-form') !== null")
            try await shot("catalog")
            try await browser.navigate("\(base)/console/audit")
            try await browser.waitUntil("document.getElementById('audit-table') !== null")
            #expect(try await browser.evaluate("document.querySelectorAll('tr.audit-row[data-action=\"item.create\"]').length") as? Int == 2)
            try await shot("audit")

            // Phone width: the library and the editor still fit.
            try await browser.setViewport(width: 390, height: 844, mobile: true)
            try await browser.navigate("\(base)/console/library")
            try await browser.waitUntil("document.getElementById('new-item') !== null")
            #expect(
                try await browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1") as? Bool == true,
                "no horizontal scrolling of the page at phone width")
            try await shot("library-phone")
            try await browser.navigate("\(base)/console/items/\(newID)/edit")
            try await browser.waitUntil("document.getElementById('item-form') !== null")
            #expect(try await browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1") as? Bool == true)
            try await shot("editor-phone")

            // Sign out ends the session.
            try await run("document.getElementById('sign-out').click();")
            try await browser.waitUntil("document.getElementById('sign-in') !== null")
            try await browser.navigate("\(base)/console/library")
            try await browser.waitUntil("document.getElementById('sign-in') !== null")
        }
    }
}

/// The states the console charts, in order.
enum ConsoleStates {
    static let all: [ComplianceStatus] = [.compliant, .pending, .overdue, .inProgress, .failed, .unsupported, .unknown]
}
