// AssignmentTests: classic blueprints, assignment-map path semantics and the resolution of item roles.

import Foundation
import ManagedOSDomain
import Testing

@Suite struct AssignmentTests {
    typealias T = TestCatalog

    static let map = AssignmentMap(
        root: AssignmentNode(
            id: T.id(100), itemIDs: [T.id(1)],
            children: [
                AssignmentNode(
                    id: T.id(101), conditions: [.modelFamily(anyOf: ["MacBook Pro"]), .tag(anyOf: ["pilot"])],
                    itemIDs: [T.id(2)],
                    children: [
                        AssignmentNode(id: T.id(104), conditions: [.currentMajor(anyOf: [15])], itemIDs: [T.id(5)])
                    ]),
                AssignmentNode(id: T.id(102), conditions: [.modelIdentifier(anyOf: ["Mac15,3"])], itemIDs: [T.id(3)]),
                AssignmentNode(id: T.id(103), itemIDs: [T.id(4)]),
            ]))

    typealias Row = (attributes: MacAttributes, expected: [UUID])
    static let rows: [Row] = [
        // All conditions of the first branch match, and its child too.
        (
            MacAttributes(modelFamily: "MacBook Pro", modelIdentifier: "Mac15,3", currentMajor: 15, tags: ["pilot"]),
            [T.id(1), T.id(2), T.id(5)]
        ),
        // First branch matches but its child does not (major 26).
        (
            MacAttributes(
                modelFamily: "MacBook Pro", modelIdentifier: "Mac15,3", currentMajor: 26, tags: ["pilot", "x"]),
            [T.id(1), T.id(2)]
        ),
        // Only one condition of the first branch: the next branch (first match wins) is taken.
        (
            MacAttributes(modelFamily: "MacBook Pro", modelIdentifier: "Mac15,3", currentMajor: 15, tags: []),
            [T.id(1), T.id(3)]
        ),
        // Children of a non-matching node are never visited, even if they would match; else branch.
        (
            MacAttributes(modelFamily: "iMac", modelIdentifier: "iMac21,1", currentMajor: 15, tags: ["pilot"]),
            [T.id(1), T.id(4)]
        ),
    ]

    @Test(arguments: rows)
    func macCollectsTheItemsOfEveryNodeOnItsMatchingPath(_ row: Row) {
        #expect(Self.map.itemIDs(for: row.attributes) == row.expected)
        #expect(
            Blueprint(id: T.id(9), name: "Map", layout: .assignmentMap(Self.map)).itemIDs(for: row.attributes)
                == row.expected)
    }

    @Test func rootWithUnmetConditionsAssignsNothing() {
        let map = AssignmentMap(root: AssignmentNode(id: T.id(1), conditions: [.tag(anyOf: ["x"])], itemIDs: [T.id(2)]))
        #expect(map.itemIDs(for: MacAttributes(currentMajor: 15)).isEmpty)
    }

    @Test func classicBlueprintAssignsEveryListedItemOnce() {
        let blueprint = Blueprint(id: T.id(9), name: "Classic", layout: .classic(itemIDs: [T.id(1), T.id(2), T.id(1)]))
        #expect(blueprint.itemIDs(for: MacAttributes(currentMajor: 14)) == [T.id(1), T.id(2)])
    }

    @Test func resolutionSortsItemsIntoUpdateUpgradeSelfServiceUnsupportedAndIgnored() {
        let items = [
            T.item(1, major: 15),  // update
            T.item(2, major: 26),  // upgrade (highest continuous supported)
            T.item(3, major: 14),  // below the Mac's major
            T.item(4, major: 27, method: .selfService, enforcement: .doNotManage),  // Self Service above the upgrade
            // Same major as the upgrade: a candidate.
            T.item(5, major: 26, method: .selfService, enforcement: .doNotManage),
            T.item(6, major: 28),  // unsupported
            T.item(7, major: 25, method: .selfService, enforcement: .doNotManage),  // covered by the 26 upgrade
        ]
        let resolution = ItemResolver.resolve(
            items + [items[0]], currentMajor: 15, supportedMajors: [14, 15, 25, 26, 27])
        #expect(resolution.updateCandidates.map(\.id) == [T.id(1)])
        #expect(resolution.upgradeCandidates.map(\.id) == [T.id(2), T.id(5)])
        #expect(resolution.selfServiceItems.map(\.id) == [T.id(4)])
        #expect(resolution.unsupported.map(\.id) == [T.id(6)])
        #expect(Set(resolution.notApplicable.map(\.id)) == [T.id(3), T.id(7)])
    }

    @Test func withoutAContinuousItemEverySupportedSelfServiceItemAboveIsOffered() {
        let items = [
            T.item(4, major: 26, method: .selfService, enforcement: .doNotManage),
            T.item(5, major: 15, method: .selfService),
        ]
        let resolution = ItemResolver.resolve(items, currentMajor: 14, supportedMajors: [14, 15, 26])
        #expect(resolution.selfServiceItems.map(\.id) == [T.id(4), T.id(5)])
        #expect(resolution.upgradeCandidates.isEmpty)
    }
}
