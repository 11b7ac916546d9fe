// SelfServicePage: renders the Self Service web page (login form, offers, requests, updates) as plain HTML.

import Foundation

/// The page's HTML. No JavaScript: forms post back and redirect; while a request is open the page reloads
/// itself every few seconds (`<meta http-equiv="refresh">`) to show progress.
enum SelfServicePage {
    /// Seconds between reloads while a request is open.
    static let refreshSeconds = 5

    static func document(title: String, refresh: Bool = false, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(HTML.escape(title))</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">\(refresh ? "<meta http-equiv=\"refresh\" content=\"\(refreshSeconds)\">" : "")
        <style>body{font-family:-apple-system,system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}
        table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem;border-bottom:1px solid #ddd}
        .error{color:#a00}.muted{color:#666}</style></head>
        <body>\(body)</body></html>
        """
    }

    /// The login form (`POST /login`), with an optional error line.
    static func login(error: String? = nil) -> String {
        document(
            title: "Self Service",
            body: """
                <h1>Self Service</h1>
                \(error.map { "<p class=\"error\" id=\"error\">\(HTML.escape($0))</p>" } ?? "")
                <form method="post" action="/login">
                <label>This Mac's Self Service credential <input type="password" name="credential" id="credential" autocomplete="off" required></label>
                <button type="submit" id="login">Sign in</button>
                </form>
                """)
    }

    /// The signed-in page.
    static func main(
        offers: SelfServiceOffersView, requests: [SelfServiceRequestView], updates: MacUpdatesView, formKey: String,
        error: String? = nil
    ) -> String {
        let open = requests.filter { !$0.finished }
        var body = "<h1>Self Service</h1>"
        if let error { body += "<p class=\"error\" id=\"error\">\(HTML.escape(error))</p>" }
        body += "<p class=\"muted\" id=\"os-version\">This Mac runs macOS \(HTML.escape(offers.osVersion ?? "(not reported yet)")).</p>"

        body += "<h2>Upgrades</h2>"
        if offers.offers.isEmpty {
            body += "<p id=\"no-offers\">No upgrades are offered to this Mac.</p>"
        } else {
            body += "<table id=\"offers\"><tr><th>Upgrade</th><th>Installs</th><th></th></tr>"
            for offer in offers.offers {
                body += "<tr id=\"offer-\(offer.major)\"><td>\(HTML.escape(offer.name))</td>"
                body += "<td>\(HTML.escape(offer.targetVersion ?? "–"))</td><td>"
                if offer.openRequestId != nil {
                    body += "<span class=\"muted\">Requested</span>"
                } else if offer.available {
                    body += """
                        <form method="post" action="/upgrades/\(offer.major)"><input type="hidden" name="key" value="\(HTML.escape(formKey))-\(offer.major)">\
                        <button type="submit" id="upgrade-\(offer.major)">Upgrade to \(HTML.escape(offer.name))</button></form>
                        """
                } else {
                    body += "<span class=\"reason\">\(HTML.escape(offer.reasonMessage ?? "Not available."))</span>"
                }
                body += "</td></tr>"
            }
            body += "</table>"
        }

        body += "<h2>Requests</h2>"
        if requests.isEmpty {
            body += "<p id=\"no-requests\">No upgrade has been requested from this Mac.</p>"
        } else {
            body += "<table id=\"requests\"><tr><th>Upgrade</th><th>State</th><th>Since</th><th></th></tr>"
            for request in requests.prefix(10) {
                let id = HTML.escape(request.id)
                var state = request.state
                if let reason = request.failureReason { state += ": \(reason)" }
                body += "<tr id=\"request-\(id)\"><td>macOS \(request.major) \(HTML.escape(request.targetVersion ?? ""))</td>"
                body += "<td class=\"state\" data-state=\"\(HTML.escape(request.state))\">\(HTML.escape(state))</td>"
                body += "<td>\(ISO8601DateFormatter().string(from: request.updatedAt))</td><td>"
                if request.cancellable {
                    body += "<form method=\"post\" action=\"/requests/\(id)/cancel\"><button type=\"submit\">Cancel</button></form>"
                }
                body += "</td></tr>"
            }
            body += "</table>"
        }

        body += "<h2>Required updates</h2>"
        if updates.updates.isEmpty {
            body += "<p id=\"no-updates\">Nothing must be installed.</p>"
        } else {
            body += "<table id=\"updates\"><tr><th>Install</th><th>By</th><th>Days remaining</th><th></th></tr>"
            for update in updates.updates {
                body += "<tr><td>macOS \(HTML.escape(update.targetVersion ?? "")) \(HTML.escape(update.targetBuild ?? ""))</td>"
                body += "<td>\(HTML.escape(update.deadlineLocal ?? "–"))</td>"
                body += "<td class=\"days\">\(update.daysRemaining.map(String.init) ?? "–")</td>"
                body += "<td>\(update.cached ? "Downloaded, ready to install" : "")</td></tr>"
            }
            body += "</table>"
        }
        body += "<form method=\"post\" action=\"/logout\"><button type=\"submit\">Sign out</button></form>"
        return document(title: "Self Service", refresh: !open.isEmpty, body: body)
    }
}
