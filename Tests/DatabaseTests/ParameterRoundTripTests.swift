// Parameter and result round trips through libpq for every supported type.

import Database
import Foundation
import TestSupport
import Testing

@Suite(.enabled(if: TestDatabase.isEnabled))
struct ParameterRoundTripTests {
    /// Sends `value` as `$1` cast to `type` and reads it back.
    private func roundTrip<T: PostgresBindable & PostgresDecodable>(
        _ value: T?, as type: String, on connection: DatabaseConnection
    ) throws -> T? {
        try connection.query("SELECT $1::\(type) AS value", [value]).first!.decodeIfPresent("value", as: T.self)
    }

    @Test func everyScalarTypeRoundTrips() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try DatabaseConnection.connect(database.configuration)
        #expect(try roundTrip("plain text", as: "text", on: connection) == "plain text")
        #expect(try roundTrip(Int.max, as: "bigint", on: connection) == Int.max)
        #expect(try roundTrip(Int64.min, as: "bigint", on: connection) == Int64.min)
        #expect(try roundTrip(Int32(-42), as: "integer", on: connection) == -42)
        #expect(try roundTrip(true, as: "boolean", on: connection) == true)
        #expect(try roundTrip(false, as: "boolean", on: connection) == false)
        #expect(try roundTrip(0.1 + 0.2, as: "double precision", on: connection) == 0.1 + 0.2)
        #expect(try roundTrip(-1.5e-300, as: "double precision", on: connection) == -1.5e-300)
        let id = UUID()
        #expect(try roundTrip(id, as: "uuid", on: connection) == id)
        let instant = Date(timeIntervalSince1970: 1_795_000_000.123456)
        let back = try #require(try roundTrip(instant, as: "timestamptz", on: connection))
        #expect(abs(back.timeIntervalSince1970 - instant.timeIntervalSince1970) < 0.000_001)
        let leapDay = PostgresDate(year: 2028, month: 2, day: 29)
        #expect(try roundTrip(leapDay, as: "date", on: connection) == leapDay)
        let bytes = Data([0, 1, 2, 0xfe, 0xff])
        #expect(try roundTrip(bytes, as: "bytea", on: connection) == bytes)
        let list = [
            "a", "b c", "quote \" and \\ backslash", "", "{brace}", "NULL", "\"\\\"", "é, 日本 🍎 \"x\"",
            String(repeating: #"{"k": "v\\", "n": [1, 2]} "#, count: 50),
        ]
        #expect(try roundTrip(list, as: "text[]", on: connection) == list)
        let withNulls: [String?] = ["x", nil, "", "NULL"]
        #expect(try roundTrip(withNulls, as: "text[]", on: connection) == withNulls)
        #expect(try roundTrip([String](), as: "text[]", on: connection) == [])
    }

