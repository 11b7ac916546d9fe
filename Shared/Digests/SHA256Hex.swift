// SHA256Hex: the lower-case hex SHA-256 digest used for checksums, plan digests and DDM tokens.

import Crypto
import Foundation

/// Lower-case hexadecimal SHA-256 digests, written without `String(format:)` (which costs microseconds
/// per byte on Linux and sat on the scheduler's per-Mac path).
public enum SHA256Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// The 64 hex digits of the SHA-256 of `bytes`.
    public static func digest(of bytes: some DataProtocol) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// The 64 hex digits of the SHA-256 of `text`'s UTF-8 bytes.
    public static func digest(of text: String) -> String {
        var text = text
        return text.withUTF8 { hex(SHA256.hash(data: UnsafeRawBufferPointer($0))) }
    }

    /// `bytes` as lower-case hex.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var characters: [UInt8] = []
        characters.reserveCapacity(64)
        for byte in bytes {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: characters, as: UTF8.self)
    }
}
