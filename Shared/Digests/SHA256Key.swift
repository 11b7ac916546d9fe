// SHA256Key: a SHA-256 digest as a compact dictionary key (four words, not 64 hex characters).

import Crypto
import Foundation

/// A SHA-256 digest held as its 32 bytes, for hot-path dictionaries keyed by a secret's digest (hashing and
/// comparing four words instead of a 64-character string); ``hex`` gives the stored form.
public struct SHA256Key: Hashable, Sendable {
    private let words: (UInt64, UInt64, UInt64, UInt64)

    /// The digest of `text`'s UTF-8 bytes.
    public init(of text: String) {
        var text = text
        let digest = text.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        words = digest.withUnsafeBytes { raw in
            (
                raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
                raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
            )
        }
    }

    /// The 64 lower-case hex digits, as ``SHA256Hex`` writes them.
    public var hex: String {
        withUnsafeBytes(of: words) { SHA256Hex.hex($0) }
    }

    public static func == (lhs: SHA256Key, rhs: SHA256Key) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
            && lhs.words.3 == rhs.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}
