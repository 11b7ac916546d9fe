// PostgresArrayLiteral: encoding and parsing of one-dimensional array literals (`{"a",NULL}`).

/// One-dimensional PostgreSQL array literals in text format.
enum PostgresArrayLiteral {
    /// `{"a","b \"c\"",NULL}`: every element quoted, `"` and `\` escaped, nil as NULL.
    static func encode(_ elements: [String?]) -> String {
        // Byte-wise over each element's contiguous UTF-8: `"` and `\` never occur inside a multi-byte
        // sequence. The length is counted first, then runs between escapes are copied whole (a batch write
        // sends thousands of kilobyte-long JSON elements; walking Characters or single bytes cost more than
        // the rest of the write).
        var elements = elements
        var length = 2 + max(elements.count - 1, 0)
        for index in elements.indices {
            guard elements[index] != nil else {
                length += 4
                continue
            }
            length += elements[index]!.withUTF8 { $0.count + 2 + escapes(in: $0) }
        }
        return String(unsafeUninitializedCapacity: length) { output in
            var position = 0
            func write(_ byte: UInt8) {
                output[position] = byte
                position += 1
            }
            func write(_ bytes: UnsafeBufferPointer<UInt8>) {
                guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
                (output.baseAddress! + position).update(from: base, count: bytes.count)
                position += bytes.count
            }
            write(UInt8(ascii: "{"))
            for index in elements.indices {
                if index > 0 { write(UInt8(ascii: ",")) }
                guard elements[index] != nil else {
                    "NULL".utf8.forEach { write($0) }
                    continue
                }
                write(UInt8(ascii: "\""))
                elements[index]!.withUTF8 { element in
                    var runStart = 0
                    for offset in 0..<element.count where element[offset] == quote || element[offset] == backslash {
                        write(UnsafeBufferPointer(rebasing: element[runStart..<offset]))
                        write(backslash)
                        runStart = offset
                    }
                    write(UnsafeBufferPointer(rebasing: element[runStart...]))
                }
                write(UInt8(ascii: "\""))
            }
            write(UInt8(ascii: "}"))
            return position
        }
    }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    /// How many bytes of `bytes` need a backslash before them.
    private static func escapes(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        for byte in bytes where byte == quote || byte == backslash { count += 1 }
        return count
    }

    /// Parses what the server writes for a one-dimensional array: `{a,"b c",NULL}`.
    /// Returns nil for malformed or multi-dimensional input.
    static func parse(_ text: String) -> [String?]? {
        // Byte-wise: the delimiters are ASCII and never occur inside a multi-byte UTF-8 sequence.
        var text = text
        return text.withUTF8 { bytes -> [String?]? in
            let end = bytes.count - 1
            guard bytes.count >= 2, bytes[0] == UInt8(ascii: "{"), bytes[end] == UInt8(ascii: "}") else { return nil }
            if bytes.count == 2 { return [] }
            var elements: [String?] = []
            var index = 1
            var value: [UInt8] = []
            while index < end {
                value.removeAll(keepingCapacity: true)
                if bytes[index] == quote {
                    index += 1
                    while index < end && bytes[index] != quote {
                        if bytes[index] == backslash { index += 1 }
                        guard index < end else { return nil }
                        value.append(bytes[index])
                        index += 1
                    }
                    guard index < end else { return nil }
                    index += 1  // closing quote
                    elements.append(String(decoding: value, as: UTF8.self))
                } else {
                    if bytes[index] == UInt8(ascii: "{") { return nil }
                    let start = index
                    while index < end && bytes[index] != UInt8(ascii: ",") { index += 1 }
                    let element = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    elements.append(element == "NULL" ? nil : element)
                }
                if index < end {
                    guard bytes[index] == UInt8(ascii: ",") else { return nil }
                    index += 1
                }
            }
            return elements
        }
    }
}
