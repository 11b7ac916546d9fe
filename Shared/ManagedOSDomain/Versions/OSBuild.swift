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

    /// Orders builds by their parts: leading number, train letter, build number, suffix letters
    /// (`9A1 < 25B78 < 25D125 < 25D2128 < 25D771280a`); text that does not follow the pattern sorts
    /// by its raw text.
    public static func < (lhs: OSBuild, rhs: OSBuild) -> Bool {
        let left = lhs.sortKey, right = rhs.sortKey
        if left.prefix != right.prefix { return left.prefix < right.prefix }
        if left.train != right.train { return left.train < right.train }
        if left.number != right.number { return left.number < right.number }
        if left.suffix != right.suffix { return left.suffix < right.suffix }
        return lhs.rawValue < rhs.rawValue
    }

    /// The numeric parts of the build used for ordering.
    private var sortKey: (prefix: Int, train: UInt32, number: Int, suffix: String) {
        var prefix = 0, number = 0, train: UInt32 = 0
        var suffix = ""
        var stage = 0
        for scalar in rawValue.unicodeScalars {
            let value = scalar.value
            switch stage {
            case 0 where value >= 48 && value <= 57: prefix = min(prefix * 10 + Int(value - 48), 1 << 40)
            case 0, 1:
                if stage == 0 { train = value; stage = 1 } else if value >= 48 && value <= 57 {
                    number = min(number * 10 + Int(value - 48), 1 << 40)
                } else {
                    stage = 2
                    suffix.unicodeScalars.append(scalar)
                }
            default: suffix.unicodeScalars.append(scalar)
            }
        }
        return (prefix, train, number, suffix)
    }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
