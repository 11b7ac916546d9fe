// FleetLoaderTests: the fleet read batch by batch is exactly the fleet read at once, with the open Self Service
// request of each Mac joined for the whole fleet as it is looked up per Mac.

import Database
import FleetStore
import Foundation
import ManagedOSDomain
import Testing
import TestSupport

@Suite("Fleet loader", .enabled(if: TestDatabase.isEnabled))
struct FleetLoaderTests {
    @Test("batches hold every Mac once, none larger than asked, with the newest open Self Service request's major")
    func batchesMatchWholeRead() async throws {
        let database = try await TestDatabase.create()
        defer { database.drop() }
        let connection = try DatabaseConnection.connect(database.configuration)
        try connection.execute("INSERT INTO devices (enrollment_id) SELECT 'mac-' || n FROM generate_series(1, 23) n")
        let ids: [UUID] = try connection.query("SELECT id FROM devices ORDER BY enrollment_id").rows.map {
            try $0.decode("id")
        }
        try connection.execute(
            """
            INSERT INTO device_status (device_id, status_items, last_received_at, last_sequence)
            SELECT id, '{"device.operating-system.version": "15.7.2"}', now(), 1 FROM devices
            """)
        // mac-1: an older open request (15) and a newer one (26); mac-2: only a finished one.
        try connection.execute(
            """
            INSERT INTO self_service_requests (id, device_id, major, state, created_at) VALUES
              (gen_random_uuid(), $1::uuid, 15, 'requested', now() - interval '2 hours'),
              (gen_random_uuid(), $1::uuid, 26, 'downloading', now()),
              (gen_random_uuid(), $2::uuid, 26, 'completed', now())
            """, [ids[0], ids[1]])
        let whole = try FleetLoader.allMacs(on: connection)
        #expect(whole.count == 23)
        var batches: [[FleetMacRecord]] = []
        try connection.withTransaction { connection in
            try FleetLoader.forEachBatch(of: 5, on: connection) { batches.append(try $0.records()) }
        }
        #expect(batches.map(\.count) == [5, 5, 5, 5, 3])
        let read = batches.flatMap { $0 }
        #expect(read.map(\.deviceID).sorted { $0.uuidString < $1.uuidString } == whole.map(\.deviceID))
        let majors = Dictionary(uniqueKeysWithValues: read.map { ($0.deviceID, $0.state?.selfServiceRequestMajor) })
        #expect(majors[ids[0]] == 26)
        #expect(majors[ids[1]] == .some(nil))
        #expect(whole.first { $0.deviceID == ids[0] }?.state?.selfServiceRequestMajor == 26)
        // The batched read agrees with the per-Mac lookup the scheduler uses.
        for mac in try FleetLoader.macs(ids: [ids[0], ids[1], ids[2]], on: connection) {
            #expect(mac.state?.selfServiceRequestMajor == majors[mac.deviceID] ?? nil)
        }
    }
}
