// CatalogRoutesTests: the catalog read from the database (with the bundled snapshot while it is empty),
// releases per major with approval state, approvals, the hold, feed health, and their audit and bus events.

import Database
import Foundation
import HTTPTypes
import ManagedOSDomain
import TestSupport
import Testing

@testable import LibraryAPIService

@Suite("Catalog routes", .enabled(if: TestDatabase.isEnabled))
struct CatalogRoutesTests {
    /// The snapshot's releases of `major` up to `version` (a catalog whose newest release is older).
    static func releases(major: Int, upTo version: String) throws -> [Release] {
        let limit = try OSVersion(parsing: version)
        return LibraryAPIHarness.catalog.releases.filter { $0.major == major && $0.version <= limit }
    }

    @Test("with an empty catalog table the bundled snapshot stands in, and says so")
    func emptyTableFallsBackToSnapshot() async throws {
        try await LibraryAPIHarness.run { api in
            let reply = try await api.read("/v1/catalog/releases?major=26")
            #expect(reply.status == .ok)
            #expect(reply.json["source"].string == "bundledSnapshot")
            let releases = reply.json["majors"][0]["releases"].array
            #expect(releases.count == LibraryAPIHarness.catalog.releases.filter { $0.major == 26 }.count)
        }
    }

    @Test("the catalog is read from catalog_releases when the scheduler has filled it")
    func listingReadsDatabase() async throws {
        try await LibraryAPIHarness.run { api in
            // Everything of 26 except its newest version: the listing must show exactly these.
            let all26 = LibraryAPIHarness.catalog.releases.filter { $0.major == 26 }
            let newest = all26.map(\.version).max()!
            let stored = all26.filter { $0.version < newest }
            try FleetSeeder.insertCatalog(stored, on: try DatabaseConnectionFactory.connect(api))
            let reply = try await api.read("/v1/catalog/releases")
            #expect(reply.json["source"].string == "database")
            #expect(reply.json["majors"].array.map { $0["major"].int } == [26])
            let listed = reply.json["majors"][0]["releases"].array
            #expect(Set(listed.compactMap { $0["id"].string }) == Set(stored.map(\.id)))
            // Newest first.
            let versions = try listed.map { try OSVersion(parsing: $0["version"].string ?? "") }
            #expect(versions == versions.sorted(by: >))
            // Latest approved: the newest universal update not yet expired on 2026-08-22 (hold 0 days).
            let today = CivilDate(year: 2026, month: 8, day: 22)!
            let expected = stored.filter {
                !$0.isBackgroundSecurityImprovement && !$0.isDeviceSpecific && ($0.expirationDate.map { $0 >= today } ?? true)
            }.max { $0.version < $1.version }
            let latest = reply.json["majors"][0]["latestApproved"]
            #expect(latest["version"].string == expected?.version.description)
            #expect(latest["approval"]["state"].string == (expected == nil ? nil : "approved"))
            #expect(expected != nil)
            // CVE counts and the actively-exploited flag come from the stored release.
            let withCVEs = try #require(stored.first { $0.cveCount > 0 })
            let shown = listed.first { $0["id"].string == withCVEs.id }
            #expect(shown?["cveCount"].int == withCVEs.cveCount)
            #expect(shown?["activelyExploited"] == .bool(!withCVEs.activelyExploitedCVEs.isEmpty))
        }
    }

