// DeclarationSetBuilderTests: what each kind of Mac is declared, checked against Apple's schemas.

import DeclarativeManagement
import Foundation
import ManagedOSDomain
import Testing

@Suite struct DeclarationSetBuilderTests {
    let items = [PlanFixtures.itemID: PlanFixtures.item()]
    let bsiItems = [PlanFixtures.itemID: PlanFixtures.item(major: 26, bsi: true)]

    func payload(_ set: DeclarationSet, _ identifier: String) throws -> [String: JSONNode] {
        let declaration = try #require(set.declarations.first { $0.identifier == identifier })
        return try #require(try JSONNode.parse(declaration.body)["Payload"]?.object)
    }

    func types(_ set: DeclarationSet) -> [String] { set.declarations.map(\.type) }

    @Test func macOS15MacDueFor1572GetsTheEnforcementWithTheRightKeys() throws {
        let plan = PlanFixtures.plan(os: PlanFixtures.enforcement("15.7.2", build: "24G325"))
        let set = DeclarationSetBuilder.build(
            plan: plan, target: PlanFixtures.target("15.6.1"), items: items, changedAt: PlanFixtures.evaluatedAt)

        #expect(
            types(set) == [
                DeclarationType.activationSimple, DeclarationType.enforcementSpecific,
                DeclarationType.statusSubscriptions,
            ])
        let enforcement = try payload(set, DeclarationSetBuilder.osEnforcementIdentifier)
        #expect(
            enforcement == [
                "TargetOSVersion": .string("15.7.2"), "TargetLocalDateTime": .string("2026-01-15T09:00:00"),
                "DetailsURL": .string("https://it.example.com/macos"),
            ])
        let activation = try payload(set, DeclarationSetBuilder.activationIdentifier)
        #expect(
            activation["StandardConfigurations"]
                == .array([.string("com.managedos.enforcement.os"), .string("com.managedos.status-subscriptions")]))
        let body = try #require(set.declaration(kind: .configuration, identifier: "com.managedos.enforcement.os")).body
        #expect(body.contains("\"DetailsURL\":\"https://it.example.com/macos\""))
        #expect(!body.contains(" "))
    }

    @Test func macOS13MacGetsNoEnforcementOnlyItsSubscriptions() throws {
        let plan = PlanFixtures.plan(
            os: PlanFixtures.enforcement("13.7.8", channel: .legacyCommands), isLegacy: true)
        let set = DeclarationSetBuilder.build(
            plan: plan, target: PlanFixtures.target("13.6"), items: items, changedAt: PlanFixtures.evaluatedAt)

        #expect(types(set) == [DeclarationType.activationSimple, DeclarationType.statusSubscriptions])
        let names = try payload(set, DeclarationSetBuilder.statusSubscriptionsIdentifier)["StatusItems"]?.array?
            .compactMap { $0["Name"]?.string }
        #expect(names?.contains("device.operating-system.version") == true)
        #expect(names?.contains { $0.hasPrefix("softwareupdate.") } == false)
    }

    @Test func legacyPlanGetsNoEnforcementEvenIfTheMacCouldTakeOne() {
        let plan = PlanFixtures.plan(os: PlanFixtures.enforcement("15.7.2"), isLegacy: true)
        let set = DeclarationSetBuilder.build(
            plan: plan, target: PlanFixtures.target("15.6"), items: items, changedAt: PlanFixtures.evaluatedAt)
        #expect(!types(set).contains(DeclarationType.enforcementSpecific))
    }

    @Test func bsiMacGetsTheSupplementalBuildAndTheSettings() throws {
        let plan = PlanFixtures.plan(bsi: PlanFixtures.enforcement(
            "26.3.1", build: "25D771280a", deadline: "2026-03-20T10:00:00", reason: .backgroundSecurityImprovement))
        let set = DeclarationSetBuilder.build(
            plan: plan, target: PlanFixtures.target("26.3.1", supplementalBuild: nil), items: bsiItems,
            changedAt: PlanFixtures.evaluatedAt)

        let bsi = try payload(set, DeclarationSetBuilder.bsiEnforcementIdentifier)
        #expect(bsi["TargetOSVersion"] == .string("26.3.1"))
        #expect(bsi["TargetBuildVersion"] == .string("25D771280a"))
        #expect(bsi["TargetLocalDateTime"] == .string("2026-03-20T10:00:00"))
        let settings = try payload(set, DeclarationSetBuilder.settingsIdentifier)
        #expect(settings["AutomaticActions"] == .object(["InstallSecurityUpdate": .string("AlwaysOn")]))
        #expect(settings["RapidSecurityResponse"] == .object(["Enable": .bool(true), "EnableRollback": .bool(false)]))
        #expect(set.declaration(kind: .configuration, identifier: DeclarationSetBuilder.osEnforcementIdentifier) == nil)
    }

    @Test func bsiAlreadyInstalledIsNotDeclared() {
        let plan = PlanFixtures.plan(bsi: PlanFixtures.enforcement(
            "26.3.1", build: "25D771280a", reason: .backgroundSecurityImprovement))
        let set = DeclarationSetBuilder.build(
            plan: plan, target: PlanFixtures.target("26.3.1", supplementalBuild: "25D771280a"), items: bsiItems,
            changedAt: PlanFixtures.evaluatedAt)
        #expect(!types(set).contains(DeclarationType.enforcementSpecific))
    }

    @Test func compliantMacGetsNoEnforcement() {
        let set = DeclarationSetBuilder.build(
            plan: PlanFixtures.plan(), target: PlanFixtures.target("15.7.2"), items: items,
            changedAt: PlanFixtures.evaluatedAt)
        #expect(types(set) == [DeclarationType.activationSimple, DeclarationType.statusSubscriptions])
    }

    @Test(arguments: ["15.7.2", "15.7.3", "26.0"])
    func macAtOrAboveItsTargetGetsNoEnforcement(installed: String) {
        let plan = PlanFixtures.plan(os: PlanFixtures.enforcement("15.7.2"))
        let set = DeclarationSetBuilder.build(
            plan: plan, target: PlanFixtures.target(installed), items: items, changedAt: PlanFixtures.evaluatedAt)
        #expect(!types(set).contains(DeclarationType.enforcementSpecific))
    }

    @Test func settingsAreSentOnlyWhenTheCapabilitiesListThem() {
        let plan = PlanFixtures.plan()
        var target = PlanFixtures.target("15.7.2")
        let withSettings = DeclarationSetBuilder.build(
            plan: plan, target: target, items: bsiItems, changedAt: PlanFixtures.evaluatedAt)
        #expect(types(withSettings).contains(DeclarationType.softwareUpdateSettings))

        target.capabilities?.declarationTypes[.configuration]?.remove(DeclarationType.softwareUpdateSettings)
        let without = DeclarationSetBuilder.build(
            plan: plan, target: target, items: bsiItems, changedAt: PlanFixtures.evaluatedAt)
        #expect(!types(without).contains(DeclarationType.softwareUpdateSettings))

        let macOS14 = DeclarationSetBuilder.build(
            plan: plan, target: PlanFixtures.target("14.7"), items: bsiItems, changedAt: PlanFixtures.evaluatedAt)
        #expect(!types(macOS14).contains(DeclarationType.softwareUpdateSettings))
    }

    @Test func enforcementIsSentOnlyWhenTheCapabilitiesListIt() {
        var target = PlanFixtures.target("15.6")
        target.capabilities?.declarationTypes[.configuration]?.remove(DeclarationType.enforcementSpecific)
        let set = DeclarationSetBuilder.build(
            plan: PlanFixtures.plan(os: PlanFixtures.enforcement("15.7.2")), target: target, items: items,
            changedAt: PlanFixtures.evaluatedAt)
        #expect(!types(set).contains(DeclarationType.enforcementSpecific))
    }

    @Test func unknownCapabilitiesAreDecidedByOSVersion() {
        let plan = PlanFixtures.plan(os: PlanFixtures.enforcement("15.7.2"))
        let macOS14 = DeclarationSetBuilder.build(
            plan: plan, target: PlanFixtures.target("14.6", reportedCapabilities: false), items: bsiItems,
            changedAt: PlanFixtures.evaluatedAt)
        #expect(types(macOS14).contains(DeclarationType.enforcementSpecific))
        #expect(!types(macOS14).contains(DeclarationType.softwareUpdateSettings))

        let garbage = DeclarationTarget(
            deviceID: PlanFixtures.macID, osVersion: nil, capabilities: ClientCapabilities(json: "not json"))
        let unknown = DeclarationSetBuilder.build(
            plan: plan, target: garbage, items: items, changedAt: PlanFixtures.evaluatedAt)
        #expect(types(unknown) == [DeclarationType.activationSimple, DeclarationType.statusSubscriptions])
    }

    @Test func noPlanYetStillSubscribesToStatus() {
        let set = DeclarationSetBuilder.build(
            plan: nil, target: PlanFixtures.target("15.1"), items: [:], changedAt: PlanFixtures.evaluatedAt)
        #expect(types(set) == [DeclarationType.activationSimple, DeclarationType.statusSubscriptions])
    }

    @Test func macSupportingNoActivationGetsAnEmptySet() {
        var target = PlanFixtures.target("15.1")
        target.capabilities?.declarationTypes[.activation] = []
        let set = DeclarationSetBuilder.build(
            plan: PlanFixtures.plan(os: PlanFixtures.enforcement("15.7.2")), target: target, items: items,
            changedAt: PlanFixtures.evaluatedAt)
        #expect(set.declarations.isEmpty)
        #expect(
            set.manifestJSON
                == #"{"Declarations":{"Activations":[],"Assets":[],"Configurations":[],"Management":[]},"DeclarationsToken":"\#(set.declarationsToken)"}"#
        )
    }

    @Test func aSharedCacheBuildsTheSameSetsAndEncodesEachDistinctDeclarationOnce() {
        let cache = DeclarationCache()
        let due = PlanFixtures.plan(os: PlanFixtures.enforcement("15.7.2", build: "24G325"))
        let otherDeadline = PlanFixtures.plan(os: PlanFixtures.enforcement("15.7.3", build: "24G400"))
        let cases = [(due, "15.6.1"), (due, "15.6.0"), (otherDeadline, "15.6.1"), (due, "15.6.1")]
        for (plan, version) in cases {
            let cached = DeclarationSetBuilder.build(
                plan: plan, target: PlanFixtures.target(version), items: items, changedAt: PlanFixtures.evaluatedAt,
                cache: cache)
            let fresh = DeclarationSetBuilder.build(
                plan: plan, target: PlanFixtures.target(version), items: items, changedAt: PlanFixtures.evaluatedAt)
            #expect(cached == fresh)
            #expect(cached.declarationsToken == fresh.declarationsToken)
            #expect(cached.manifestJSON == fresh.manifestJSON)
            #expect(cached.changedAt == PlanFixtures.evaluatedAt)
        }
        // Two enforcements, one subscription list and one activation (it lists identifiers, equal in both
        // sets): four distinct declarations in two distinct sets.
        #expect(cache.distinctCounts.declarations == 4)
        #expect(cache.distinctCounts.sets == 2)
        let later = PlanFixtures.evaluatedAt.addingTimeInterval(60)
        let restamped = DeclarationSetBuilder.build(
            plan: due, target: PlanFixtures.target("15.6.1"), items: items, changedAt: later, cache: cache)
        #expect(restamped.changedAt == later)
    }
}
