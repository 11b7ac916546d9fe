// StartupError: why a service refused to start after its configuration was accepted.

/// A start-up check failed; the service exits with a non-zero status and this message.
public struct StartupError: Error, Sendable, CustomStringConvertible {
    /// What was checked, e.g. `database schema`.
    public var check: String
    /// What went wrong (the underlying error's description, which contains no secret).
    public var reason: String
    /// What the operator should do.
    public var remedy: String

    /// Creates a start-up error.
    public init(check: String, reason: String, remedy: String) {
        self.check = check
        self.reason = reason
        self.remedy = remedy
    }

    public var description: String { "\(check) check failed: \(reason) (\(remedy))" }
}
