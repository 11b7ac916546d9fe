// Fuzzing: a seeded random generator, JSON values that can carry invalid UTF-8, hostile byte mutations, a
// per-table digest of a database and the checks every hostile-input suite makes on an answer.

import Database
import Foundation

/// The seed and case count of one fuzz suite: `FUZZ_SEED` (an unsigned integer, or `random`) and `FUZZ_CASES`
/// override the defaults, so a failure reproduces with the printed seed.
public struct FuzzRun: Sendable {
    public let family: String
    public let seed: UInt64
    public let cases: Int

    /// The fixed default seed: CI runs the same cases every time; `FUZZ_SEED=random` explores.
    public static let defaultSeed: UInt64 = 20_261_129

    public init(family: String, defaultCases: Int) {
        let environment = ProcessInfo.processInfo.environment
        self.family = family
        switch environment["FUZZ_SEED"] {
        case "random": seed = UInt64.random(in: 0...UInt64.max)
        case let text?: seed = UInt64(text) ?? Self.defaultSeed
        case nil: seed = Self.defaultSeed
        }
        cases = environment["FUZZ_CASES"].flatMap { Int($0) }.map { max(1, $0) } ?? defaultCases
    }

    /// The generator for case `index`: each case has its own stream, so one case replays on its own.
    public func generator(forCase index: Int) -> SeededGenerator {
        SeededGenerator(seed: seed ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
    }
}

/// xoshiro256** seeded through SplitMix64: fast, small and the same on every platform.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var mix = seed
        func next() -> UInt64 {
            mix &+= 0x9E37_79B9_7F4A_7C15
            var z = mix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (next(), next(), next(), next())
    }

    public mutating func next() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = state.3 << 45 | state.3 >> 19
        return result
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }

    /// A random element (the collection must not be empty).
    public mutating func pick<C: Collection>(_ elements: C) -> C.Element { elements.randomElement(using: &self)! }

    /// A random integer in `range`.
    public mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
}