    @Test("save warnings use the database catalog: the floor is its newest release, not the snapshot's")
    func warningsUseDatabaseCatalog() async throws {
        try await LibraryAPIHarness.run { api in
            let connection = try DatabaseConnectionFactory.connect(api)
            let stored = try Self.releases(major: 26, upTo: "26.2")
            try FleetSeeder.insertCatalog(stored, on: connection)
            let board = FleetSeeder.boardSupporting(major: 26)
            let versions = ["26.0.1", "26.1", "26.2", "26.3"]
            try FleetSeeder.insert(
                versions.map { FleetSeeder.Mac(enrollmentID: "m-\($0)", boardID: board, osVersion: $0) }, on: connection)
            let body = Bodies.item(["versionEnforcement": #"{"mode":"automatic","timeframe":"oneWeek"}"#])
            let reply = try await api.write(.post, "/v1/library-items", body: body)
            #expect(reply.status == .created)
            let warning = reply.json["warnings"][0]
            #expect(warning["code"].string == "automaticDueImmediately")
            // Below the database catalog's floor 26.2: 26.0.1 and 26.1.
            #expect(warning["affectedMacCount"].int == 2)
            // The bundled snapshot (newer releases) would count differently, so the test tells them apart.
            let fleet = try versions.map { FleetMac(version: try OSVersion(parsing: $0), hardware: MacHardware(boardID: board)) }
            let item = ManagedOSItem(
                id: UUID(), label: "x", major: 26, installationMethod: .continuous,
                versionEnforcement: .automatic(timeframe: .oneWeek), enforcementTime: EnforcementTime(hour: 9, minute: 0)!,
                enforcementTimeZone: "Europe/Berlin")
            let bundled = ItemValidator.warnings(
                for: item, previous: nil, fleet: fleet, catalog: LibraryAPIHarness.catalog, now: LibraryAPIHarness.now)
            #expect(bundled.first?.affectedMacCount != 2)
        }
    }

    @Test("approve, hold, revoke and automatic change the approval state, audit it and publish catalog events")
    func approvalDecisions() async throws {
        try await LibraryAPIHarness.run { api in
            try FleetSeeder.insertCatalog(on: try DatabaseConnectionFactory.connect(api))
            let release = try #require(
                LibraryAPIHarness.catalog.updates(major: 26).last {
                    LibraryAPIHarness.catalog.isApproved($0, at: LibraryAPIHarness.now)
                })
            func state() async throws -> String? {
                let listing = try await api.read("/v1/catalog/releases?major=26").json
                return listing["majors"][0]["releases"].array.first { $0["id"].string == release.id }?["approval"]["state"]
                    .string
            }
            #expect(try await state() == "approved")
            for (decision, expected) in [("held", "held"), ("revoked", "revoked"), ("approved", "approved")] {
                let reply = try await api.write(
                    .put, "/v1/catalog/approvals", body: #"{"releaseId":"\#(release.id)","decision":"\#(decision)"}"#)
                #expect(reply.status == .ok)
                #expect(reply.json["approval"]["state"].string == expected)
                #expect(reply.json["approval"]["override"].string == decision)
                #expect(try await state() == expected)
            }
            let automatic = try await api.write(
                .put, "/v1/catalog/approvals", body: #"{"releaseId":"\#(release.id)","decision":"automatic"}"#)
            #expect(automatic.json["approval"]["override"] == .null)
            #expect(try api.count("SELECT count(*) AS n FROM catalog_release_overrides") == 0)
            #expect(
                try api.count(
                    "SELECT count(*) AS n FROM bus_events WHERE topic = 'catalog' AND entity = $1", [release.id]) == 4)
            let audit = try await api.read("/v1/audit-log?entityType=catalogRelease").json["items"].array
            #expect(audit.map { $0["action"].string } == ["catalog.automatic", "catalog.approved", "catalog.revoked", "catalog.held"])
            #expect(audit.first?["before"]["decision"].string == "approved")
            #expect(audit.first?["actor"].string == "writer")
        }
    }

    @Test("a revoked release is no longer the latest approved of its major")
    func revokedReleaseIsNotLatest() async throws {
        try await LibraryAPIHarness.run { api in
            try FleetSeeder.insertCatalog(on: try DatabaseConnectionFactory.connect(api))
            let before = try await api.read("/v1/catalog/releases?major=26").json["majors"][0]["latestApproved"]
            let id = try #require(before["id"].string)
            _ = try await api.write(.put, "/v1/catalog/approvals", body: #"{"releaseId":"\#(id)","decision":"revoked"}"#)
            let after = try await api.read("/v1/catalog/releases?major=26").json["majors"][0]["latestApproved"]
            #expect(after["id"].string != nil)
            #expect(after["id"].string != id)
        }
    }

    @Test("the hold in days delays automatic approval and is audited with a catalog event")
    func holdDays() async throws {
        try await LibraryAPIHarness.run { api in
            try FleetSeeder.insertCatalog(on: try DatabaseConnectionFactory.connect(api))
            #expect(try await api.read("/v1/catalog/settings").json["holdDays"].int == 0)
            let reply = try await api.write(.put, "/v1/catalog/settings", body: #"{"holdDays":400}"#)
            #expect(reply.status == .unprocessableContent)
            #expect(reply.json.errorFields == ["holdDays"])
            let set = try await api.write(.put, "/v1/catalog/settings", body: #"{"holdDays":365}"#)
            #expect(set.status == .ok)
            #expect(set.json["holdDays"].int == 365)
            let listing = try await api.read("/v1/catalog/releases?major=26").json
            #expect(listing["holdDays"].int == 365)
            // Every 26 release is younger than a year on 2026-08-22, so none is approved any more.
            #expect(listing["majors"][0]["latestApproved"] == .null)
            #expect(listing["majors"][0]["releases"].array.allSatisfy { $0["approval"]["state"].string == "pendingHold" })
            #expect(try api.count("SELECT count(*) AS n FROM bus_events WHERE topic = 'catalog' AND entity = 'settings'") == 1)
            let audit = try await api.read("/v1/audit-log?entityType=catalogSettings").json["items"][0]
            #expect(audit["before"]["holdDays"].int == 0)
            #expect(audit["after"]["holdDays"].int == 365)
        }
    }

    @Test("each feed's last success and last error are shown")
    func sources() async throws {
        try await LibraryAPIHarness.run { api in
            try api.database.query(
                """
                INSERT INTO catalog_sources (name, location, last_attempt_at, last_success_at, last_error, last_error_at)
                VALUES ('gdmf', 'https://gdmf.apple.com/v2/pmv', now(), now() - interval '1 day', 'HTTP 503', now()),
                       ('sofa', 'https://sofafeed.macadmins.io/v2/macos_data_feed.json', now(), now(), NULL, NULL)
                """)
            let items = try await api.read("/v1/catalog/sources").json["items"].array
            #expect(items.map { $0["name"].string } == ["gdmf", "sofa"])
            #expect(items[0]["lastError"].string == "HTTP 503")
            #expect(items[0]["lastSuccessAt"].string != nil)
            #expect(items[1]["lastError"] == .null)
        }
    }

    /// One bad catalog write and what it must answer.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var path: String
        var body: String
        var status: HTTPResponse.Status
        var field: String
        var testDescription: String { name }
    }

    static let badCases: [Case] = [
        Case(name: "unknown release", path: "/v1/catalog/approvals", body: #"{"releaseId":"99.1/ZZZ","decision":"held"}"#,
             status: .unprocessableContent, field: "releaseId"),
        Case(name: "unknown decision", path: "/v1/catalog/approvals", body: #"{"releaseId":"x","decision":"maybe"}"#,
             status: .unprocessableContent, field: "decision"),
        Case(name: "missing release id", path: "/v1/catalog/approvals", body: #"{"decision":"held"}"#,
             status: .badRequest, field: "releaseId"),
        Case(name: "unknown field", path: "/v1/catalog/approvals", body: #"{"releaseId":"x","decision":"held","why":1}"#,
             status: .badRequest, field: "why"),
        Case(name: "hold of the wrong type", path: "/v1/catalog/settings", body: #"{"holdDays":"7"}"#,
             status: .badRequest, field: "holdDays"),
        Case(name: "negative hold", path: "/v1/catalog/settings", body: #"{"holdDays":-1}"#,
             status: .unprocessableContent, field: "holdDays"),
        Case(name: "malformed JSON", path: "/v1/catalog/settings", body: #"{"holdDays":"#, status: .badRequest, field: ""),
    ]

    @Test("bad catalog writes answer 4xx naming the field and change nothing", arguments: badCases)
    func badWrites(_ bad: Case) async throws {
        try await LibraryAPIHarness.run { api in
            try FleetSeeder.insertCatalog(on: try DatabaseConnectionFactory.connect(api))
            let before = try api.snapshot()
            let reply = try await api.write(.put, bad.path, body: bad.body)
            #expect(reply.status == bad.status)
            #expect(reply.json.errorFields.first == bad.field)
            #expect(try api.snapshot() == before)
        }
    }
}
