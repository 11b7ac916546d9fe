// TokenTests: server tokens and the DeclarationsToken change exactly when content changes; the protocol bodies.

import DeclarativeManagement
import Foundation
import ManagedOSDomain
import Testing

@Suite struct TokenTests {
    let items = [PlanFixtures.itemID: PlanFixtures.item()]

    func build(_ plan: MacPlan, at instant: Date = PlanFixtures.evaluatedAt) -> DeclarationSet {
        DeclarationSetBuilder.build(plan: plan, target: PlanFixtures.target("15.6"), items: items, changedAt: instant)
    }

    @Test func rebuildingTheSameContentGivesTheSameBytesAndTokens() {
        let plan = PlanFixtures.plan(os: PlanFixtures.enforcement("15.7.2"))
        var later = plan
        later.evaluatedAt = PlanFixtures.evaluatedAt.addingTimeInterval(86_400)
        let first = build(plan)
        let second = build(later, at: PlanFixtures.evaluatedAt.addingTimeInterval(86_400))
        #expect(first == second)
        #expect(first.declarationsToken == second.declarationsToken)
        #expect(first.manifestJSON == second.manifestJSON)
        #expect(first.declarations.map(\.body) == second.declarations.map(\.body))
    }

    @Test func changingTheDeadlineChangesOnlyTheEnforcementTokenAndTheSetToken() throws {
        let first = build(PlanFixtures.plan(os: PlanFixtures.enforcement("15.7.2")))
        let moved = build(
            PlanFixtures.plan(os: PlanFixtures.enforcement("15.7.2", deadline: "2026-01-16T09:00:00")))
        #expect(first.declarationsToken != moved.declarationsToken)
        let identifier = DeclarationSetBuilder.osEnforcementIdentifier
        #expect(
            first.declaration(kind: .configuration, identifier: identifier)?.serverToken
                != moved.declaration(kind: .configuration, identifier: identifier)?.serverToken)
        let subscriptions = DeclarationSetBuilder.statusSubscriptionsIdentifier
        #expect(
            first.declaration(kind: .configuration, identifier: subscriptions)?.serverToken
                == moved.declaration(kind: .configuration, identifier: subscriptions)?.serverToken)
    }

    @Test(arguments: [
        PlanFixtures.enforcement("15.7.3"), PlanFixtures.enforcement("15.7.2", detailsURL: nil),
        PlanFixtures.enforcement("15.7.2", detailsURL: "https://it.example.com/other"),
        PlanFixtures.enforcement("15.7.2", build: "24G325a"),
    ])
    func everyContentChangeChangesTheToken(changed: DeclaredEnforcement) {
        let base = build(PlanFixtures.plan(os: PlanFixtures.enforcement("15.7.2")))
        #expect(base.declarationsToken != build(PlanFixtures.plan(os: changed)).declarationsToken)
    }

    @Test func removingTheEnforcementChangesTheToken() {
        let due = build(PlanFixtures.plan(os: PlanFixtures.enforcement("15.7.2")))
        let compliant = build(PlanFixtures.plan())
        #expect(due.declarationsToken != compliant.declarationsToken)
    }

    @Test func serverTokensFitApplesLimitsAndAreInTheBody() throws {
        let set = build(PlanFixtures.plan(os: PlanFixtures.enforcement("15.7.2")))
        for declaration in set.declarations {
            #expect(declaration.serverToken.utf8.count <= 64)
            #expect(declaration.identifier.utf8.count <= 64)
            let body = try JSONNode.parse(declaration.body)
            #expect(body["ServerToken"] == .string(declaration.serverToken))
            #expect(body["Identifier"] == .string(declaration.identifier))
            #expect(body["Type"] == .string(declaration.type))
        }
        #expect(set.declarationsToken.count == 64)
    }

    @Test func manifestListsEveryDeclarationInEveryArray() throws {
        let set = build(PlanFixtures.plan(os: PlanFixtures.enforcement("15.7.2")))
        let manifest = try JSONNode.parse(set.manifestJSON)
        #expect(manifest["DeclarationsToken"] == .string(set.declarationsToken))
        let declarations = try #require(manifest["Declarations"]?.object)
        #expect(Set(declarations.keys) == ["Activations", "Assets", "Configurations", "Management"])
        #expect(declarations["Assets"] == .array([]))
        #expect(declarations["Management"] == .array([]))
        let configurations = try #require(declarations["Configurations"]?.array)
        #expect(configurations.count == 2)
        for item in configurations {
            let identifier = try #require(item["Identifier"]?.string)
            #expect(
                item["ServerToken"]
                    == .string(try #require(set.declaration(kind: .configuration, identifier: identifier)).serverToken))
        }
    }

    @Test func tokensBodyIsExactAndUsesTheGivenInstant() {
        let set = build(PlanFixtures.plan())
        let instant = Date(timeIntervalSince1970: 1_767_261_845.75)  // 2026-01-01T10:04:05.75Z
        #expect(
            set.tokensJSON(timestamp: instant)
                == #"{"SyncTokens":{"DeclarationsToken":"\#(set.declarationsToken)","Timestamp":"2026-01-01T10:04:05Z"}}"#
        )
    }
}
