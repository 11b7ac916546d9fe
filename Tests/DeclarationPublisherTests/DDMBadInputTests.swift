// DDMBadInputTests: refusals are 4xx JSON naming the problem, change nothing, and a Mac sees only its own set.

import DeclarationPublisherService
import DeclarativeManagement
import Foundation
import HTTPTypes
import HummingbirdTesting
import ServiceSupport
import TestSupport
import Testing

@Suite("DDM bad input", .enabled(if: TestDatabase.isEnabled))
struct DDMBadInputTests {
    static let key = Array("shared-ddm-key".utf8)

    /// Two Macs: one due for 15.7.2 (has an enforcement), one compliant (has none).
    static func setUp(_ harness: PublisherHarness) async throws {
        let due = try harness.register("mac-due")
        let plan = PublisherFixtures.plan(due, os: PublisherFixtures.enforcement("15.7.2"))
        try await harness.replace(due, "mac-due", PublisherFixtures.set(due, macOS: "15.6", plan: plan))
        let ok = try harness.register("mac-ok")
        try await harness.replace(ok, "mac-ok", PublisherFixtures.set(ok, macOS: "15.7.2", plan: PublisherFixtures.plan(ok)))
    }

    @Test(arguments: [
        ("/tokens", nil as String?, HTTPResponse.Status.badRequest, "missing_enrollment_id"),
        ("/declaration-items", "", .badRequest, "missing_enrollment_id"),
        ("/tokens", "mac-unknown", .notFound, "unknown_enrollment"),
        ("/declaration/configuration/com.managedos.enforcement.os", "mac-ok", .notFound, "declaration_not_found"),
        ("/declaration/activation/com.managedos.enforcement.os", "mac-due", .notFound, "declaration_not_found"),
        ("/declaration/profile/com.managedos.activation", "mac-due", .badRequest, "invalid_declaration_kind"),
        ("/declaration/configuration/" + String(repeating: "a", count: 65), "mac-due", .badRequest, "invalid_identifier"),
        ("/declaration/configuration/..", "mac-due", .badRequest, "invalid_identifier"),
        ("/declaration/configuration/..%2F..%2Ftokens", "mac-due", .notFound, "declaration_not_found"),
    ])
    func refusals(path: String, enrollment: String?, status: HTTPResponse.Status, code: String) async throws {
        try await PublisherHarness.run { client, harness in
            try await Self.setUp(harness)
            let before = try harness.snapshot()
            let response = try await client.ddm(path, enrollment: enrollment)
            #expect(response.status == status)
            #expect(response.errorCode == code)
            #expect(try harness.snapshot() == before)
        }
    }

    @Test func aMacCanReadItsOwnEnforcementButNoOtherMacCan() async throws {
        try await PublisherHarness.run { client, harness in
            try await Self.setUp(harness)
            let path = "/declaration/configuration/com.managedos.enforcement.os"
            #expect(try await client.ddm(path, enrollment: "mac-due").status == .ok)
            #expect(try await client.ddm(path, enrollment: "mac-ok").status == .notFound)
        }
    }

    @Test func pathTraversalNeverReachesAnotherRoute() async throws {
        try await PublisherHarness.run { client, harness in
            try await Self.setUp(harness)
            let response = try await client.ddm("/declaration/configuration/../../tokens", enrollment: "mac-due")
            #expect(response.status.code >= 400 && response.status.code < 500)
            #expect(!response.text.contains("SyncTokens"))
        }
    }

    @Test func statusReportsAreRefusedAsMisdirected() async throws {
        try await PublisherHarness.run { client, harness in
            try await Self.setUp(harness)
            let before = try harness.snapshot()
            let response = try await client.execute(
                uri: "/status", method: .put, headers: [DDMRoutes.enrollmentHeader: "mac-due"], body: nil)
            #expect(response.status == .misdirectedRequest)
            #expect(response.errorCode == "misdirected_request")
            #expect(try harness.snapshot() == before)
        }
    }

    @Test func withAKeyEveryRequestMustBeSigned() async throws {
        try await PublisherHarness.run(settings: DeclarationPublisherSettings(hmacKey: Self.key)) { client, harness in
            try await Self.setUp(harness)
            let missing = try await client.ddm("/tokens", enrollment: "mac-due")
            #expect(missing.status == .unauthorized)
            #expect(missing.errorCode == "invalid_signature")
            let wrong = try await client.ddm(
                "/tokens", enrollment: "mac-due", signature: DDMSignatureVerifier.sign([], key: Array("other".utf8)))
            #expect(wrong.status == .unauthorized)
            let garbage = try await client.ddm("/tokens", enrollment: "mac-due", signature: "not base64!")
            #expect(garbage.status == .unauthorized)
            let signed = try await client.ddm(
                "/tokens", enrollment: "mac-due", signature: DDMSignatureVerifier.sign([], key: Self.key))
            #expect(signed.status == .ok)
        }
    }

    @Test func settingsAreCheckedAtStartUp() {
        #expect(throws: DeclarationPublisherSettingsError.self) {
            try DeclarationPublisherSettings(
                environment: ServiceEnvironment(["MDM_API_URL": "ftp://mdm", "OUTBOX_MAX_ATTEMPTS": "0", "DDM_HMAC_KEY": ""]))
        }
        do {
            _ = try DeclarationPublisherSettings(
                environment: ServiceEnvironment([
                    "MDM_API_URL": "ftp://mdm", "OUTBOX_MAX_ATTEMPTS": "0", "DDM_ALLOW_UNSIGNED": "true",
                ]))
            Issue.record("bad settings were accepted")
        } catch {
            #expect(error.problems.count == 2)
            #expect(error.problems[0].contains("MDM_API_URL"))
        }
        let good = try? DeclarationPublisherSettings(
            environment: ServiceEnvironment(["MDM_API_URL": "https://mdm.example/", "MDM_API_KEY": "k", "DDM_HMAC_KEY": "s"]))
        #expect(good?.mdmAPIURL?.absoluteString == "https://mdm.example/")
    }
}
