// HTMLText: escaping text for HTML and SVG built outside the templates.

/// Escapes text for element content and quoted attribute values.
enum HTMLText {
    /// `text` with `& < > " '` replaced by character references.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
