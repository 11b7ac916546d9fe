// OSBuild: a macOS build number such as `25B78`, or a BSI build such as `25D771280a`.

/// A macOS build number (`25B78`); a Background Security Improvement build ends in a lower-case letter
/// (`25D771280a`).
public struct OSBuild: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The build text exactly as Apple publishes it.
    public let rawValue: String

    /// Parses a build: digits, one upper-case letter, digits, and an optional lower-case suffix letter.
    public init(parsing text: String) throws(VersionParseError) {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        func count(while predicate: (Unicode.Scalar) -> Bool) -> Int {
            let start = index
            while index < scalars.count && predicate(scalars[index]) { index += 1 }
            return index - start
        }
        let digits: (Unicode.Scalar) -> Bool = { $0.value >= 48 && $0.value <= 57 }
        let upper: (Unicode.Scalar) -> Bool = { $0.value >= 65 && $0.value <= 90 }
        let lower: (Unicode.Scalar) -> Bool = { $0.value >= 97 && $0.value <= 122 }
        guard count(while: digits) >= 1, count(while: upper) == 1, count(while: digits) >= 1 else {
            throw VersionParseError.invalidBuild(text)
        }
        _ = count(while: lower)
        guard index == scalars.count, scalars.count <= 16 else { throw VersionParseError.invalidBuild(text) }
        rawValue = text
    }

    /// Wraps a build already known to be valid (used by parsers after validation and by tests).
    public init(unchecked text: String) { rawValue = text }

    /// Whether this is a Background Security Improvement build (ends in a lower-case letter).
    public var isBackgroundSecurityImprovement: Bool {
        guard let last = rawValue.unicodeScalars.last else { return false }
        return last.value >= 97 && last.value <= 122
    }

    public static func < (lhs: OSBuild, rhs: OSBuild) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
