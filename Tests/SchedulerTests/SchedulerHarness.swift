// SchedulerHarness: a fresh database, a scheduler driven by a manual clock, and helpers that set up a fleet
// the way library-api and status-ingest would (rows plus the bus events they publish).

import AppleFeedSnapshots
import Database
import EventBus
import FleetStore
import Foundation
import ManagedOSDomain
import SchedulerService
import TestSupport

/// One test's scheduler over its own database. Call `close()` at the end.
struct SchedulerHarness {
    let database: TestDatabase
    let pool: ConnectionPool
    let clock: ManualSchedulerClock
    let service: SchedulerService

    /// A scheduler at `now` reading the given feed sources.
    static func make(
        now: Date, gdmf: FeedSource = .bundled, sofa: FeedSource = .bundled, batchSize: Int = 1000
    ) async throws -> SchedulerHarness {
        let database = try await TestDatabase.create()
        let pool = database.makePool()
        let clock = ManualSchedulerClock(now)
        let settings = SchedulerSettings(gdmfSource: gdmf, sofaSource: sofa, batchSize: batchSize)
        let service = SchedulerService(pool: pool, settings: settings, clock: clock, logger: TestDatabase.logger)
        return SchedulerHarness(database: database, pool: pool, clock: clock, service: service)
    }

    func close() async {
        await pool.close()
        database.drop()
    }

    /// One scheduler cycle at the clock's instant.
    @discardableResult
    func cycle() async throws -> SchedulerCycle.Report { try await service.cycle.run() }

    // MARK: Fleet set-up, as library-api and status-ingest write it

    /// Creates a classic blueprint.
    func blueprint(_ name: String) throws -> UUID {
        let id = UUID()
        try database.query("INSERT INTO blueprints (id, name) VALUES ($1::uuid, $2)", [id, name])
        try publish(BusTopic.blueprint, id)
        return id
    }

    /// Stores an item and assigns it to `blueprints`.
    @discardableResult
    func item(_ item: ManagedOSItem, blueprints: [UUID]) throws -> UUID {
        try database.query(
            "INSERT INTO items (id, label, major, installation_method, config) VALUES ($1::uuid, $2, $3, $4, $5::jsonb)",
            [item.id, item.label, item.major, item.installationMethod.rawValue, try PostgresJSON(encoding: item)])
        for blueprint in blueprints {
            try database.query(
                "INSERT INTO blueprint_items (blueprint_id, item_id) VALUES ($1::uuid, $2::uuid)", [blueprint, item.id])
        }
        try publish(BusTopic.library, item.id)
        return item.id
    }

    /// Replaces an item's configuration.
    func update(_ item: ManagedOSItem) throws {
        try database.query(
            "UPDATE items SET config = $2::jsonb, updated_at = now() WHERE id = $1::uuid",
            [item.id, try PostgresJSON(encoding: item)])
        try publish(BusTopic.library, item.id)
    }

    /// Registers a Mac (a MacBook Air M2 unless told otherwise) in `blueprint`, enrolled 60 days before the
    /// clock unless told otherwise.
    func mac(
        _ enrollmentID: String, blueprint: UUID?, model: String = "Mac14,2", timeZone: String? = "Europe/Berlin",
        registeredAt: Date? = nil
    ) throws -> UUID {
        let id: UUID = try database.query(
            """
            INSERT INTO devices (enrollment_id, model_identifier, blueprint_id, time_zone, registered_at)
            VALUES ($1, $2, $3::uuid, $4, $5) RETURNING id
            """, [enrollmentID, model, blueprint, timeZone, registeredAt ?? clock.now().addingTimeInterval(-60 * 86_400)]
        ).first!.decode("id")
        try publish(BusTopic.device, id)
        return id
    }

    /// Stores a status report with the Mac's OS version (and optionally install state), received at the
    /// clock's instant, and publishes the device event status-ingest would.
    func report(_ deviceID: UUID, version: String, build: String? = nil, installState: String? = nil) throws {
        var items: [String: String] = ["device.operating-system.version": version]
        if let build { items["device.operating-system.build-version"] = build }
        if let installState { items["softwareupdate.install-state"] = installState }
        try database.query(
            """
            INSERT INTO device_status (device_id, status_items, last_received_at, last_sequence)
            VALUES ($1::uuid, $2::jsonb, $3, nextval('status_report_sequence'))
            ON CONFLICT (device_id) DO UPDATE SET status_items = device_status.status_items || EXCLUDED.status_items,
                last_received_at = EXCLUDED.last_received_at, last_sequence = EXCLUDED.last_sequence
            """, [deviceID, try PostgresJSON(encoding: items), clock.now()])
        try publish(BusTopic.device, deviceID)
    }

    func publish(_ topic: String, _ id: UUID) throws {
        let connection = try DatabaseConnection.connect(database.configuration)
        _ = try connection.withTransaction { try BusPublisher.publish(BusEventDraft(topic: topic, entity: id.postgresText), on: $0) }
    }

    // MARK: Reading results

    /// The stored plan of a Mac.
    func plan(_ deviceID: UUID) throws -> MacPlan? {
        try PlanStore.plan(deviceID: deviceID, on: DatabaseConnection.connect(database.configuration))
    }

    /// Row count of a table.
    func count(_ table: String, _ condition: String = "true", _ parameters: [(any PostgresBindable)?] = []) throws -> Int {
        try database.query("SELECT count(*) AS n FROM \(table) WHERE \(condition)", parameters).first!.decode("n")
    }

    /// Every row of the tables the scheduler writes, as text (to prove that nothing changed).
    func snapshot() throws -> [String] {
        try ["catalog_releases", "catalog_models", "mac_plans", "plan_shapes", "declaration_sets", "declaration_contents",
             "declaration_content_items", "command_outbox",
             "evaluation_queue"].flatMap { table in
            try database.query("SELECT t::text AS row FROM \(table) t ORDER BY 1").rows.map { table + ":" + (try $0.decode("row") as String) }
        }
    }

    /// Number of bus events published so far.
    func eventCount(_ topic: String? = nil) throws -> Int {
        guard let topic else { return try count("bus_events") }
        return try count("bus_events", "topic = $1", [topic])
    }
}

/// Instants and items the tests share.
enum SchedulerFixtures {
    /// 2026-08-10 12:00 UTC: 15.7.9 (released 2026-08-06) is the newest 15.x release in the snapshot.
    static let august10 = instant("2026-08-10T12:00:00Z")

    static func instant(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }

    /// A continuously enforced item of `major` with automatic enforcement.
    static func automaticItem(
        major: Int, timeframe: EnforcementTimeframe, label: String? = nil, zone: String = "Europe/Berlin",
        gracePeriodDays: Int? = nil
    ) -> ManagedOSItem {
        ManagedOSItem(
            id: UUID(), label: label ?? "macOS \(major)", major: major, installationMethod: .continuous,
            versionEnforcement: .automatic(timeframe: timeframe), enforcementTime: EnforcementTime(hour: 17, minute: 0)!,
            enforcementTimeZone: zone, gracePeriodDays: gracePeriodDays)
    }

    /// The instant of a local wall-clock time in `zone`.
    static func local(_ text: String, zone: String) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone)!
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = calendar.timeZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return formatter.date(from: text)!
    }
}
