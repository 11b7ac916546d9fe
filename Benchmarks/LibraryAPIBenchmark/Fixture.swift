// Fixture: the benchmark's fleet: catalog, items, blueprints, Macs with status (bulk SQL) and their plans.

import Database
import FleetStore
import Foundation
import LibraryAPIService
import ManagedOSDomain

/// A fleet in the benchmark database and what the load generator needs to query it.
struct Fixture: Sendable {
    /// A read-and-write API token.
    var token: String
    /// A preview body: a new continuous macOS 26 item assigned to every blueprint.
    var previewBody: String

    /// `mac-000042`: zero-padded, so enrollment order is numeric order.
    static func enrollmentID(_ index: Int) -> String { "mac-" + String(format: "%07d", index) }

    static func make(macs: Int, catalog: ReleaseCatalog, now: Date, pool: ConnectionPool) async throws -> Fixture {
        try await pool.withConnection { connection in
            try insertCatalog(catalog, on: connection)
            let blueprintIDs = (0..<10).map { _ in UUID() }
            let item26 = ManagedOSItem(
                id: UUID(), label: "Tahoe", major: 26, installationMethod: .continuous,
                versionEnforcement: .automatic(timeframe: .twoWeeks),
                enforcementTime: EnforcementTime(hour: 9, minute: 0)!,
                enforcementTimeZone: "Europe/Berlin")
            let item15 = ManagedOSItem(
                id: UUID(), label: "Sequoia", major: 15, installationMethod: .selfService,
                versionEnforcement: .manualMinimum(
                    version: "15.7", deadlineDate: CivilDate(year: 2026, month: 9, day: 30)!),
                enforcementTime: EnforcementTime(hour: 10, minute: 0)!, enforcementTimeZone: "America/New_York")
            for item in [item26, item15] {
                try connection.execute(
                    "INSERT INTO items (id, label, major, installation_method, config) VALUES ($1::uuid, $2, $3, $4, $5::jsonb)",
                    [
                        item.id, item.label, item.major, item.installationMethod.rawValue,
                        try PostgresJSON(encoding: item),
                    ])
            }
            for (index, id) in blueprintIDs.enumerated() {
                try connection.execute(
                    "INSERT INTO blueprints (id, name) VALUES ($1::uuid, $2)", [id, "Blueprint \(index)"])
                try connection.execute(
                    "INSERT INTO blueprint_items (blueprint_id, item_id) SELECT $1::uuid, unnest($2::uuid[])",
                    [id, [item26.id, item15.id]])
            }
            // Real hardware: boards that run 26, and some that stop at 15.
            let boards26 = Array(Set(catalog.updates(major: 26).flatMap(\.supportedBoardIDs))).sorted()
            let only15 = Array(Set(catalog.updates(major: 15).flatMap(\.supportedBoardIDs)).subtracting(boards26))
                .sorted()
            let boards = Array(boards26.prefix(40)) + Array(only15.prefix(10))
            let versions26 = Array(Set(catalog.updates(major: 26).map(\.version.description))).sorted()
            let versions15 = Array(Set(catalog.updates(major: 15).map(\.version.description))).sorted().suffix(8)
            let versions = Array(versions26) + Array(versions15)
            try connection.execute(
                """
                INSERT INTO devices (enrollment_id, blueprint_id, board_id, serial_number)
                SELECT 'mac-' || lpad(g::text, 7, '0'), ($2::uuid[])[1 + g % 10], ($3::text[])[1 + g % $4],
                       'C02' || g
                FROM generate_series(0, $1::integer - 1) g
                """, [macs, blueprintIDs, boards, boards.count])
            // Macs on boards that stop at 15 run 15; others a version from the list; every 10th reports an
            // install in progress, every 50th a failure, every 40th is stale.
            try connection.execute(
                """
                INSERT INTO device_status (device_id, status_items, last_received_at, last_sequence)
                SELECT d.id,
                       jsonb_build_object('device.operating-system.version',
                           CASE WHEN d.board_id = ANY($2::text[]) THEN ($3::text[])[1 + n % array_length($3::text[], 1)]
                                ELSE ($1::text[])[1 + n % array_length($1::text[], 1)] END)
                       || $5::jsonb
                       || CASE WHEN n % 10 = 0 THEN '{"softwareupdate.install-state":"downloading"}'::jsonb ELSE '{}' END
                       || CASE WHEN n % 50 = 1 THEN '{"softwareupdate.failure-reason":{"count":1,"reason":"no space"}}'::jsonb
                               ELSE '{}' END,
                       CASE WHEN n % 40 = 2 THEN $4::timestamptz - interval '30 days' ELSE $4::timestamptz - interval '1 hour' END,
                       nextval('status_report_sequence')
                FROM (SELECT id, board_id, substring(enrollment_id FROM 5)::integer AS n FROM devices) d
                """, [versions, Array(only15.prefix(10)), Array(versions15), now, Self.reportedExtras])
            try connection.executeScript("ANALYZE")
            // Plans, as the scheduler writes them.
            var configuration = try FleetConfiguration.load(on: connection)
            configuration.catalog = catalog
            let evaluator = MacEvaluator(catalog: catalog, now: now)
            var entries: [PlanStore.Entry] = []
            for mac in try FleetLoader.allMacs(on: connection) {
                guard let state = mac.state else { continue }
                entries.append(
                    .init(
                        plan: evaluator.evaluate(mac: state, items: configuration.items(for: mac)),
                        itemIDs: configuration.itemIDs(for: mac)))
                if entries.count == 5000 {
                    try PlanStore.write(entries, on: connection)
                    entries.removeAll(keepingCapacity: true)
                }
            }
            try PlanStore.write(entries, on: connection)
            try connection.executeScript("VACUUM ANALYZE")
            let token = try TokenStore.create(name: "bench", scopes: [.write], on: connection)
            let previewBody = """
                {"label":"Preview","major":26,"installationMethod":"continuous",
                 "versionEnforcement":{"mode":"manualMinimum","version":"26.3","deadlineDate":"2026-10-01"},
                 "enforcementTime":"09:00","enforcementTimeZone":"Europe/Berlin",
                 "blueprintIds":[\(blueprintIDs.map { "\"\($0.uuidString)\"" }.joined(separator: ","))]}
                """
            return Fixture(token: token, previewBody: previewBody)
        }
    }

