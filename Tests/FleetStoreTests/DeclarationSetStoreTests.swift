// DeclarationSetStoreTests: Macs holding the same declarations share one stored copy of the content, each
// Mac still reads back exactly its own set, and every changed Mac gets its own DeclarativeManagement command.

import Database
import DeclarativeManagement
import FleetStore
import Foundation
import Testing
import TestSupport

@Suite("Declaration set store", .enabled(if: TestDatabase.isEnabled))
struct DeclarationSetStoreTests {
    static func set(target version: String, at instant: Date) -> DeclarationSet {
        let enforcement = Declaration(
            type: DeclarationType.enforcementSpecific, identifier: DeclarationSetBuilder.osEnforcementIdentifier,
            payload: ["TargetOSVersion": .string(version), "TargetLocalDateTime": .string("2026-08-17T17:00:00")])
        let activation = Declaration(
            type: DeclarationType.activationSimple, identifier: DeclarationSetBuilder.activationIdentifier,
            payload: ["StandardConfigurations": .array([.string(enforcement.identifier)])])
        return DeclarationSet(declarations: [enforcement, activation], changedAt: instant)
    }

    @Test("three Macs with two distinct sets store two contents; each reads back its own; unchanged sets write nothing")
    func sharedContent() async throws {
        let database = try await TestDatabase.create()
        defer { database.drop() }
        let connection = try DatabaseConnection.connect(database.configuration)
        let ids: [UUID] = try connection.query(
            "INSERT INTO devices (enrollment_id) SELECT 'mac-' || n FROM generate_series(1, 3) n RETURNING id"
        ).rows.map { try $0.decode("id") }
        let instant = try Date("2026-08-10T12:00:00Z", strategy: .iso8601)
        let sets = [
            Self.set(target: "15.7.9", at: instant), Self.set(target: "15.7.9", at: instant),
            Self.set(target: "26.1", at: instant),
        ]
        let replacements = zip(ids, sets).enumerated().map { index, pair in
            DeclarationSetStore.Replacement(deviceID: pair.0, enrollmentID: "mac-\(index + 1)", set: pair.1)
        }
        let changed = try connection.withTransaction { try DeclarationSetStore.replaceChanged(replacements, on: $0) }
        #expect(Set(changed) == Set(ids))
        #expect(try count(connection, "declaration_contents") == 2)
        #expect(try count(connection, "declaration_content_items") == 4)

        for (index, set) in sets.enumerated() {
            let stored = try #require(try DeclarationSetStore.load(enrollmentID: "mac-\(index + 1)", on: connection))
            #expect(stored.declarationsToken == set.declarationsToken)
            #expect(stored.manifestJSON == set.manifestJSON)
            #expect(
                stored.bodies[.init(kind: .configuration, identifier: DeclarationSetBuilder.osEnforcementIdentifier)]
                    == set.declaration(kind: .configuration, identifier: DeclarationSetBuilder.osEnforcementIdentifier)?.body)
            #expect(stored.bodies.count == 2)
        }

        // One command per Mac, each with its own UUID, kept without a payload: rendered when delivered, it
        // carries the tokens of the Mac's own set.
        let commands = try connection.query(
            """
            SELECT c.device_id, c.command_uuid, c.payload, s.declarations_token, s.updated_at, d.registered_at
            FROM command_outbox c JOIN declaration_sets s USING (device_id) JOIN devices d ON d.id = c.device_id
            WHERE c.request_type = 'DeclarativeManagement'
            """
        ).rows
        #expect(commands.count == 3)
        #expect(Set(try commands.map { try $0.decode("command_uuid", as: UUID.self) }).count == 3)
        for row in commands {
            let device: UUID = try row.decode("device_id")
            #expect(try row.decodeIfPresent("payload", as: String.self) == nil)
            let command = DeclarationSetStore.synchronizationCommand(
                declarationsToken: try row.decode("declarations_token"), changedAt: try row.decode("updated_at"),
                registeredAt: try row.decode("registered_at"), commandUUID: try row.decode("command_uuid"))
            let root = try #require(
                try PropertyListSerialization.propertyList(from: Data(command.plist.utf8), format: nil)
                    as? [String: Any])
            #expect(root["CommandUUID"] as? String == (try row.decode("command_uuid", as: UUID.self)).uuidString)
            let data = try #require((root["Command"] as? [String: Any])?["Data"] as? Data)
            let token = sets[ids.firstIndex(of: device)!].declarationsToken
            #expect(String(decoding: data, as: UTF8.self).contains(token))
            #expect(String(decoding: data, as: UTF8.self).contains("2026-08-10T12:00:00Z"))
        }

        // The same sets again: nothing changes. Moving one Mac to the other content reuses the stored copy.
        let again = try connection.withTransaction { try DeclarationSetStore.replaceChanged(replacements, on: $0) }
        #expect(again.isEmpty)
        let moved = DeclarationSetStore.Replacement(
            deviceID: ids[2], enrollmentID: "mac-3", set: Self.set(target: "15.7.9", at: instant.addingTimeInterval(60)))
        #expect(try connection.withTransaction { try DeclarationSetStore.replaceChanged([moved], on: $0) } == [ids[2]])
        #expect(try count(connection, "declaration_contents") == 2)
        #expect(try DeclarationSetStore.load(enrollmentID: "mac-3", on: connection)?.declarationsToken == sets[0].declarationsToken)
    }

    private func count(_ connection: DatabaseConnection, _ table: String) throws -> Int {
        try connection.query("SELECT count(*) AS n FROM \(table)").first!.decode("n")
    }
}
