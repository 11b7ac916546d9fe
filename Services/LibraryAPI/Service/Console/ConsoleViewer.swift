// ConsoleViewer: the signed-in admin of a console request.

/// Who is using the console (the admin token's principal) and the CSRF token of their forms. Set by
/// ``ConsoleAuthMiddleware`` for the request as a task-local value.
struct ConsoleViewer: Sendable {
    var principal: APIPrincipal
    /// The session cookie's value.
    var session: String
    /// The CSRF token every form of this session carries.
    var csrfToken: String

    /// Whether the token may change things.
    var canWrite: Bool { TokenScope.write.isGranted(by: principal.scopes) }

    /// The viewer of the current request (nil on the sign-in page).
    @TaskLocal static var current: ConsoleViewer?
}
