// PostgresTextArray: a text[] parameter sent in PostgreSQL's binary array format.

import Foundation

/// A `text[]` parameter (the statement must cast it `$n::text[]`) sent in binary: each element's bytes are
/// copied as they are. A batch write passes megabytes of JSON as text arrays, and in the text format both
/// sides paid for it: quoting every `"` here, and PostgreSQL's `array_in` reading the literal a character at a
/// time (together a tenth of the CPU while status-ingest was saturated).
public struct PostgresTextArray: PostgresBindable {
    /// The elements; nil is SQL NULL.
    public var elements: [String?]

    /// Creates the parameter.
    public init(_ elements: [String?]) {
        self.elements = elements
    }

    /// Creates the parameter from non-NULL elements.
    public init(_ elements: [String]) {
        self.elements = elements.map { $0 }
    }

    /// The same array as a text literal (what `[String?]` sends).
    public var postgresText: String { PostgresArrayLiteral.encode(elements) }

    /// `array_recv`'s input: dimensions, a NULL flag, the element type (text, OID 25), then each element as a
    /// length (-1 for NULL) and its UTF-8 bytes; integers big-endian. Nil when an element holds U+0000, which
    /// PostgreSQL cannot store: the text form then fails as every other parameter does (`.nulCharacter`).
    public var postgresBinary: [UInt8]? {
        var elements = elements
        var nulls = 0
        var length = elements.isEmpty ? 12 : 20
        for index in elements.indices {
            guard elements[index] != nil else {
                nulls += 1
                length += 4
                continue
            }
            let hasNUL = elements[index]!.withUTF8 { utf8 in
                utf8.baseAddress.map { memchr($0, 0, utf8.count) != nil } ?? false
            }
            if hasNUL { return nil }
            length += 4 + elements[index]!.utf8.count
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        func append(_ value: Int32) {
            withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
        }
        append(elements.isEmpty ? 0 : 1)
        append(nulls > 0 ? 1 : 0)
        append(25)
        if !elements.isEmpty {
            append(Int32(elements.count))
            append(1)
        }
        for index in elements.indices {
            guard elements[index] != nil else {
                append(-1)
                continue
            }
            elements[index]!.withUTF8 { utf8 in
                append(Int32(utf8.count))
                bytes.append(contentsOf: utf8)
            }
        }
        return bytes
    }
}
