// PostgresArrayLiteral: encoding and parsing of one-dimensional array literals (`{"a",NULL}`).

/// One-dimensional PostgreSQL array literals in text format.
enum PostgresArrayLiteral {
    /// `{"a","b \"c\"",NULL}`: every element quoted, `"` and `\` escaped, nil as NULL.
    static func encode(_ elements: [String?]) -> String {
        // Byte-wise: `"` and `\` never occur inside a multi-byte UTF-8 sequence, and walking Characters
        // (grapheme breaking) cost more than the rest of a batch write for kilobyte-long JSON elements.
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(elements.reduce(2) { $0 + ($1?.utf8.count ?? 4) + 3 })
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            guard let element else {
                bytes.append(contentsOf: "NULL".utf8)
                continue
            }
            bytes.append(UInt8(ascii: "\""))
            for byte in element.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses what the server writes for a one-dimensional array: `{a,"b c",NULL}`.
    /// Returns nil for malformed or multi-dimensional input.
    static func parse(_ text: String) -> [String?]? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.first == "{", scalars.last == "}" else { return nil }
        if scalars.count == 2 { return [] }
        var elements: [String?] = []
        var index = 1
        while index < scalars.count - 1 {
            var value = String.UnicodeScalarView()
            if scalars[index] == "\"" {
                index += 1
                while index < scalars.count - 1 && scalars[index] != "\"" {
                    if scalars[index] == "\\" { index += 1 }
                    guard index < scalars.count - 1 else { return nil }
                    value.append(scalars[index])
                    index += 1
                }
                guard index < scalars.count - 1 else { return nil }
                index += 1  // closing quote
                elements.append(String(value))
            } else {
                if scalars[index] == "{" { return nil }
                while index < scalars.count - 1 && scalars[index] != "," {
                    value.append(scalars[index])
                    index += 1
                }
                let element = String(value)
                elements.append(element == "NULL" ? nil : element)
            }
            if index < scalars.count - 1 {
                guard scalars[index] == "," else { return nil }
                index += 1
            }
        }
        return elements
    }
}
