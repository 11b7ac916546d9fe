// UTF8ReplacementTests: the byte-wise find-and-replace the scheduler stamps per-Mac values with.

import DeclarativeManagement
import Testing

@Suite struct UTF8ReplacementTests {
    @Test func replacesEveryOccurrenceAndLeavesTheRestAsItWas() {
        #expect(UTF8Replacement.replacing("ab", with: "XYZ", in: "ab-aab-b-ab") == "XYZ-aXYZ-b-XYZ")
        // Near misses share the first byte; multi-byte text around and inside the pattern is kept whole.
        #expect(UTF8Replacement.replacing("é🍎", with: "ü", in: "é é🍎 éé🍎🍎") == "é ü éü🍎")
        #expect(
            UTF8Replacement.replacing("\"id\":\"0\"", with: "\"id\":\"7\"", in: #"{"id":"0","n":"0"}"#)
                == #"{"id":"7","n":"0"}"#)
    }

    @Test func textWithoutThePatternOrAnEmptyPatternIsUnchanged() {
        #expect(UTF8Replacement.replacing("zz", with: "y", in: "abcz") == "abcz")
        #expect(UTF8Replacement.replacing("longer than the text", with: "y", in: "abc") == "abc")
        #expect(UTF8Replacement.replacing("", with: "y", in: "abc") == "abc")
        #expect(UTF8Replacement.replacing("a", with: "y", in: "") == "")
        #expect(UTF8Replacement.replacing("abc", with: "", in: "abc") == "")
    }
}
