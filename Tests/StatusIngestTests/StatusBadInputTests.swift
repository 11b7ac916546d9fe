// StatusBadInputTests: every refused input gets a clear 4xx and leaves every table unchanged.

import HTTPTypes
import HummingbirdTesting
import StatusIngestService
import TestSupport
import Testing

@Suite("bad status input is refused and nothing is stored", .enabled(if: TestDatabase.isEnabled))
struct StatusBadInputTests {
    /// One refused request.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var body: [UInt8]
        var enrollment: String? = "mac-known"
        var signature: String? = nil
        var status: Int
        var code: String
        var testDescription: String { name }
    }

    static let key = Array("shared-secret".utf8)

    static let unsignedCases: [Case] = [
        Case(name: "malformed JSON", body: Array(#"{"StatusItems": {"#.utf8), status: 400, code: "invalid_json"),
        Case(
            name: "invalid UTF-8", body: Array(#"{"StatusItems":{"x":""#.utf8) + [0xC3, 0x28] + Array(#""}}"#.utf8),
            status: 400, code: "invalid_utf8"),
        Case(name: "a JSON array", body: Array(#"[{"StatusItems":{}}]"#.utf8), status: 400, code: "invalid_report"),
        Case(name: "a JSON string", body: Array(#""StatusItems""#.utf8), status: 400, code: "invalid_report"),
        Case(
            name: "StatusItems is an array", body: Array(#"{"StatusItems":[]}"#.utf8), status: 400,
            code: "invalid_report"),
        Case(
            name: "StatusItems is a string", body: Array(#"{"StatusItems":"x"}"#.utf8), status: 400,
            code: "invalid_report"),
        Case(name: "no StatusItems", body: Array(#"{"Errors":[]}"#.utf8), status: 400, code: "invalid_report"),
        Case(name: "empty body", body: [], status: 400, code: "invalid_json"),
        Case(
            name: "body over the limit",
            body: Array(#"{"StatusItems":{"x":""#.utf8)
                + [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20) + Array(#""}}"#.utf8),
            status: 413, code: "content_too_large"),
        Case(
            name: "unknown enrollment", body: Array(StatusReportFixtures.macOSFirst.utf8), enrollment: "mac-unknown",
            status: 404, code: "unknown_enrollment"),
        Case(
            name: "missing X-Enrollment-ID", body: Array(StatusReportFixtures.macOSFirst.utf8), enrollment: nil,
            status: 400, code: "missing_enrollment_id"),
        Case(
            name: "empty X-Enrollment-ID", body: Array(StatusReportFixtures.macOSFirst.utf8), enrollment: "",
            status: 400, code: "missing_enrollment_id"),
    ]

    static let signedCases: [Case] = [
        Case(
            name: "unsigned report", body: Array(StatusReportFixtures.macOSFirst.utf8), status: 401,
            code: "invalid_signature"),
        Case(
            name: "signature of another body", body: Array(StatusReportFixtures.macOSFirst.utf8),
            signature: StatusSignatureVerifier.sign(Array("{}".utf8), key: key), status: 401,
            code: "invalid_signature"),
        Case(
            name: "signature with another key", body: Array(StatusReportFixtures.macOSFirst.utf8),
            signature: StatusSignatureVerifier.sign(Array(StatusReportFixtures.macOSFirst.utf8), key: Array("x".utf8)),
            status: 401, code: "invalid_signature"),
        Case(
            name: "signature that is not base64", body: Array(StatusReportFixtures.macOSFirst.utf8),
            signature: "not base64!", status: 401, code: "invalid_signature"),
    ]

    @Test("refused without an HMAC key configured", arguments: unsignedCases)
    func refusedUnsigned(_ input: Case) async throws {
        try await check(input, settings: StatusIngestSettings())
    }

    @Test("refused with an HMAC key configured", arguments: signedCases)
    func refusedSigned(_ input: Case) async throws {
        try await check(input, settings: StatusIngestSettings(hmacKey: Self.key))
    }

    func check(_ input: Case, settings: StatusIngestSettings) async throws {
        try await StatusIngestHarness.run(settings: settings) { client, harness in
            try harness.register("mac-known")
            let signature = StatusSignatureVerifier.sign(
                Array(StatusReportFixtures.full(version: "15.0", build: "24A335").utf8), key: Self.key)
            // Some state first, so "unchanged" covers existing rows too.
            let seeded = try await client.putStatus(
                StatusReportFixtures.full(version: "15.0", build: "24A335"), enrollment: "mac-known",
                signature: settings.hmacKey == nil ? nil : signature)
            #expect(seeded.status == .ok)
            let before = try harness.snapshot()
            let response = try await client.putStatus(
                bytes: input.body, enrollment: input.enrollment, signature: input.signature)
            #expect(response.status.code == input.status)
            #expect(response.errorCode == input.code)
            #expect(try harness.snapshot() == before)
        }
    }
}
