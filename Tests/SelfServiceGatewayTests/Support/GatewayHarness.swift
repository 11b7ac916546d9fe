// GatewayHarness: a fresh database with a small catalog, a Self Service item and Macs, and the gateway in process.

import Database
import EventBus
import FleetStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ManagedOSDomain
import NIOCore
import SelfServiceGatewayService
import ServiceSupport
import TestSupport

/// Runs a test against an in-process self-service-gateway over a fresh, migrated database that holds a small
/// catalog (macOS 15.7.2 for every Mac, 26.1 for Apple silicon only), a classic blueprint with a macOS 26
/// Self Service item, and helpers that stand in for library-api, status-ingest and the scheduler.
struct GatewayHarness: Sendable {
    let database: TestDatabase
    let pool: ConnectionPool
    let service: SelfServiceGatewayService

    static let appleSilicon = (board: "J314sAP", model: "MacBookPro18,3")
    static let intel = (board: "Mac-OLDINTEL", model: "MacBookPro16,1")
    static let item26 = UUID(uuidString: "00000000-0000-0000-0000-000000000026")!
    static let item15 = UUID(uuidString: "00000000-0000-0000-0000-000000000015")!
    static let blueprint = UUID(uuidString: "00000000-0000-0000-0000-0000000000b1")!

    /// The catalog: 15.7.2 (both boards) and 26.1 (Apple silicon only), released in 2025, never expiring.
    static let releases: [Release] = [
        Release(
            version: try! OSVersion(parsing: "15.7.2"), build: OSBuild(unchecked: "24G325"),
            releaseDate: CivilDate(year: 2025, month: 11, day: 3)!,
            supportedBoardIDs: [appleSilicon.board, intel.board]),
        Release(
            version: try! OSVersion(parsing: "26.1"), build: OSBuild(unchecked: "25B78"),
            releaseDate: CivilDate(year: 2025, month: 11, day: 3)!, supportedBoardIDs: [appleSilicon.board]),
    ]

