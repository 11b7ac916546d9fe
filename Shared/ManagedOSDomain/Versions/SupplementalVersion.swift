// SupplementalVersion: a Background Security Improvement version such as `26.3.1 (a)`.

/// A Background Security Improvement version: a base `OSVersion` plus an `ExtraVersion`
/// (`26.3.1 (a)`).
///
/// Parses `26.3.1 (a)`, `26.3.1 a` and `26.3.1(a)`; `description` gives `26.3.1 (a)`. Ordered by base
/// version, then by extra version, and every BSI sorts after its plain base version
/// (see `isNewer(thanBase:)`).
public struct SupplementalVersion: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The OS version the improvement applies to (`26.3.1`).
    public let base: OSVersion
    /// The letter (`(a)`).
    public let extra: ExtraVersion

    /// Creates a version from its parts.
    public init(base: OSVersion, extra: ExtraVersion) {
        self.base = base
        self.extra = extra
    }

    /// Parses `26.3.1 (a)`, `26.3.1 a` or `26.3.1(a)`. A text with no extra version is invalid.
    public init(parsing text: String) throws(VersionParseError) {
        let trimmed = text.trimmingSpaces
        // The base version is the leading run of digits and dots; the rest is the extra version.
        let versionEnd = trimmed.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? trimmed.endIndex
        let versionText = String(trimmed[..<versionEnd])
        let extraText = String(trimmed[versionEnd...])
        guard !versionText.isEmpty, !extraText.trimmingSpaces.isEmpty else {
            throw VersionParseError.invalidExtraVersion(text)
        }
        do {
            base = try OSVersion(parsing: versionText)
            extra = try ExtraVersion(parsing: extraText)
        } catch {
            throw VersionParseError.invalidExtraVersion(text)
        }
    }

    /// Whether this improvement is newer than the plain release `version` (true for its own base).
    public func isNewer(thanBase version: OSVersion) -> Bool { base >= version }

    /// `26.3.1 (a)`.
    public var description: String { "\(base) \(extra.parenthesized)" }

    public static func < (lhs: SupplementalVersion, rhs: SupplementalVersion) -> Bool {
        if lhs.base != rhs.base { return lhs.base < rhs.base }
        return lhs.extra < rhs.extra
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try SupplementalVersion(parsing: text) } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: Substring {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return slice
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: Substring { String(self).trimmingSpaces }
}
