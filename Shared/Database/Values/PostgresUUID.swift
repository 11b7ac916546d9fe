// PostgresUUID: fast conversion between `UUID` and its canonical lower-case text.

import Foundation

/// Formats and parses the canonical `8-4-4-4-12` form without `snprintf`/`sscanf` (what `uuidString` and
/// `UUID(uuidString:)` use on Linux): batches bind and read thousands of ids per statement.
enum PostgresUUID {
    private static let digits = Array("0123456789abcdef".utf8)

    /// `0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`.
    static func format(_ uuid: UUID) -> String {
        withUnsafeBytes(of: uuid.uuid) { raw in
            var text = [UInt8](repeating: UInt8(ascii: "-"), count: 36)
            var position = 0
            for (index, byte) in raw.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { position += 1 }
                text[position] = digits[Int(byte >> 4)]
                text[position + 1] = digits[Int(byte & 0x0f)]
                position += 2
            }
            return String(decoding: text, as: UTF8.self)
        }
    }

    /// Parses the canonical form (either case); anything else goes to `UUID(uuidString:)`.
    static func parse(_ text: String) -> UUID? {
        let utf8 = text.utf8
        guard utf8.count == 36 else { return UUID(uuidString: text) }
        var bytes = [UInt8](repeating: 0, count: 16)
        var byteIndex = 0
        var high: UInt8? = nil
        for (offset, character) in utf8.enumerated() {
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard character == UInt8(ascii: "-") else { return nil }
                continue
            }
            let value: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let first = high {
                bytes[byteIndex] = first << 4 | value
                byteIndex += 1
                high = nil
            } else {
                high = value
            }
        }
        return bytes.withUnsafeBytes { raw in UUID(uuid: raw.load(as: uuid_t.self)) }
    }
}
