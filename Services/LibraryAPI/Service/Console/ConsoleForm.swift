// ConsoleForm: a submitted HTML form (application/x-www-form-urlencoded) as ordered name/value pairs.

import Foundation
import HTTPTypes
import Hummingbird

/// The fields of a posted form, in order; repeated names (checkboxes) keep every value.
struct ConsoleForm: Sendable {
    var fields: [(name: String, value: String)]

    /// Parses `a=1&b=x+y&c=%C3%A9`.
    init(encoded text: String) {
        fields = text.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), !name.isEmpty else { return nil }
            return (name: name, value: parts.count > 1 ? Self.decode(parts[1]) ?? "" : "")
        }
    }

    /// Reads the request body (at most the context's upload limit).
    static func read(_ request: Request, context: some RequestContext) async throws -> ConsoleForm {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        return ConsoleForm(encoded: String(decoding: buffer.readableBytesView, as: UTF8.self))
    }

    /// The first value of `name`.
    func value(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    /// The first value of `name` trimmed, nil when absent or empty.
    func nonEmpty(_ name: String) -> String? {
        guard let text = value(name)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// Every value of `name`.
    func values(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

    private static func decode(_ part: Substring) -> String? {
        String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
