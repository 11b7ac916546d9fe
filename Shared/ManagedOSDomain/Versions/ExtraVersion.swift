// ExtraVersion: the letter of a Background Security Improvement (`(a)`), accepted as `(a)` or `a`.

/// The extra version of a Background Security Improvement: the letter Apple appends to the base
/// version (`26.3.1 (a)`).
///
/// GDMF publishes it as `(a)`; devices report it either as `(a)` or as `a`
/// (`StatusDeviceOperatingSystemSupplementalExtraVersion`). Both forms parse to the same value, and
/// `description` always gives Apple's parenthesised form, which is also what `Release.Kind` stores.
public struct ExtraVersion: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The bare letters, lower case (`"a"`).
    public let letters: String

    /// Parses `(a)` or `a` (surrounding spaces ignored): one to three lower-case ASCII letters.
    public init(parsing text: String) throws(VersionParseError) {
        var body = Substring(text).drop { $0 == " " }
        while body.last == " " { body = body.dropLast() }
        if body.first == "(" {
            guard body.last == ")", body.count >= 2 else { throw VersionParseError.invalidExtraVersion(text) }
            body = body.dropFirst().dropLast().drop { $0 == " " }
            while body.last == " " { body = body.dropLast() }
        }
        guard (1...3).contains(body.count),
            body.unicodeScalars.allSatisfy({ $0.value >= 97 && $0.value <= 122 })
        else { throw VersionParseError.invalidExtraVersion(text) }
        letters = String(body)
    }

    /// Apple's form, `(a)`.
    public var parenthesized: String { "(\(letters))" }

    /// `(a)`.
    public var description: String { parenthesized }

    /// Orders `(a) < (b) < … < (z) < (aa)`.
    public static func < (lhs: ExtraVersion, rhs: ExtraVersion) -> Bool {
        (lhs.letters.count, lhs.letters) < (rhs.letters.count, rhs.letters)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try ExtraVersion(parsing: text) } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(parenthesized)
    }
}
