// APIPrincipal: the authenticated caller of an admin API request.

/// Who is calling: the token's name (recorded as the audit log's actor) and its scopes. Set by
/// ``TokenAuthMiddleware`` for the duration of the request as a task-local value.
public struct APIPrincipal: Sendable, Hashable {
    /// The token's name.
    public var name: String
    /// The token's scopes.
    public var scopes: Set<TokenScope>

    /// The caller of the current request (nil outside an authenticated request).
    @TaskLocal static var current: APIPrincipal?

    /// The current caller's name; `"unknown"` should never be seen as routes run behind the middleware.
    static var currentName: String { current?.name ?? "unknown" }
}
