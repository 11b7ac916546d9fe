// DeviceRoutesTests: /v1/devices registration (credential once, stored hashed), read, list, update, delete.

import Database
import Foundation
import HTTPTypes
import TestSupport
import Testing

@testable import LibraryAPIService

@Suite("Device routes", .enabled(if: TestDatabase.isEnabled))
struct DeviceRoutesTests {
    static let registration = #"""
        {"enrollmentId":"enr-1","serialNumber":"C02XYZ","modelIdentifier":"Mac15,3","boardId":"J504AP",
         "tags":["eng","pilot"],"timeZone":"Europe/Berlin","assignedUser":"ada@example.com"}
        """#

    @Test("registering a Mac returns its Self Service credential once and stores only its digest")
    func registerIssuesCredentialOnce() async throws {
        try await LibraryAPIHarness.run { api in
            let reply = try await api.write(.post, "/v1/devices", body: Self.registration)
            #expect(reply.status == .created)
            let credential = try #require(reply.json["selfServiceCredential"].string)
            let id = try #require(reply.json["device"]["id"].string)
            #expect(reply.json["device"]["tags"].array.map(\.string) == ["eng", "pilot"])
            let stored: String = try api.database.query(
                "SELECT self_service_credential_hash AS h FROM devices WHERE id = $1::uuid", [id]
            ).first!.decode("h")
            #expect(stored == TokenStore.digest(credential))
            let fetched = try await api.read("/v1/devices/\(id)")
            #expect(fetched.json["selfServiceCredential"] == .null)
            #expect(fetched.json["modelIdentifier"].string == "Mac15,3")
            #expect(fetched.json["assignedUser"].string == "ada@example.com")
            #expect(try api.count("SELECT count(*) AS n FROM bus_events WHERE topic = 'device' AND entity = $1", [id.lowercased()]) == 1)
        }
    }

    @Test("devices are listed, filtered by blueprint, updated and deleted")
    func listUpdateDelete() async throws {
        try await LibraryAPIHarness.run { api in
            let blueprint = try #require(
                try await api.write(.post, "/v1/blueprints", body: #"{"name":"B"}"#).json["id"].string)
            let first = try #require(
                try await api.write(.post, "/v1/devices", body: Self.registration).json["device"]["id"].string)
            _ = try await api.write(.post, "/v1/devices", body: #"{"enrollmentId":"enr-2"}"#)
            #expect(try await api.read("/v1/devices").json["items"].array.count == 2)

            let updated = try await api.write(
                .put, "/v1/devices/\(first)", body: #"{"enrollmentId":"enr-1","blueprintId":"\#(blueprint)"}"#)
            #expect(updated.status == .ok)
            #expect(updated.json["blueprintId"].string == blueprint)
            #expect(updated.json["tags"].array.isEmpty)
            let filtered = try await api.read("/v1/devices?blueprint=\(blueprint)").json["items"].array
            #expect(filtered.map { $0["id"].string } == [first])

            // Queued for evaluation (as the scheduler's intake queues it): deleting the Mac removes that too,
            // since the queue has no foreign key to cascade it (migration 0017).
            _ = try api.database.query(
                "INSERT INTO evaluation_queue (device_id, reason) VALUES ($1::uuid, 'device')", [first])
            #expect(try await api.write(.delete, "/v1/devices/\(first)").status == .noContent)
            #expect(try await api.read("/v1/devices/\(first)").status == .notFound)
            #expect(
                try api.count("SELECT count(*) AS n FROM evaluation_queue WHERE device_id = $1::uuid", [first]) == 0)
        }
    }

    @Test("bad registrations are refused naming the field, without changes")
    func badRegistrations() async throws {
        try await LibraryAPIHarness.run { api in
            _ = try await api.write(.post, "/v1/devices", body: #"{"enrollmentId":"taken"}"#)
            let before = try api.snapshot()
            let zone = try await api.write(.post, "/v1/devices", body: #"{"enrollmentId":"a","timeZone":"Mars/X"}"#)
            #expect(zone.status == .unprocessableContent)
            #expect(zone.json.errorFields == ["timeZone"])
            let blueprint = try await api.write(
                .post, "/v1/devices", body: #"{"enrollmentId":"a","blueprintId":"\#(UUID().uuidString)"}"#)
            #expect(blueprint.status == .unprocessableContent)
            #expect(blueprint.json.errorFields == ["blueprintId"])
            #expect(try await api.write(.post, "/v1/devices", body: #"{"enrollmentId":"taken"}"#).status == .conflict)
            let tags = try await api.write(.post, "/v1/devices", body: #"{"enrollmentId":"a","tags":[1]}"#)
            #expect(tags.status == .badRequest)
            #expect(tags.json.errorFields == ["tags[0]"])
            #expect(try await api.write(.post, "/v1/devices", body: #"{"enrollmentId":"a","x":1}"#).status == .badRequest)
            #expect(try await api.write(.put, "/v1/devices/\(UUID().uuidString)", body: #"{"enrollmentId":"b"}"#).status == .notFound)
            #expect(try api.snapshot() == before)
        }
    }
}