    /// The catalog's releases in `catalog_releases`, as the scheduler stores them.
    static func insertCatalog(_ catalog: ReleaseCatalog, on connection: DatabaseConnection) throws {
        var seen = Set<String>()
        for release in catalog.releases where seen.insert(release.id).inserted {
            let extra: String? =
                if case .backgroundSecurityImprovement(let extra, _) = release.kind { extra } else { nil }
            try connection.execute(
                """
                INSERT INTO catalog_releases (id, major, version, build, extra_version, is_bsi, release_date,
                                              expiration_date, cve_count, actively_exploited_cves, release, content_digest)
                VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8::date, $9, $10::text[], $11::jsonb, md5($11::text))
                """,
                [
                    release.id, release.major, release.version.description, release.build?.rawValue, extra,
                    release.isBackgroundSecurityImprovement, release.releaseDate.description,
                    release.expirationDate?.description, release.cveCount, release.activelyExploitedCVEs,
                    try PostgresJSON(encoding: release).text,
                ])
        }
        for (board, model) in catalog.modelIdentifierByBoardID {
            try connection.execute(
                "INSERT INTO catalog_models (board_id, model_identifier) VALUES ($1, $2)", [board, model])
        }
    }

    /// What every Mac's stored status also holds, as a real Mac reports it: model, client capabilities and
    /// declaration statuses (about 2 KB, so `status_items` is compressed out of line like in a real fleet).
    static let reportedExtras = #"""
        {"device.model.family":"Mac","device.model.identifier":"Mac14,2","device.model.marketing-name":"MacBook Air (M2, 2022)",
        "management.client-capabilities":{"supported-features":{},"supported-versions":["1.0.0","1.1.0"],
        "supported-payloads":{"declarations":{"activations":["com.apple.activation.simple"],"assets":[
        "com.apple.asset.credential.acme","com.apple.asset.credential.certificate","com.apple.asset.data",
        "com.apple.asset.useridentity"],"configurations":["com.apple.configuration.management.status-subscriptions",
        "com.apple.configuration.softwareupdate.enforcement.specific","com.apple.configuration.softwareupdate.settings",
        "com.apple.configuration.passcode.settings"],"management":["com.apple.management.organization-info",
        "com.apple.management.properties","com.apple.management.server-capabilities"]},"status-items":[
        "device.operating-system.version","device.operating-system.build-version","softwareupdate.install-state",
        "softwareupdate.pending-version","softwareupdate.failure-reason","management.declarations"]}},
        "management.declarations":{"activations":[{"active":true,"identifier":"com.example.managed-os.activation",
        "server-token":"a-1","valid":"valid"}],"assets":[],"configurations":[
        {"active":true,"identifier":"com.example.managed-os.enforcement","server-token":"0123456789abcdef0123456789abcdef","valid":"valid"},
        {"active":true,"identifier":"com.example.managed-os.settings","server-token":"0123456789abcdef0123456789abcdef","valid":"valid"},
        {"active":true,"identifier":"com.example.managed-os.status","server-token":"0123456789abcdef0123456789abcdef","valid":"valid"}],
        "management":[]}}
        """#
}