/// A JSON value for generated requests. `.raw` is written as is (invalid UTF-8, broken syntax, duplicate keys);
/// `.members` keeps key order and allows duplicates.
public indirect enum FuzzJSON: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([FuzzJSON])
    case object([(key: String, value: FuzzJSON)])
    /// A string literal whose content bytes are written unescaped (may be invalid UTF-8).
    case rawString([UInt8])
    /// Bytes written as they are in place of a value.
    case raw([UInt8])

    public static func == (lhs: FuzzJSON, rhs: FuzzJSON) -> Bool { lhs.bytes == rhs.bytes }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let object = try? container.decode([String: FuzzJSON].self) {
            self = .object(object.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) })
        } else if let array = try? container.decode([FuzzJSON].self) {
            self = .array(array)
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let int = try? container.decode(Int64.self) {
            self = .int(int)
        } else {
            self = .double(try container.decode(Double.self))
        }
    }

    /// Parses JSON text (the fixtures); traps on invalid text, which is a broken fixture.
    public init(parsing text: String) {
        self = try! JSONDecoder().decode(FuzzJSON.self, from: Data(text.utf8))
    }

    /// The object's member `key` (first of duplicates), or nil.
    public subscript(key: String) -> FuzzJSON? {
        if case .object(let members) = self { return members.first { $0.key == key }?.value }
        return nil
    }

    /// The value written as JSON bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out)
        return out
    }

    /// The value written as JSON text (lossy when it holds invalid UTF-8).
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    func write(into out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let value): out += Array((value ? "true" : "false").utf8)
        case .int(let value): out += Array(String(value).utf8)
        case .double(let value): out += Array((value.isFinite ? "\(value)" : "1e999").utf8)
        case .string(let value): Self.writeString(value, into: &out)
        case .rawString(let content):
            out.append(UInt8(ascii: "\""))
            out += content
            out.append(UInt8(ascii: "\""))
        case .raw(let content): out += content
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                element.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ value: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += Array("\\\"".utf8)
            case "\\": out += Array("\\\\".utf8)
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += Array(("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
                } else {
                    out += Array(String(scalar).utf8)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Paths to every value in the tree (object keys and array indices), the root included.
    public var paths: [[PathStep]] {
        var found: [[PathStep]] = [[]]
        func walk(_ value: FuzzJSON, _ path: [PathStep]) {
            switch value {
            case .array(let elements):
                for (index, element) in elements.enumerated() {
                    found.append(path + [.index(index)])
                    walk(element, path + [.index(index)])
                }
            case .object(let members):
                for (index, member) in members.enumerated() {
                    found.append(path + [.member(index)])
                    walk(member.value, path + [.member(index)])
                }
            default: break
            }
        }
        walk(self, [])
        return found
    }

    /// One step of a path: an array index or the n-th member of an object.
    public enum PathStep: Sendable, Equatable {
        case index(Int)
        case member(Int)
    }

    /// Replaces the value at `path` with `transform(old)`; nil from `transform` removes it from its parent.
    public func updating(_ path: ArraySlice<PathStep>, _ transform: (FuzzJSON) -> FuzzJSON?) -> FuzzJSON? {
        guard let step = path.first else { return transform(self) }
        let rest = path.dropFirst()
        switch (self, step) {
        case (.array(var elements), .index(let index)) where elements.indices.contains(index):
            if let new = elements[index].updating(rest, transform) {
                elements[index] = new
            } else {
                elements.remove(at: index)
            }
            return .array(elements)
        case (.object(var members), .member(let index)) where members.indices.contains(index):
            if let new = members[index].value.updating(rest, transform) {
                members[index].value = new
            } else {
                members.remove(at: index)
            }
            return .object(members)
        default:
            return self
        }
    }

    /// Renames (or, with `transform` on the object, edits) the key of the member at `path`.
    public func renamingKey(at path: [PathStep], to key: String) -> FuzzJSON {
        guard case .member(let index)? = path.last else { return self }
        let parent = path.dropLast()
        return updating(parent[...]) { value in
            guard case .object(var members) = value, members.indices.contains(index) else { return value }
            members[index].key = key
            return .object(members)
        } ?? self
    }
}

/// Hostile values and byte-level mutations shared by the suites.
public enum Hostile {
    /// Byte sequences that are not UTF-8: a bad continuation, a lone continuation, `0xFF`, an encoded
    /// surrogate, an overlong `/`, a truncated sequence, a 5-byte form and a code point above U+10FFFF.
    public static let invalidUTF8: [[UInt8]] = [
        [0xC3, 0x28], [0x80], [0xFF], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xE2, 0x82], [0xF8, 0x88, 0x80, 0x80, 0x80],
        [0xF4, 0x90, 0x80, 0x80], [0xFE, 0xFF],
    ]

    /// Strings that are valid JSON but awkward for a store: NUL, escapes of lone surrogates, control characters,
    /// bidi overrides, combining marks, emoji, SQL and HTML lookalikes, dots and slashes, an empty string.
    public static let awkwardStrings: [FuzzJSON] = [
        .string(""), .string("\u{0}"), .string("a\u{0}b"), .raw(Array(#""\u0000""#.utf8)),
        .raw(Array(#""\ud800""#.utf8)), .raw(Array(#""\udfff\ud800""#.utf8)), .raw(Array(#""\uD83D\uDE00""#.utf8)),
        .string("\u{1}\u{1F}\u{7F}"), .string("\u{202E}evil\u{202C}"), .string("e\u{301}\u{301}\u{301}"),
        .string("😀👨‍👩‍👧"), .string("'; DROP TABLE devices; --"), .string("<script>alert(1)</script>"),
        .string("../../etc/passwd"), .string("a.b..c."), .string("%00%ff"), .string("\\"), .string("\u{FEFF}"),
        .string(" "), .string("\r\n"), .string("null"), .string("9999999999999999999999"),
    ]

    /// Numbers at and beyond the edges.
    public static let awkwardNumbers: [FuzzJSON] = [
        .int(0), .int(-1), .int(Int64.max), .int(Int64.min), .int(Int64(Int32.max) + 1), .double(0.5),
        .double(-0.0), .double(1e308), .raw(Array("1e999".utf8)), .raw(Array("-1e999".utf8)),
        .raw(Array("123456789012345678901234567890".utf8)), .raw(Array("1.0e-400".utf8)), .raw(Array("-0".utf8)),
        .raw(Array("1E2".utf8)), .raw(Array("NaN".utf8)), .raw(Array("Infinity".utf8)), .raw(Array("0x10".utf8)),
        .raw(Array("01".utf8)), .raw(Array("+1".utf8)), .raw(Array(".5".utf8)),
    ]

    /// A string of `count` bytes: ASCII, multi-byte or escapes.
    public static func hugeString(_ count: Int, using random: inout SeededGenerator) -> FuzzJSON {
        switch random.int(0...2) {
        case 0: .string(String(repeating: "a", count: count))
        case 1: .string(String(repeating: "é", count: max(1, count / 2)))
        default: .raw(Array(("\"" + String(repeating: "\\u00e9", count: max(1, count / 6)) + "\"").utf8))
        }
    }

    /// `depth` nested arrays or objects around `inner`.
    public static func nested(depth: Int, objects: Bool, inner: FuzzJSON = .int(1)) -> FuzzJSON {
        var open: [UInt8] = []
        var close: [UInt8] = []
        open.reserveCapacity(depth * 5)
        for _ in 0..<depth {
            open += objects ? Array(#"{"a":"#.utf8) : [UInt8(ascii: "[")]
            close.append(objects ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        }
        return .raw(open + inner.bytes + close)
    }

    /// A random value of any kind, sometimes hostile.
    public static func anyValue(using random: inout SeededGenerator, depth: Int = 0) -> FuzzJSON {
        switch random.int(0...11) {
        case 0: return .null
        case 1: return .bool(random.chance(0.5))
        case 2: return random.pick(awkwardNumbers)
        case 3: return .int(Int64(random.int(-5...100)))
        case 4: return random.pick(awkwardStrings)
        case 5: return .string(randomText(using: &random))
        case 6: return .rawString(Array("x".utf8) + random.pick(invalidUTF8) + Array("y".utf8))
        case 7: return hugeString(random.pick([1000, 70_000, 300_000]), using: &random)
        case 8: return nested(depth: random.pick([10, 100, 600, 3000]), objects: random.chance(0.5))
        case 9 where depth < 3:
            return .array((0..<random.int(0...4)).map { _ in anyValue(using: &random, depth: depth + 1) })
        case 10 where depth < 3:
            return .object(
                (0..<random.int(0...4)).map { _ in
                    (key: randomText(using: &random), value: anyValue(using: &random, depth: depth + 1))
                })
        default: return .object([])
        }
    }

    /// Short random text from a mixed alphabet.
    public static func randomText(using random: inout SeededGenerator) -> String {
        let alphabet = Array("abcXYZ019-_.:/ é😀\u{0}\"\\{}[]%")
        return String((0..<random.int(0...12)).map { _ in random.pick(alphabet) })
    }

    /// A byte-level mutation of `bytes`: flips, deletions, insertions, truncation, duplication, invalid UTF-8 or
    /// JSON tokens spliced in at random offsets. Returns the bytes and a short name of what was done.
    public static func mutateBytes(_ bytes: [UInt8], using random: inout SeededGenerator) -> ([UInt8], String) {
        var bytes = bytes
        guard !bytes.isEmpty else { return ([UInt8(ascii: "{")], "lone brace") }
        let offset = random.int(0...(bytes.count - 1))
        switch random.int(0...8) {
        case 0:
            bytes[offset] ^= UInt8(1 << random.int(0...7))
            return (bytes, "bit flip at \(offset)")
        case 1:
            let length = min(bytes.count - offset, random.int(1...16))
            bytes.removeSubrange(offset..<(offset + length))
            return (bytes, "delete \(length) at \(offset)")
        case 2:
            bytes.insert(contentsOf: random.pick(invalidUTF8), at: offset)
            return (bytes, "invalid UTF-8 at \(offset)")
        case 3:
            return (Array(bytes[..<offset]), "truncate at \(offset)")
        case 4:
            let length = min(bytes.count - offset, random.int(1...64))
            bytes.insert(contentsOf: bytes[offset..<(offset + length)], at: offset)
            return (bytes, "duplicate \(length) at \(offset)")
        case 5:
            let token = random.pick([
                "null", "{", "}", "[", "]", ",", ":", "\"", "\\", "1e999", "-", "true", "\\u0000", "\\ud800", "/*",
                "\u{0}", "\t", "\u{FEFF}",
            ])
            bytes.insert(contentsOf: Array(token.utf8), at: offset)
            return (bytes, "insert \(token.debugDescription) at \(offset)")
        case 6:
            bytes[offset] = UInt8.random(in: 0...255, using: &random)
            return (bytes, "random byte at \(offset)")
        case 7:
            return (Array(bytes.reversed()), "reversed")
        default:
            return (Array("\u{FEFF}".utf8) + bytes, "BOM prefix")
        }
    }

    /// A structural mutation of a JSON tree: a value replaced by another type, an edge number or a hostile string,
    /// a member removed, renamed, duplicated or added, a value wrapped or nested deeply.
    public static func mutateTree(_ value: FuzzJSON, using random: inout SeededGenerator) -> (FuzzJSON, String) {
        let paths = value.paths
        let path = random.pick(paths)
        let place = path.isEmpty ? "root" : "\(path)"
        switch random.int(0...7) {
        case 0:
            let new = anyValue(using: &random)
            return (value.updating(path[...]) { _ in new } ?? .null, "replace \(place)")
        case 1 where !path.isEmpty:
            return (value.updating(path[...]) { _ in nil } ?? .null, "remove \(place)")
        case 2 where !path.isEmpty:
            return (value.renamingKey(at: path, to: randomText(using: &random)), "rename key at \(place)")
        case 3:
            let key = random.chance(0.5) ? randomText(using: &random) : "unknownField"
            let extra = anyValue(using: &random)
            return (
                value.updating(path[...]) { old in
                    guard case .object(var members) = old else { return old }
                    members.append((key: key, value: extra))
                    return .object(members)
                } ?? .null, "add member to \(place)"
            )
        case 4:
            return (
                value.updating(path[...]) { old in
                    guard case .object(var members) = old, let first = members.first else { return old }
                    members.append((key: first.key, value: .string("duplicate")))
                    return .object(members)
                } ?? .null, "duplicate key in \(place)"
            )
        case 5:
            return (value.updating(path[...]) { .array([$0]) } ?? .null, "wrap \(place) in an array")
        case 6:
            let depth = random.pick([50, 400, 1000, 10_000])
            return (
                value.updating(path[...]) { nested(depth: depth, objects: random.chance(0.5), inner: $0) } ?? .null,
                "nest \(place) \(depth) deep"
            )
        default:
            let new = random.chance(0.5) ? random.pick(awkwardStrings) : random.pick(awkwardNumbers)
            return (value.updating(path[...]) { _ in new } ?? .null, "edge value at \(place)")
        }
    }
}

/// A digest of every row of every table of a database, per table, through one open connection.
public final class DatabaseDigest: @unchecked Sendable {
    private let connection: DatabaseConnection
    private let sql: String
    /// The tables digested.
    public let tables: [String]

    /// Connects and lists the public tables, leaving out `excluding` (each exclusion needs a reason at the call).
    public init(_ database: TestDatabase, excluding: Set<String> = []) throws {
        connection = try DatabaseConnection.connect(database.configuration)
        tables = try connection.query(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).rows.map { try $0.decode("tablename", as: String.self) }.filter { !excluding.contains($0) }
        sql = tables.map { table in
            "SELECT '\(table)' AS t, (SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) "
                + "FROM \"\(table)\" x) AS d"
        }.joined(separator: " UNION ALL ")
    }

    /// Each table's digest (off the cooperative pool).
    public func digest() async throws -> [String: String] {
        let connection = self.connection
        let sql = self.sql
        return try await BlockingWork.run {
            var result: [String: String] = [:]
            for row in try connection.query(sql).rows {
                result[try row.decode("t", as: String.self)] = try row.decode("d", as: String.self)
            }
            return result
        }
    }

    /// The tables whose digests differ.
    public static func changed(_ before: [String: String], _ after: [String: String]) -> [String] {
        Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
    }
}

/// What a hostile-input suite checks on every answer, and the tally it prints.
public struct FuzzTally: Sendable {
    public let run: FuzzRun
    public private(set) var statuses: [Int: Int] = [:]
    public private(set) var failures: [String] = []
    public private(set) var failureCount = 0
    public private(set) var cases = 0
    /// The slowest cases: duration and description.
    public private(set) var slowest: [(duration: Duration, description: String)] = []
    private let start = ContinuousClock.now
    private var caseStart = ContinuousClock.now

    public init(run: FuzzRun) {
        self.run = run
        print("\(run.family) fuzz: starting \(run.cases) cases, seed \(run.seed) (FUZZ_SEED/FUZZ_CASES override)")
    }

    /// Problems with an answer: a 5xx; a 4xx without a JSON error body naming the problem (`error.code` and
    /// `error.message`, non-empty); a rejected request that changed `changedTables`.
    public static func problems(
        status: Int, body: [UInt8], changedTables: [String], jsonErrors: Bool = true
    )
        -> [String]
    {
        var found: [String] = []
        if status >= 500 { found.append("answered \(status): \(String(decoding: body.prefix(300), as: UTF8.self))") }
        if (400..<500).contains(status) {
            if jsonErrors && !isNamedJSONError(body) {
                found.append(
                    "\(status) without a JSON error naming the problem: \(String(decoding: body.prefix(200), as: UTF8.self))"
                )
            }
            if !changedTables.isEmpty { found.append("rejected (\(status)) but changed \(changedTables)") }
        }
        if status < 200 || (300..<400).contains(status) && status != 303 && status != 302 {
            found.append("unexpected status \(status)")
        }
        return found
    }

    /// Whether `body` is `{"error":{"code":"…","message":"…",…}}` with non-empty code and message.
    public static func isNamedJSONError(_ body: [UInt8]) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let error = object["error"] as? [String: Any], let code = error["code"] as? String,
            let message = error["message"] as? String
        else { return false }
        return !code.isEmpty && !message.isEmpty
    }

    /// Marks the start of a case (for the slowest-case list).
    public mutating func begin() { caseStart = .now }

    /// Records one case.
    public mutating func record(index: Int, description: String, status: Int, problems: [String]) {
        let duration = ContinuousClock.now - caseStart
        if slowest.count < 5 || duration > slowest[slowest.count - 1].duration {
            slowest.append((duration, "case \(index) \(status): \(description.prefix(100))"))
            slowest.sort { $0.duration > $1.duration }
            if slowest.count > 5 { slowest.removeLast() }
        }
        cases += 1
        statuses[status, default: 0] += 1
        failureCount += problems.count
        for problem in problems where failures.count < 30 {
            failures.append("case \(index) (seed \(run.seed)) \(description.prefix(300)): \(problem)")
        }
    }

    /// The count of answers in `range`.
    public func count(_ range: Range<Int>) -> Int {
        statuses.filter { range.contains($0.key) }.map(\.value).reduce(0, +)
    }

    /// Prints the summary line and returns it.
    @discardableResult
    public func summary(extra: String = "") -> String {
        let seconds =
            Double((ContinuousClock.now - start).components.seconds)
            + Double((ContinuousClock.now - start).components.attoseconds) / 1e18
        let byStatus = statuses.keys.sorted().map { "\($0)×\(statuses[$0]!)" }.joined(separator: " ")
        let line =
            "\(run.family) fuzz: \(cases) cases, seed \(run.seed), \(count(200..<300)) 2xx, \(count(400..<500)) 4xx, "
            + "\(count(500..<600)) 5xx, \(failureCount) failures, \(String(format: "%.1f", seconds)) s [\(byStatus)]"
            + (extra.isEmpty ? "" : " " + extra)
        print(line)
        if ProcessInfo.processInfo.environment["FUZZ_VERBOSE"] != nil {
            for (duration, description) in slowest { print("  slow: \(duration) \(description)") }
        }
        return line
    }
}