    @Test func binaryTextArraysArriveAsTheSameElementsAsTextLiterals() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try DatabaseConnection.connect(database.configuration)
        let elements: [String?] = [
            "a", "quote \" and \\ backslash", "", nil, "NULL", "{brace}", "é, 日本 🍎", nil,
            String(repeating: #"{"k": "v\\", "n": [1, 2]} "#, count: 200),
        ]
        // Sent in binary (array_recv), read back as text: the elements, NULLs and order survive.
        let binary = PostgresTextArray(elements)
        #expect(binary.postgresBinary != nil)
        let back = try connection.query("SELECT $1::text[] AS value", [binary]).first!.decode("value", as: [String?].self)
        #expect(back == elements)
        // Element by element, the same values PostgreSQL parses from the text literal of the same array.
        let comparison = try connection.query(
            """
            SELECT count(*) FILTER (WHERE b IS NOT DISTINCT FROM t) AS same, count(*) AS total,
                   array_length($1::text[], 1) AS length, array_lower($1::text[], 1) AS lower
            FROM unnest($1::text[], $2::text[]) AS u(b, t)
            """, [binary, elements]
        ).first!
        #expect(try comparison.decode("same", as: Int.self) == elements.count)
        #expect(try comparison.decode("total", as: Int.self) == elements.count)
        #expect(try comparison.decode("length", as: Int.self) == elements.count)
        #expect(try comparison.decode("lower", as: Int.self) == 1)
        let empty = try connection.query(
            "SELECT cardinality($1::text[]) AS n", [PostgresTextArray([String]())]
        ).first!
        #expect(try empty.decode("n", as: Int.self) == 0)
        // An element holding U+0000 is refused as every text parameter is, not sent truncated.
        let nul = PostgresTextArray(["fine", "before\u{0}after"])
        #expect(nul.postgresBinary == nil)
        let error = try #require(throws: DatabaseError.self) {
            try connection.query("SELECT $1::text[]", [nul])
        }
        #expect(error.code == .nulCharacter)
    }

    @Test func timestampReadFromTheServerDecodesToTheSameInstant() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let row = try database.query("SELECT '2026-03-29 01:30:00.5+02'::timestamptz AS t").first!
        let date = try row.decode("t", as: Date.self)
        // 01:30:00.5 at +02:00 is 23:30:00.5 UTC on the 28th.
        #expect(date.timeIntervalSince1970 == 1_774_740_600.5)
    }

    @Test func nullIsDistinctFromEmpty() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let row = try database.query("SELECT $1::text AS empty, $2::text AS missing", ["", nil]).first!
        #expect(try row.isNull("empty") == false)
        #expect(try row.decode("empty", as: String.self) == "")
        #expect(try row.isNull("missing") == true)
        #expect(try row.decodeIfPresent("missing", as: String.self) == nil)
        #expect(throws: DatabaseError.self) { try row.decode("missing", as: String.self) }
    }

    @Test func unicodeSurvivesStorage() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try DatabaseConnection.connect(database.configuration)
        try connection.executeScript("CREATE TABLE notes (body text NOT NULL)")
        let texts = ["🍎💻 macOS 26", "Zürich – Straße", "東京", "👩🏽‍💻", "\u{202E}rtl", "tab\tnewline\n"]
        for text in texts { try connection.query("INSERT INTO notes (body) VALUES ($1)", [text]) }
        let stored = try connection.query("SELECT body FROM notes").rows.map { try $0.decode("body", as: String.self) }
        #expect(Set(stored) == Set(texts))
        let length = try connection.query("SELECT char_length($1::text) AS n", ["👩🏽‍💻"]).first!.decode("n", as: Int.self)
        #expect(length == 4)  // four code points
    }

    @Test func largeJSONBRoundTrips() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try DatabaseConnection.connect(database.configuration)
        try connection.executeScript("CREATE TABLE documents (body jsonb NOT NULL)")
        let big = String(repeating: "x", count: 1_048_576)
        let json = try PostgresJSON(encoding: ["blob": big, "emoji": "🚀"])
        try connection.query("INSERT INTO documents (body) VALUES ($1::jsonb)", [json])
        let row = try connection.query("SELECT body, octet_length(body->>'blob') AS size FROM documents").first!
        #expect(try row.decode("size", as: Int.self) == 1_048_576)
        let decoded = try row.decode("body", as: PostgresJSON.self).decode([String: String].self)
        #expect(decoded["blob"] == big)
        #expect(decoded["emoji"] == "🚀")
    }

    static let injectionCorpus = [
        "'; DROP TABLE victims; --",
        "Robert'); DROP TABLE students;--",
        "\" OR 1=1 --",
        "$1",
        "$$ LANGUAGE plpgsql $$",
        "\\'; SELECT pg_sleep(10); --",
        "1; DELETE FROM victims",
        "E'\\x27'",
        "%' OR '%'='",
        "'||(SELECT version())||'",
    ]

    @Test func sqlInjectionCorpusIsStoredVerbatim() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try DatabaseConnection.connect(database.configuration)
        try connection.executeScript("CREATE TABLE victims (id serial PRIMARY KEY, body text NOT NULL)")
        for text in Self.injectionCorpus { try connection.query("INSERT INTO victims (body) VALUES ($1)", [text]) }
        let stored = try connection.query("SELECT body FROM victims ORDER BY id").rows.map {
            try $0.decode("body", as: String.self)
        }
        #expect(stored == Self.injectionCorpus)
        let count = try connection.query("SELECT count(*) AS n FROM victims WHERE body = $1", [Self.injectionCorpus[0]])
        #expect(try count.first!.decode("n", as: Int.self) == 1)
    }

    @Test func textWithNULIsRefusedInsteadOfTruncated() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try DatabaseConnection.connect(database.configuration)
        let error = try #require(throws: DatabaseError.self) {
            try connection.query("SELECT $1::text", ["before\u{0}after"])
        }
        #expect(error.code == .nulCharacter)
    }

    @Test func malformedValueGivesADecodingErrorNamingTheColumn() async throws {
        let database = try await TestDatabase.create(migrated: false)
        defer { database.drop() }
        let row = try database.query("SELECT 'not a number'::text AS amount").first!
        let error = try #require(throws: DatabaseError.self) { try row.decode("amount", as: Int.self) }
        #expect(error.code == .decoding)
        #expect(error.message.contains("amount"))
    }
}
