// AssignmentCondition: one condition of an assignment-map node on a Mac attribute.

/// One condition on a Mac attribute. Text comparisons are exact (case-sensitive); an unknown
/// attribute never matches.
public enum AssignmentCondition: Sendable, Hashable, Codable {
    /// The model family is one of these.
    case modelFamily(anyOf: Set<String>)
    /// The model identifier is one of these.
    case modelIdentifier(anyOf: Set<String>)
    /// The current major is one of these.
    case currentMajor(anyOf: Set<Int>)
    /// The Mac has at least one of these tags.
    case tag(anyOf: Set<String>)

    /// Whether a Mac with `attributes` satisfies the condition.
    public func matches(_ attributes: MacAttributes) -> Bool {
        switch self {
        case .modelFamily(let values): attributes.modelFamily.map(values.contains) ?? false
        case .modelIdentifier(let values): attributes.modelIdentifier.map(values.contains) ?? false
        case .currentMajor(let values): values.contains(attributes.currentMajor)
        case .tag(let values): !values.isDisjoint(with: attributes.tags)
        }
    }
}
