// MarkdownSection: the parts of BENCHMARKS.md between `<!-- NAME:start -->` and `<!-- NAME:end -->` markers.

import Foundation

/// Reads and replaces marked sections of a markdown file, so each benchmark rewrites only its own part.
public enum MarkdownSection {
    static func start(_ name: String) -> String { "<!-- \(name):start -->" }
    static func end(_ name: String) -> String { "<!-- \(name):end -->" }

    /// Every section name in `markdown`, in order of appearance.
    public static func names(in markdown: String) -> [String] {
        markdown.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("<!-- "), line.hasSuffix(":start -->") else { return nil }
            return String(line.dropFirst(5).dropLast(10))
        }
    }

    /// The text between the markers of `name`, without them; nil when the section is missing.
    public static func body(of name: String, in markdown: String) -> String? {
        guard let lower = markdown.range(of: start(name)), let upper = markdown.range(of: end(name)),
            lower.upperBound <= upper.lowerBound
        else { return nil }
        return String(markdown[lower.upperBound..<upper.lowerBound]).trimmingCharacters(in: .newlines)
    }

    /// `markdown` with section `name` holding `body`. A missing section is inserted before the section named
    /// `before` when there is one, else appended.
    public static func replacing(
        _ name: String, with body: String, in markdown: String, before: String? = nil
    )
        -> String
    {
        let block = "\(start(name))\n\(body)\n\(end(name))"
        var text = markdown
        if let lower = text.range(of: start(name)), let upper = text.range(of: end(name)),
            lower.lowerBound < upper.upperBound
        {
            text.replaceSubrange(lower.lowerBound..<upper.upperBound, with: block)
        } else if let before, let next = text.range(of: start(before)) {
            text.replaceSubrange(next.lowerBound..<next.lowerBound, with: "\(block)\n\n")
        } else {
            if !text.hasSuffix("\n") { text += "\n" }
            text += "\n\(block)\n"
        }
        return text
    }

    /// The trimmed cells of a markdown table row (`| a | b |` → ["a", "b"]).
    public static func cells(of line: String) -> [String] {
        var trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("|") else { return [] }
        trimmed.removeFirst()
        if trimmed.hasSuffix("|") { trimmed.removeLast() }
        return trimmed.components(separatedBy: " | ").map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
