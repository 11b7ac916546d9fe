// PostgresArrayLiteral: encoding and parsing of one-dimensional array literals (`{"a",NULL}`).

/// One-dimensional PostgreSQL array literals in text format.
enum PostgresArrayLiteral {
    /// `{"a","b \"c\"",NULL}`: every element quoted, `"` and `\` escaped, nil as NULL.
    static func encode(_ elements: [String?]) -> String {
        var text = "{"
        for (index, element) in elements.enumerated() {
            if index > 0 { text.append(",") }
            guard let element else {
                text.append("NULL")
                continue
            }
            text.append("\"")
            for character in element {
                if character == "\"" || character == "\\" { text.append("\\") }
                text.append(character)
            }
            text.append("\"")
        }
        text.append("}")
        return text
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
