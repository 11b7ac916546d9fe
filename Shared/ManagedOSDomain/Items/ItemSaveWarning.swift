// ItemSaveWarning: a warning returned with a successful save, with the number of Macs it would force now.

/// A warning about a valid item (the save still succeeds), with how many Macs it would force now.
public struct ItemSaveWarning: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Which warning.
    public enum Code: String, Sendable, Hashable, Codable {
        /// A manual deadline in the past or fewer than 5 days away on an item that enforced nothing before.
        case manualDeadlineTooSoon
        /// An automatic timeframe under which Macs are due immediately: Apple released nothing within it.
        case automaticDueImmediately
    }

    /// The item field concerned.
    public var field: String
    /// Which warning.
    public var code: Code
    /// A message for the admin.
    public var message: String
    /// Number of Macs of the given fleet the item would force to update now.
    public var affectedMacCount: Int

    /// Creates a value from its parts.
    public init(field: String, code: Code, message: String, affectedMacCount: Int) {
        self.field = field
        self.code = code
        self.message = message
        self.affectedMacCount = affectedMacCount
    }

    public var description: String { "\(field): \(code.rawValue): \(message) (\(affectedMacCount) Macs)" }
}