    /// Creates the database and fleet, runs `body` with a router test client, then drops the database.
    static func run(
        settings: SelfServiceSettings = SelfServiceSettings(progressPollInterval: .milliseconds(50)),
        now: @escaping @Sendable () -> Date = { Date() }, mode: TestingSetup = .router,
        _ body: @escaping @Sendable (any TestClientProtocol, GatewayHarness) async throws -> Void
    ) async throws {
        let database = try await TestDatabase.create()
        let pool = database.makePool()
        let service = SelfServiceGatewayService(
            pool: pool, settings: settings, logger: TestDatabase.logger, eventPollInterval: .milliseconds(200),
            now: now)
        let harness = GatewayHarness(database: database, pool: pool, service: service)
        do {
            try harness.seedLibrary()
            let router = ServiceRunner.makeRouter(health: HealthRoutes(database: pool))
            service.add(to: router)
            let app = Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                services: service.services, logger: TestDatabase.logger)
            try await app.test(mode) { client in try await body(client, harness) }
        } catch {
            await pool.close()
            database.drop()
            throw error
        }
        await pool.close()
        database.drop()
    }

    /// The catalog, a macOS 26 Self Service item and a macOS 15 update item in one classic blueprint.
    func seedLibrary() throws {
        for release in Self.releases {
            try database.query(
                """
                INSERT INTO catalog_releases (id, major, version, build, is_bsi, release_date, release, content_digest)
                VALUES ($1, $2::integer, $3, $4, false, $5::date, $6::jsonb, 'x')
                """,
                [
                    release.id, release.major, release.version.description, release.build?.rawValue,
                    release.releaseDate.description, try PostgresJSON(encoding: release),
                ])
        }
        for hardware in [Self.appleSilicon, Self.intel] {
            try database.query(
                "INSERT INTO catalog_models (board_id, model_identifier) VALUES ($1, $2)",
                [hardware.board, hardware.model])
        }
        try insertItem(
            ManagedOSItem(
                id: Self.item26, label: "Tahoe on demand", major: 26, installationMethod: .selfService,
                versionEnforcement: .doNotManage, enforcementTime: EnforcementTime(parsing: "09:00")!,
                enforcementTimeZone: "Europe/Berlin"))
        try insertItem(
            ManagedOSItem(
                id: Self.item15, label: "Sequoia updates", major: 15, installationMethod: .continuous,
                versionEnforcement: .automatic(timeframe: .twoWeeks),
                enforcementTime: EnforcementTime(parsing: "09:00")!,
                enforcementTimeZone: "Europe/Berlin"))
        try database.query("INSERT INTO blueprints (id, name) VALUES ($1, 'Staff')", [Self.blueprint])
        try database.query(
            "INSERT INTO blueprint_items (blueprint_id, item_id) VALUES ($1, $2), ($1, $3)",
            [Self.blueprint, Self.item26, Self.item15])
    }

    func insertItem(_ item: ManagedOSItem) throws {
        try database.query(
            """
            INSERT INTO items (id, label, major, installation_method, config)
            VALUES ($1, $2, $3::integer, $4, $5::jsonb)
            """,
            [item.id, item.label, item.major, item.installationMethod.rawValue, try PostgresJSON(encoding: item)])
    }

    /// A registered Mac in the blueprint (what library-api does): its id and its clear credential.
    struct Mac: Sendable {
        var id: UUID
        var enrollmentID: String
        var credential: String
        var bearer: HTTPFields { [.authorization: "Bearer \(credential)"] }
    }

    func registerMac(
        _ name: String, hardware: (board: String, model: String) = GatewayHarness.appleSilicon,
        version: String? = "15.7.1"
    ) throws -> Mac {
        let credential = "mss_" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let id: UUID = try database.query(
            """
            INSERT INTO devices (enrollment_id, board_id, model_identifier, blueprint_id, self_service_credential_hash)
            VALUES ($1, $2, $3, $4, $5) RETURNING id
            """, [name, hardware.board, hardware.model, Self.blueprint, MacCredential.digest(credential)]
        ).first!.decode("id")
        let mac = Mac(id: id, enrollmentID: name, credential: credential)
        if let version { try report(mac, ["device.operating-system.version": .string(version)], publish: false) }
        return mac
    }

    /// A JSON value for a status item.
    enum Item: Sendable {
        case string(String)
        case object([String: String])
        case failure(count: Int, reason: String)

        var json: String {
            switch self {
            case .string(let text): "\"\(text)\""
            case .object(let fields):
                "{" + fields.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",")
                    + "}"
            case .failure(let count, let reason): "{\"count\":\(count),\"reason\":\"\(reason)\"}"
            }
        }
    }

    /// Waits until the gateway's updates cache has read every bus event published so far (at most 10 s), as a
    /// replica does within milliseconds of a commit; a read after this sees every earlier change.
    func settle() async throws {
        let connection = try DatabaseConnection.connect(database.configuration)
        let newest: Int64 =
            try connection.query("SELECT coalesce(max(id), 0) AS id FROM bus_events").first?.decode("id") ?? 0
        let deadline = ContinuousClock.now + .seconds(10)
        while (service.invalidator.caughtUpTo ?? -1) < newest {
            guard ContinuousClock.now < deadline else {
                throw SettleTimeout(newest: newest, caughtUpTo: service.invalidator.caughtUpTo)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The updates cache did not catch up with the bus in time.
    struct SettleTimeout: Error {
        var newest: Int64
        var caughtUpTo: Int64?
    }

    /// What status-ingest stores for a report (items merged into `device_status`) and the `device` event it
    /// publishes, in one transaction.
    func report(_ mac: Mac, _ items: [String: Item], publish: Bool = true) throws {
        let object =
            "{"
            + items.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value.json)" }
            .joined(separator: ",") + "}"
        let connection = try DatabaseConnection.connect(database.configuration)
        try connection.withTransaction { connection in
            try connection.query(
                """
                INSERT INTO device_status (device_id, status_items, last_received_at, last_sequence)
                VALUES ($1, $2::jsonb, clock_timestamp(), nextval('status_report_sequence'))
                ON CONFLICT (device_id) DO UPDATE SET status_items = device_status.status_items || EXCLUDED.status_items,
                    last_received_at = EXCLUDED.last_received_at, last_sequence = EXCLUDED.last_sequence
                """, [mac.id, PostgresJSON(text: object)])
            if publish {
                try BusPublisher.publish(
                    BusEventDraft(topic: BusTopic.device, entity: mac.id.uuidString.lowercased()), on: connection)
            }
        }
    }

    /// What the scheduler does for a Mac: evaluates it with the domain, writes its plan and publishes `plan`.
    @discardableResult
    func evaluate(_ mac: Mac, now: Date = Date()) throws -> MacPlan? {
        let connection = try DatabaseConnection.connect(database.configuration)
        return try connection.withTransaction { connection in
            let configuration = try FleetConfiguration.load(on: connection)
            guard let record = try FleetLoader.macs(ids: [mac.id], on: connection).first, let state = record.state
            else {
                return nil
            }
            let plan = MacEvaluator.evaluate(
                mac: state, items: configuration.items(for: record), catalog: configuration.catalog, now: now)
            try PlanStore.write([.init(plan: plan, itemIDs: configuration.itemIDs(for: record))], on: connection)
            try BusPublisher.publish(
                BusEventDraft(topic: BusTopic.plan, entity: mac.id.uuidString.lowercased()), on: connection)
            return plan
        }
    }

    /// Lets the gateway's consumer handle every waiting event.
    func deliverEvents() async throws {
        try await service.progress.catchUp()
    }

    /// Row count of a table.
    func count(_ table: String, _ condition: String = "true") throws -> Int {
        try database.query("SELECT count(*) AS n FROM \(table) WHERE \(condition)").first!.decode("n")
    }

    /// Every row of every table the gateway writes, as text, to compare before and after.
    func snapshot() throws -> [String] {
        try ["self_service_requests", "evaluation_queue", "bus_events"].map { table in
            let rows = try database.query("SELECT t::text AS row FROM \(table) t ORDER BY 1").rows
            return "\(table): " + (try rows.map { try $0.decode("row", as: String.self) }.joined(separator: "\n"))
        }
    }
}
