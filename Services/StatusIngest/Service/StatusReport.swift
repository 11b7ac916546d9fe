// StatusReport: one DDM status report parsed into flat status items, its Errors and its item problems.

/// A parsed DDM status report.
///
/// Status items are flattened to their dotted names (`softwareupdate.install-state` → `"none"`), so an
/// incremental report merges item by item and an item whose value is an object (`softwareupdate.pending-version`)
/// is replaced whole. Unknown items and unknown enum values are kept as they came.
public struct StatusReport: Sendable, Hashable {
    /// Status item name → value, for every item the report carried that parsed.
    public var items: [String: JSONValue]
    /// `FullReport: true`: the report holds every subscribed item and replaces the stored state.
    public var isFull: Bool
    /// The report's `Errors` array (items the device could not return), nil when it carried none.
    public var errors: JSONValue?
    /// Known items (or report keys) with a wrong type; they were left out of ``items``.
    public var problems: [StatusParseProblem]

    /// Creates a report.
    public init(
        items: [String: JSONValue], isFull: Bool, errors: JSONValue? = nil, problems: [StatusParseProblem] = []
    ) {
        self.items = items
        self.isFull = isFull
        self.errors = errors
        self.problems = problems
    }
}

/// A part of a well-formed report that could not be used: the Mac cannot correct it, so it is recorded.
public struct StatusParseProblem: Sendable, Hashable, Codable {
    /// The status item (or top-level key) concerned, e.g. `device.operating-system.version`.
    public var item: String
    /// What was wrong, e.g. `expected a string, got a number`.
    public var message: String

    /// Creates a problem.
    public init(item: String, message: String) {
        self.item = item
        self.message = message
    }
}
