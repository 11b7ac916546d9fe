// UTF8Replacement: find-and-replace over a string's contiguous UTF-8, for the per-Mac copies of shared templates.

import Foundation

/// Byte-wise find-and-replace. The scheduler stamps a Mac's id, instant or command UUID into text encoded once
/// per batch (plans, MDM command plists), once per Mac; Foundation's `replacingOccurrences` and the generic
/// `firstRange(of:)` were each a visible share of its time on Linux.
public enum UTF8Replacement {
    /// `text` with every occurrence of `pattern` replaced by `replacement`: `memchr` finds each candidate
    /// first byte, `memcmp` checks the rest, and the runs between matches are copied whole. An empty
    /// `pattern` changes nothing.
    public static func replacing(_ pattern: String, with replacement: String, in text: String) -> String {
        let needle = Array(pattern.utf8)
        guard let first = needle.first else { return text }
        var contiguous = text
        let replaced = contiguous.withUTF8 { haystack -> String? in
            guard let base = haystack.baseAddress else { return nil }
            var result: [UInt8] = []
            var copied = 0
            var start = 0
            while start + needle.count <= haystack.count,
                let hit = memchr(base + start, Int32(first), haystack.count - start - needle.count + 1)
            {
                let offset = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                guard memcmp(hit, needle, needle.count) == 0 else {
                    start = offset + 1
                    continue
                }
                if result.isEmpty { result.reserveCapacity(haystack.count + 64) }
                result.append(contentsOf: UnsafeBufferPointer(rebasing: haystack[copied..<offset]))
                result.append(contentsOf: replacement.utf8)
                copied = offset + needle.count
                start = copied
            }
            guard copied > 0 else { return nil }
            result.append(contentsOf: UnsafeBufferPointer(rebasing: haystack[copied...]))
            return String(decoding: result, as: UTF8.self)
        }
        return replaced ?? text
    }
}
