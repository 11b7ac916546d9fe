// ClientCapabilitiesTests: parsing the management.client-capabilities value, and garbage treated as unknown.

import DeclarativeManagement
import Foundation
import Testing

@Suite struct ClientCapabilitiesTests {
    @Test func parsesTheValueAMacReports() throws {
        let capabilities = try #require(ClientCapabilities(json: PlanFixtures.capabilitiesJSON(macOS: 15)))
        #expect(capabilities.supportedVersions == ["1.0"])
        #expect(capabilities.supports(declarationType: DeclarationType.softwareUpdateSettings))
        #expect(capabilities.supports(declarationType: DeclarationType.activationSimple))
        #expect(capabilities.supports(declarationType: "com.apple.asset.data"))
        #expect(!capabilities.supports(declarationType: "com.apple.configuration.account.mail"))
        #expect(capabilities.supports(statusItem: "softwareupdate.install-state"))
    }

    @Test func macOS14DoesNotListTheSettings() throws {
        let capabilities = try #require(ClientCapabilities(json: PlanFixtures.capabilitiesJSON(macOS: 14)))
        #expect(!capabilities.supports(declarationType: DeclarationType.softwareUpdateSettings))
        #expect(capabilities.supports(declarationType: DeclarationType.enforcementSpecific))
    }

    @Test func acceptsTheValueWrappedInItsStatusItemPath() throws {
        let wrapped = #"{"management":{"client-capabilities":\#(PlanFixtures.capabilitiesJSON(macOS: 14))}}"#
        let capabilities = try #require(ClientCapabilities(json: wrapped))
        #expect(capabilities.supports(declarationType: DeclarationType.enforcementSpecific))
    }

    @Test(arguments: [nil, "", "garbage", "[]", "42", #"{"supported-versions":["1.0"]}"#, #"{"supported-payloads":[]}"#])
    func garbageIsUnknown(json: String?) {
        #expect(ClientCapabilities(json: json) == nil)
    }
}
