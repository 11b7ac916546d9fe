// SchemaValidationTests: every document the builder emits passes Apple's schema; broken ones are refused.

import DeclarativeManagement
import Foundation
import ManagedOSDomain
import Testing

@Suite struct SchemaValidationTests {
    /// A Mac scenario: its OS, the plan, the items.
    struct Scenario: CustomTestStringConvertible, Sendable {
        var name: String
        var target: DeclarationTarget
        var plan: MacPlan?
        var items: [UUID: ManagedOSItem]
        var testDescription: String { name }
    }

    static let scenarios: [Scenario] = {
        let update = [PlanFixtures.itemID: PlanFixtures.item()]
        let bsi = [PlanFixtures.itemID: PlanFixtures.item(major: 26, bsi: true)]
        let bsiEnforcement = PlanFixtures.enforcement(
            "26.3.1", build: "25D771280a", reason: .backgroundSecurityImprovement)
        return [
            Scenario(
                name: "macOS 15 due for 15.7.2", target: PlanFixtures.target("15.6"),
                plan: PlanFixtures.plan(os: PlanFixtures.enforcement("15.7.2", build: "24G325")), items: update),
            Scenario(
                name: "macOS 14 due for 14.8 (no capabilities)",
                target: PlanFixtures.target("14.7", reportedCapabilities: false),
                plan: PlanFixtures.plan(os: PlanFixtures.enforcement("14.8.1")), items: bsi),
            Scenario(
                name: "macOS 13 legacy", target: PlanFixtures.target("13.6"),
                plan: PlanFixtures.plan(os: PlanFixtures.enforcement("13.7.8", channel: .legacyCommands), isLegacy: true),
                items: update),
            Scenario(
                name: "macOS 26 BSI with settings", target: PlanFixtures.target("26.3.1"),
                plan: PlanFixtures.plan(bsi: bsiEnforcement), items: bsi),
            Scenario(
                name: "macOS 15 upgrade to 26 plus BSI", target: PlanFixtures.target("15.7.2"),
                plan: PlanFixtures.plan(os: PlanFixtures.enforcement("26.3", reason: .upgrade), bsi: bsiEnforcement),
                items: bsi),
            Scenario(name: "compliant", target: PlanFixtures.target("26.3.1"), plan: PlanFixtures.plan(), items: bsi),
            Scenario(name: "no plan yet", target: PlanFixtures.target("15.0"), plan: nil, items: [:]),
        ]
    }()

    @Test(arguments: scenarios)
    func everyEmittedDocumentPassesApplesSchema(scenario: Scenario) throws {
        let validator = try SchemaValidator.load()
        let set = DeclarationSetBuilder.build(
            plan: scenario.plan, target: scenario.target, items: scenario.items, changedAt: PlanFixtures.evaluatedAt)
        let macOS = try #require(scenario.target.osVersion)
        #expect(!set.declarations.isEmpty)
        for declaration in set.declarations {
            #expect(validator.validateDeclaration(declaration.body, macOS: macOS) == [], "\(declaration.identifier)")
            #expect(DeclarationKind(declarationType: declaration.type) == declaration.kind)
        }
        #expect(validator.validateDeclarationItems(set.manifestJSON) == [])
        #expect(validator.validateTokensResponse(set.tokensJSON(timestamp: PlanFixtures.evaluatedAt)) == [])
    }

    @Test func activationReferencesExactlyTheConfigurationsOfTheSet() throws {
        for scenario in Self.scenarios {
            let set = DeclarationSetBuilder.build(
                plan: scenario.plan, target: scenario.target, items: scenario.items,
                changedAt: PlanFixtures.evaluatedAt)
            let activation = try #require(set.declarations.first { $0.kind == .activation })
            let listed = try JSONNode.parse(activation.body)["Payload"]?["StandardConfigurations"]?.array?.compactMap(
                \.string)
            #expect(listed == set.declarations.filter { $0.kind == .configuration }.map(\.identifier).sorted())
        }
    }

    // MARK: The validator can fail

    let good =
        #"{"Identifier":"x","Payload":{"TargetLocalDateTime":"2026-01-15T09:00:00","TargetOSVersion":"15.7.2"},"ServerToken":"t","Type":"com.apple.configuration.softwareupdate.enforcement.specific"}"#

    @Test func validatorAcceptsAWellFormedDeclaration() throws {
        #expect(try SchemaValidator.load().validateDeclaration(good, macOS: OSVersion(major: 15)) == [])
    }

