// FeedJSON: small helpers for reading loosely typed feed JSON (unknown keys are ignored).

import Foundation

/// Reads values out of `JSONSerialization` output without trusting their types.
enum FeedJSON {
    /// Parses `data` as JSON; throws `.notJSON` for `feed` when it is not.
    static func object(from data: Data, feed: CatalogFeed) throws(CatalogParseError) -> Any {
        do { return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw CatalogParseError.notJSON(feed: feed)
        }
    }

    /// A string value; numbers are not coerced.
    static func string(_ value: Any?) -> String? { value as? String }

    /// A non-empty string value.
    static func nonEmptyString(_ value: Any?) -> String? {
        guard let text = value as? String, !text.isEmpty else { return nil }
        return text
    }

    /// An integer value (JSON numbers without fraction).
    static func int(_ value: Any?) -> Int? {
        if let number = value as? Int { return number }
        if let number = value as? Double, number.rounded() == number, abs(number) < 1e15 { return Int(number) }
        return nil
    }

    /// A boolean value (JSON `true`/`false`).
    static func bool(_ value: Any?) -> Bool? { value as? Bool }

    /// An array of strings; other elements are dropped.
    static func strings(_ value: Any?) -> [String]? {
        guard let array = value as? [Any] else { return nil }
        return array.compactMap { $0 as? String }
    }

    /// A date written `YYYY-MM-DD` or `YYYY-MM-DDT00:00:00Z`.
    static func civilDate(_ value: Any?) -> CivilDate? {
        guard let text = value as? String else { return nil }
        return CivilDate(iso: text)
    }

    /// Describes a value for an error message.
    static func describe(_ value: Any?) -> String {
        switch value {
        case nil: "null"
        case let text as String: text
        case let value?: String(describing: value)
        }
    }
}
