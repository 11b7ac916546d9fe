// MDMCommandTests: the command plists read back as Apple's command schema describes them.

import DeclarativeManagement
import Foundation
import Testing

@Suite struct MDMCommandTests {
    @Test func declarativeManagementCarriesTheTokensAsData() throws {
        let uuid = UUID(uuidString: "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0")!
        let tokens = #"{"SyncTokens":{"DeclarationsToken":"abc","Timestamp":"2026-01-01T00:00:00Z"}}"#
        let command = MDMCommand.declarativeManagement(tokensJSON: tokens, commandUUID: uuid)
        #expect(command.requestType == "DeclarativeManagement")
        #expect(command.plist.contains("<data>"))
        let root = try #require(
            try PropertyListSerialization.propertyList(from: Data(command.plist.utf8), format: nil) as? [String: Any])
        #expect(root["CommandUUID"] as? String == uuid.uuidString)
        let body = try #require(root["Command"] as? [String: Any])
        #expect(Set(body.keys) == ["RequestType", "Data"])
        #expect(body["RequestType"] as? String == "DeclarativeManagement")
        let data = try #require(body["Data"] as? Data)
        #expect(String(decoding: data, as: UTF8.self) == tokens)
    }

    @Test func scheduleOSUpdateNamesTheVersionAndAction() throws {
        let command = MDMCommand.scheduleOSUpdate(
            productVersion: "13.7.8", installAction: "InstallASAP", commandUUID: UUID())
        let root = try #require(
            try PropertyListSerialization.propertyList(from: Data(command.plist.utf8), format: nil) as? [String: Any])
        let body = try #require(root["Command"] as? [String: Any])
        #expect(body["RequestType"] as? String == "ScheduleOSUpdate")
        let updates = try #require(body["Updates"] as? [[String: Any]])
        #expect(updates.count == 1)
        #expect(updates[0]["ProductVersion"] as? String == "13.7.8")
        #expect(updates[0]["InstallAction"] as? String == "InstallASAP")
    }

    @Test func aReissuedCommandEqualsOneSerialisedForItsNewUUID() throws {
        let tokens = #"{"SyncTokens":{"DeclarationsToken":"abc","Timestamp":"2026-01-01T00:00:00Z"}}"#
        let template = MDMCommand.declarativeManagement(tokensJSON: tokens, commandUUID: UUID())
        let uuid = UUID()
        let reissued = template.reissued(as: uuid)
        #expect(reissued == MDMCommand.declarativeManagement(tokensJSON: tokens, commandUUID: uuid))
        #expect(!reissued.plist.contains(template.commandUUID.uuidString))
    }
}
