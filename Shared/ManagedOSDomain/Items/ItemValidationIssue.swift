// ItemValidationIssue: one problem (error or warning) found when validating an item, naming its field.

/// One validation problem, naming the field and the rule it breaks.
public struct ItemValidationIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The item field concerned (`versionEnforcement`, `enforcementTimeZone`, …).
    public var field: String
    /// The rule broken, a stable machine-readable code (`doNotManageWithContinuous`).
    public var code: String
    /// A message for the admin.
    public var message: String

    /// Creates a value from its parts.
    public init(field: String, code: String, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }

    public var description: String { "\(field): \(code): \(message)" }
}