    @Test(arguments: [
        (
            #"{"Identifier":"x","Payload":{"TargetLocalDateTime":"2026-01-15T09:00:00","TargetOSVersion":"15.7.2","Deadline":"x"},"ServerToken":"t","Type":"com.apple.configuration.softwareupdate.enforcement.specific"}"#,
            "unknown key Payload.Deadline"
        ),
        (
            #"{"Identifier":"x","Payload":{"TargetLocalDateTime":"2026-01-15T09:00:00"},"ServerToken":"t","Type":"com.apple.configuration.softwareupdate.enforcement.specific"}"#,
            "missing required key Payload.TargetOSVersion"
        ),
        (
            #"{"Identifier":"x","Payload":{"TargetLocalDateTime":"2026-01-15T09:00:00Z","TargetOSVersion":"15.7.2"},"ServerToken":"t","Type":"com.apple.configuration.softwareupdate.enforcement.specific"}"#,
            "Payload.TargetLocalDateTime is not yyyy-mm-ddThh:mm:ss: 2026-01-15T09:00:00Z"
        ),
        (
            #"{"Identifier":"x","Payload":{"TargetLocalDateTime":"2026-01-15T09:00:00","TargetOSVersion":15},"ServerToken":"t","Type":"com.apple.configuration.softwareupdate.enforcement.specific"}"#,
            "Payload.TargetOSVersion is not of type <string>"
        ),
        (
            #"{"Identifier":"x","Payload":{"TargetLocalDateTime":"2026-01-15T09:00:00","TargetOSVersion":"15.7.2"},"Type":"com.apple.configuration.softwareupdate.enforcement.specific"}"#,
            "missing required key ServerToken"
        ),
        (
            #"{"Identifier":"x","Payload":{"AutomaticActions":{"InstallSecurityUpdate":"Always"}},"ServerToken":"t","Type":"com.apple.configuration.softwareupdate.settings"}"#,
            "Payload.AutomaticActions.InstallSecurityUpdate value Always not in [\"Allowed\", \"AlwaysOn\", \"AlwaysOff\"]"
        ),
        (
            #"{"Identifier":"x","Payload":{"RecommendedCadence":"All"},"ServerToken":"t","Type":"com.apple.configuration.softwareupdate.settings"}"#,
            "Payload.RecommendedCadence is not supported on macOS"
        ),
        (
            #"{"Identifier":"x","Payload":{"Deferrals":{"MajorPeriodInDays":91}},"ServerToken":"t","Type":"com.apple.configuration.softwareupdate.settings"}"#,
            "Payload.Deferrals.MajorPeriodInDays above 90"
        ),
        (
            #"{"Identifier":"x","Payload":{"StatusItems":[{"Nam":"device.model.family"}]},"ServerToken":"t","Type":"com.apple.configuration.management.status-subscriptions"}"#,
            "missing required key Payload.StatusItems[0].Name"
        ),
    ])
    func validatorRefusesABrokenDeclaration(json: String, problem: String) throws {
        let problems = try SchemaValidator.load().validateDeclaration(json, macOS: OSVersion(major: 15))
        #expect(problems.contains(problem), "\(problems)")
    }

    @Test func validatorRefusesATypeTheMacsOSDoesNotSupport() throws {
        let validator = try SchemaValidator.load()
        #expect(
            validator.validateDeclaration(good, macOS: OSVersion(major: 13, minor: 6))
                == ["com.apple.configuration.softwareupdate.enforcement.specific needs macOS 14.0"])
        let settings =
            #"{"Identifier":"x","Payload":{"Notifications":true},"ServerToken":"t","Type":"com.apple.configuration.softwareupdate.settings"}"#
        #expect(validator.validateDeclaration(settings, macOS: OSVersion(major: 14, minor: 7)) != [])
        #expect(validator.validateDeclaration(settings, macOS: OSVersion(major: 15)) == [])
    }

    @Test func validatorRefusesBrokenProtocolDocuments() throws {
        let validator = try SchemaValidator.load()
        #expect(
            validator.validateDeclarationItems(
                #"{"Declarations":{"Activations":[],"Configurations":[]},"DeclarationsToken":"t"}"#)
                == ["missing required key Declarations.Assets", "missing required key Declarations.Management"])
        #expect(
            validator.validateTokensResponse(
                #"{"SyncTokens":{"DeclarationsToken":"t","Timestamp":"2026-01-01 10:00:00"}}"#)
                == ["SyncTokens.Timestamp is not an RFC 3339 date-time: 2026-01-01 10:00:00"])
    }
}
