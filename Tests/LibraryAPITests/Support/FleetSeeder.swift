// FleetSeeder: fills a test database with a catalog, registered Macs with status, and the scheduler's plans.

import AppleFeedSnapshots
import Database
import FleetStore
import Foundation
import ManagedOSDomain

/// Writes what other services own (catalog rows, device status, plans) the way they write it, so the
/// library-api tests read a realistic database.
enum FleetSeeder {
    /// One Mac to register, with its latest status (nil `osVersion`: registered, never reported).
    struct Mac: Sendable {
        var id = UUID()
        var enrollmentID: String
        var blueprintID: UUID?
        var boardID: String?
        var modelIdentifier: String?
        var timeZone: String?
        var tags: [String] = []
        var osVersion: String?
        var installState: String?
        var failureCount: Int = 0
        var failureReason: String?
        var lastReportAt: Date = LibraryAPIHarness.now.addingTimeInterval(-3600)
    }

    /// Inserts `releases` (default: the bundled snapshot) into `catalog_releases` as the scheduler stores
    /// them (the domain `Release` JSON in `release`), plus the board → model map.
    static func insertCatalog(
        _ releases: [Release] = LibraryAPIHarness.catalog.releases,
        models: [String: String] = LibraryAPIHarness.catalog.modelIdentifierByBoardID, on connection: DatabaseConnection
    ) throws {
        var ids: [String] = [], majors: [Int] = [], versions: [String] = [], builds: [String?] = []
        var extras: [String?] = [], bsi: [Bool] = [], dates: [String] = [], expirations: [String?] = []
        var cves: [Int] = [], json: [PostgresJSON] = []
        for release in releases where !ids.contains(release.id) {
            ids.append(release.id)
            majors.append(release.major)
            versions.append(release.version.description)
            builds.append(release.build?.rawValue)
            if case .backgroundSecurityImprovement(let extra, _) = release.kind { extras.append(extra) } else {
                extras.append(nil)
            }
            bsi.append(release.isBackgroundSecurityImprovement)
            dates.append(release.releaseDate.description)
            expirations.append(release.expirationDate?.description)
            cves.append(release.cveCount)
            json.append(try PostgresJSON(encoding: release))
        }
        try connection.execute(
            """
            INSERT INTO catalog_releases (id, major, version, build, extra_version, is_bsi, release_date,
                                          expiration_date, cve_count, actively_exploited_cves, release, content_digest)
            SELECT u.id, u.major, u.version, u.build, u.extra, u.bsi, u.day::date, u.expiration::date, u.cves,
                   ARRAY(SELECT jsonb_array_elements_text(u.release::jsonb -> 'activelyExploitedCVEs')),
                   u.release::jsonb, md5(u.release)
            FROM unnest($1::text[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[],
                        $8::text[], $9::integer[], $10::text[])
                 AS u(id, major, version, build, extra, bsi, day, expiration, cves, release)
            """,
            [ids, majors, versions, builds, extras, bsi, dates, expirations, cves, json.map(\.text)])
        try connection.execute(
            """
            INSERT INTO catalog_models (board_id, model_identifier)
            SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING
            """,
            [Array(models.keys), models.keys.map { models[$0]! }])
    }

    /// Registers `macs` and stores the status of those that reported, in two statements.
    static func insert(_ macs: [Mac], on connection: DatabaseConnection) throws {
        try connection.execute(
            """
            INSERT INTO devices (id, enrollment_id, blueprint_id, board_id, model_identifier, time_zone, tags)
            SELECT u.id, u.enrollment, u.blueprint, u.board, u.model, u.zone,
                   ARRAY(SELECT jsonb_array_elements_text(u.tags::jsonb))
            FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[])
                 AS u(id, enrollment, blueprint, board, model, zone, tags)
            """,
            [
                macs.map(\.id), macs.map(\.enrollmentID), macs.map(\.blueprintID), macs.map(\.boardID),
                macs.map(\.modelIdentifier), macs.map(\.timeZone),
                try macs.map { try PostgresJSON(encoding: $0.tags).text },
            ])
        let reported = macs.filter { $0.osVersion != nil }
        guard !reported.isEmpty else { return }
        try connection.execute(
            """
            INSERT INTO device_status (device_id, status_items, last_received_at, last_sequence)
            SELECT u.id, u.items::jsonb, u.received, nextval('status_report_sequence')
            FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS u(id, items, received)
            """,
            [reported.map(\.id), try reported.map { try statusItems(of: $0) }, reported.map(\.lastReportAt)])
    }

    /// The status items a Mac would have reported.
    static func statusItems(of mac: Mac) throws -> String {
        var items: [String: JSONValueForSeed] = [:]
        if let version = mac.osVersion { items["device.operating-system.version"] = .string(version) }
        if let state = mac.installState { items["softwareupdate.install-state"] = .string(state) }
        if mac.failureCount > 0 {
            items["softwareupdate.failure-reason"] = .object([
                "count": .int(mac.failureCount), "reason": .string(mac.failureReason ?? "unknown"),
            ])
        }
        return try PostgresJSON(encoding: items).text
    }

    /// Evaluates every Mac with the domain evaluator (catalog, items and blueprints as stored) and writes the
    /// plans with the scheduler's `PlanStore`; returns the plans by device id.
    @discardableResult
    static func writePlans(now: Date = LibraryAPIHarness.now, on connection: DatabaseConnection) throws -> [UUID: MacPlan]
    {
        var configuration = try FleetConfiguration.load(on: connection)
        if try CatalogStore.isEmpty(on: connection) {
            var catalog = LibraryAPIHarness.catalog
            catalog.approvalPolicy = try CatalogStore.approvalPolicy(on: connection)
            configuration.catalog = catalog
        }
        let evaluator = MacEvaluator(catalog: configuration.catalog, now: now)
        var entries: [PlanStore.Entry] = []
        for mac in try FleetLoader.allMacs(on: connection) {
            guard let state = mac.state else { continue }
            let plan = evaluator.evaluate(mac: state, items: configuration.items(for: mac))
            entries.append(PlanStore.Entry(plan: plan, itemIDs: configuration.itemIDs(for: mac)))
        }
        try PlanStore.write(entries, on: connection)
        return Dictionary(uniqueKeysWithValues: entries.map { ($0.plan.macID, $0.plan) })
    }

    /// A board ID that the newest release of `major` supports (real hardware from the snapshot).
    static func boardSupporting(major: Int) -> String {
        LibraryAPIHarness.catalog.updates(major: major).last!.supportedBoardIDs.sorted().first!
    }

    /// A board ID that runs `major` but no release of `unsupportedMajor` (e.g. an Intel Mac without macOS 26).
    static func boardSupporting(major: Int, butNot unsupportedMajor: Int) -> String {
        let catalog = LibraryAPIHarness.catalog
        let excluded = Set(catalog.updates(major: unsupportedMajor).flatMap(\.supportedBoardIDs))
        return Set(catalog.updates(major: major).last!.supportedBoardIDs).subtracting(excluded).sorted().first!
    }
}

/// The JSON values status items need.
enum JSONValueForSeed: Encodable {
    case string(String)
    case int(Int)
    case object([String: JSONValueForSeed])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
