// OSVersion: a macOS marketing version such as `26`, `26.1` or `15.7.2`, ordered numerically part by part.

/// A macOS marketing version (`26`, `26.1`, `15.7.2`).
///
/// Versions compare numerically part by part, and missing trailing parts count as zero:
/// `15.10 > 15.9` and `15.7 == 15.7.0`. The text the version was parsed from is kept for display,
/// so `description` gives back what Apple published.
public struct OSVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The numeric parts as written (`[15, 7, 2]`); never empty.
    public let components: [Int]

    /// Creates a version from its parts; `major` must be at least 1.
    public init(major: Int, minor: Int = 0, patch: Int = 0) {
        components = patch == 0 ? (minor == 0 ? [major] : [major, minor]) : [major, minor, patch]
    }

    /// Creates a version from explicit parts (at least one).
    public init(components: [Int]) {
        precondition(!components.isEmpty, "a version has at least one part")
        self.components = components
    }

    /// Parses `26`, `26.1`, `15.7.2` (up to four numeric parts, no signs, no spaces).
    public init(parsing text: String) throws(VersionParseError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard !text.isEmpty, parts.count <= 4 else { throw VersionParseError.invalidVersion(text) }
        var numbers: [Int] = []
        numbers.reserveCapacity(parts.count)
        for part in parts {
            guard !part.isEmpty, part.count <= 6, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(part)
            else { throw VersionParseError.invalidVersion(text) }
            numbers.append(value)
        }
        guard numbers[0] > 0 else { throw VersionParseError.invalidVersion(text) }
        components = numbers
    }

    /// The major version (`15` for `15.7.2`).
    public var major: Int { components[0] }
    /// The minor version, 0 when absent.
    public var minor: Int { components.count > 1 ? components[1] : 0 }
    /// The patch version, 0 when absent.
    public var patch: Int { components.count > 2 ? components[2] : 0 }

    /// Parts with trailing zeros removed, the form used for equality and hashing.
    private var normalized: ArraySlice<Int> {
        var end = components.count
        while end > 1 && components[end - 1] == 0 { end -= 1 }
        return components[0..<end]
    }

    public static func == (lhs: OSVersion, rhs: OSVersion) -> Bool {
        lhs.normalized == rhs.normalized
    }

    public func hash(into hasher: inout Hasher) {
        for part in normalized { hasher.combine(part) }
    }

    public static func < (lhs: OSVersion, rhs: OSVersion) -> Bool {
        let count = max(lhs.components.count, rhs.components.count)
        for index in 0..<count {
            let left = index < lhs.components.count ? lhs.components[index] : 0
            let right = index < rhs.components.count ? rhs.components[index] : 0
            if left != right { return left < right }
        }
        return false
    }

    public var description: String { components.map(String.init).joined(separator: ".") }
}

extension OSVersion: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try OSVersion(parsing: text) } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "invalid macOS version \(text)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
