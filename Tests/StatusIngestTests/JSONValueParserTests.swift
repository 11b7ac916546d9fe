// JSONValueParserTests: the one-pass parser reads what JSONDecoder reads, refuses what it refuses, and reads
// back what JSONValue writes.

import Foundation
import StatusIngestService
import TestSupport
import Testing

@Suite("JSON value parser")
struct JSONValueParserTests {
    /// The same bytes through Foundation's `JSONDecoder` (JSONValue's `Decodable` conformance).
    func decoded(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    func parsed(_ text: String) throws -> JSONValue {
        try JSONValueParser.parse(Array(text.utf8))
    }

    @Test("status reports and edge values parse as JSONDecoder decodes them")
    func agreesWithJSONDecoder() throws {
        let documents = [
            StatusReportFixtures.iPhoneBeta, StatusReportFixtures.macOSFirst, StatusReportFixtures.notReferenced,
            StatusReportFixtures.failed, StatusReportFixtures.full(version: "15.7.1", build: "24G231"),
            StatusReportFixtures.pending("downloading", version: "26.1", build: "25B78"),
            #"  {"a" : [ 1 , -0 , 0.5 , -2.5e3 , 1E2 , 9223372036854775807 , -9223372036854775808 ] }  "#,
            #"[9223372036854775808, 1e-7, 123456789.125, true, false, null, {}, [], ""]"#,
            #"{"s":"tab\tquote\" slash\/ back\\ nl\n cr\r bs\b ff\f \u00e9 \ud83d\ude00 é 😀 \u0001"}"#,
            #"{"dup":1,"dup":2}"#, "0", "-1", "1.0", "-0.0", "1.5e1", "2.5", #""x""#, "null",
            "[1,]", #"{"a":1,}"#, "[\"a\"\n,]",
        ]
        for document in documents {
            let (ours, foundations) = (try parsed(document), try decoded(document))
            #expect(ours == foundations, "\(document): \(ours) vs JSONDecoder's \(foundations)")
        }
    }

    @Test("malformed JSON is refused, as JSONDecoder refuses it (both tolerate one trailing comma)")
    func refusesWhatJSONDecoderRefuses() {
        let malformed = [
            "", " ", "{", "[,]", "{,}", "[1,,]", "01", "-", "1.", ".5", "1e", "+1", "NaN", "Infinity", "tru", "nul",
            #"{"a" 1}"#, "{a:1}", "// comment\n1", "[1] x", "[1 2]", #""\u00""#, #""\ud800""#, #""\udc00x""#,
            #""\ud800\u0041""#, #""\x""#, "\"a\u{01}b\"", "\"unterminated", "'single'",
        ]
        for text in malformed {
            #expect(throws: JSONValueParser.Failure.self, "\(text)") { try parsed(text) }
            #expect(throws: (any Error).self, "JSONDecoder accepts \(text)") { try decoded(text) }
        }
    }

    @Test("nesting is limited to 512 levels and deep input fails without exhausting the stack")
    func depthIsLimited() throws {
        let deepest =
            String(repeating: "[", count: JSONValueParser.maximumDepth)
            + String(repeating: "]", count: JSONValueParser.maximumDepth)
        var value = try parsed(deepest)
        var depth = 0
        while case .array(let elements) = value {
            depth += 1
            value = elements.first ?? .null
        }
        #expect(depth == JSONValueParser.maximumDepth)
        #expect(throws: JSONValueParser.Failure.self) { try parsed("[" + deepest + "]") }
        #expect(throws: JSONValueParser.Failure.self) {
            try parsed(String(repeating: #"{"a":["#, count: 100_000))
        }
    }

    @Test("numbers out of Double's range are refused; integers past Int64 become doubles")
    func numberRanges() throws {
        #expect(throws: JSONValueParser.Failure.self) { try parsed("1e400") }
        #expect(try parsed("18446744073709551616") == .double(18_446_744_073_709_551_616))
        #expect(try parsed("0.1") == .double(0.1))
        #expect(try parsed("12") == .int(12))
    }

    @Test("whatever JSONValue writes reads back as the same value (random documents)")
    func writtenTextReadsBack() throws {
        var random = SeededGenerator(seed: 0x5EED_0007)
        for _ in 0..<500 {
            let value = Self.randomValue(depth: 0, using: &random)
            let text = value.jsonText
            #expect(try parsed(text) == value, "\(text)")
            #expect(try decoded(text) == value, "JSONDecoder reads \(text) differently")
        }
    }

    @Test("U+0000 is written as U+FFFD, which jsonb accepts, and control characters are escaped")
    func writesControlCharacters() {
        #expect(JSONValue.string("a\u{0}b\u{1}\u{1f}\n").jsonText == #""a\#u{FFFD}b\u0001\u001f\n""#)
        #expect(
            JSONValue.object(["b": .int(1), "a": .array([.bool(true), .null])]).jsonText == #"{"a":[true,null],"b":1}"#)
    }

    static func randomValue(depth: Int, using random: inout SeededGenerator) -> JSONValue {
        switch Int.random(in: depth >= 4 ? 0...4 : 0...6, using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .int(Int64.random(in: Int64.min...Int64.max, using: &random))
        case 3: return .double(Double.random(in: -1e12...1e12, using: &random).rounded() + 0.5)
        case 4: return .string(randomString(using: &random))
        case 5:
            return .array(
                (0..<Int.random(in: 0...4, using: &random)).map { _ in randomValue(depth: depth + 1, using: &random) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                members[randomString(using: &random)] = randomValue(depth: depth + 1, using: &random)
            }
            return .object(members)
        }
    }

    /// ASCII, quotes, backslashes, control characters (not U+0000, which is written as U+FFFD), accents and
    /// astral characters.
    static func randomString(using random: inout SeededGenerator) -> String {
        let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1f}", "é", "😀", "中"]
        return String((0..<Int.random(in: 0...8, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
    }
}
