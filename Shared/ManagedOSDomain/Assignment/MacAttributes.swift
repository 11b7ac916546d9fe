// MacAttributes: the Mac attributes assignment-map conditions test.

/// The attributes of a Mac that assignment-map conditions test (DOMAIN.md §4).
public struct MacAttributes: Sendable, Hashable, Codable {
    /// Model family (`MacBook Pro`, `Mac mini`), if known.
    public var modelFamily: String?
    /// Model identifier (`Mac15,3`), if known.
    public var modelIdentifier: String?
    /// The macOS major the Mac runs.
    public var currentMajor: Int
    /// Admin-assigned tags.
    public var tags: Set<String>

    /// Creates a value from its parts.
    public init(modelFamily: String? = nil, modelIdentifier: String? = nil, currentMajor: Int, tags: Set<String> = []) {
        self.modelFamily = modelFamily
        self.modelIdentifier = modelIdentifier
        self.currentMajor = currentMajor
        self.tags = tags
    }
}
