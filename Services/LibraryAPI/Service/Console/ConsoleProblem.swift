// ConsoleProblem: an anticipated failure of a console request, shown as an HTML page.

import HTTPTypes

/// A console error page with a status and a sentence for the admin.
struct ConsoleProblem: Error, Sendable {
    var status: HTTPResponse.Status
    var message: String
}
