// ComplianceTests: per-item and overall compliance states, server-token confirmation and counts.

import Foundation
import ManagedOSDomain
import Testing

@Suite struct ComplianceTests {
    typealias T = TestCatalog
    static let now = T.utc(2026, 1, 20, 12)
    static let fresh = T.utc(2026, 1, 19)
    static let limit: TimeInterval = 7 * 86_400

    static func state(
        _ mac: MacState, _ items: [ManagedOSItem], for item: ManagedOSItem, now: Date = ComplianceTests.now
    )
        -> ComplianceState
    {
        let plan = MacEvaluator.evaluate(mac: mac, items: items, catalog: T.standard, now: now, stalenessLimit: limit)
        return ComplianceEvaluator.state(for: item, plan: plan, mac: mac, now: now, stalenessLimit: limit)
    }

    static let update15 = T.item(1, major: 15)
    static let manual15 = T.item(
        2, major: 15, enforcement: .manualMinimum(version: "15.7.2", deadlineDate: T.day(2026, 2, 1)))
    static let upgrade26 = T.item(3, major: 26)
    static let selfService15 = T.item(4, major: 15, method: .selfService, enforcement: .doNotManage)

    typealias Row = (
        name: String, mac: MacState, items: [ManagedOSItem], item: ManagedOSItem, expected: ComplianceStatus
    )
    static let rows: [Row] = [
        ("at target", T.mac("15.7.2", hardware: T.intel, lastReportAt: fresh), [update15], update15, .compliant),
        ("deadline ahead", T.mac("15.7.1", hardware: T.intel, lastReportAt: fresh), [manual15], manual15, .pending),
        ("deadline passed", T.mac("15.7.1", hardware: T.intel, lastReportAt: fresh), [update15], update15, .overdue),
        (
            "downloading", T.mac("15.7.1", hardware: T.intel, installState: .downloading, lastReportAt: fresh),
            [update15], update15, .inProgress
        ),
        (
            "prepared", T.mac("15.7.1", hardware: T.intel, installState: .prepared, lastReportAt: fresh), [update15],
            update15, .inProgress
        ),
        (
            "installing", T.mac("15.7.1", hardware: T.intel, installState: .installing, lastReportAt: fresh),
            [update15], update15, .inProgress
        ),
        (
            "failures", T.mac("15.7.1", hardware: T.intel, installState: .failed, failures: 2, lastReportAt: fresh),
            [update15], update15, .failed
        ),
        ("no report", T.mac("15.7.1", hardware: T.intel), [update15], update15, .unknown),
        (
            "stale report", T.mac("15.7.1", hardware: T.intel, lastReportAt: T.utc(2026, 1, 10)), [update15], update15,
            .unknown
        ),
        (
            "hardware cannot run 26", T.mac("15.7.2", hardware: T.intel, lastReportAt: fresh), [update15, upgrade26],
            upgrade26, .unsupported
        ),
        (
            "item not assigned", T.mac("15.7.1", hardware: T.intel, lastReportAt: fresh), [update15], upgrade26,
            .unmanaged
        ),
        (
            "do not manage", T.mac("15.7.1", hardware: T.intel, lastReportAt: fresh), [selfService15], selfService15,
            .unmanaged
        ),
        ("older major", T.mac("26.1", lastReportAt: fresh), [update15], update15, .unmanaged),
        ("upgrade overdue", T.mac("15.7.2", lastReportAt: fresh), [update15, upgrade26], upgrade26, .overdue),
        (
            "conflict loser follows winner", T.mac("15.7.1", hardware: T.intel, lastReportAt: fresh),
            [update15, manual15], manual15, .overdue
        ),
    ]

    @Test(arguments: rows)
    func complianceStatePerMacAndItem(_ row: Row) {
        #expect(Self.state(row.mac, row.items, for: row.item).status == row.expected, "\(row.name)")
    }

    @Test func failedStateCarriesTheMacsReason() {
        let mac = T.mac("15.7.1", hardware: T.intel, failures: 1, lastReportAt: Self.fresh)
        #expect(Self.state(mac, [Self.update15], for: Self.update15) == .failed(reason: "Not enough space", count: 1))
    }

    @Test func planCarriesTheOverallCompliance() {
        let plan = MacEvaluator.evaluate(
            mac: T.mac("15.7.1", hardware: T.intel), items: [Self.update15], catalog: T.standard, now: Self.now,
            stalenessLimit: Self.limit)
        #expect(plan.compliance == .unknown(lastReportAt: nil))
        let none = MacEvaluator.evaluate(
            mac: T.mac("15.7.1", lastReportAt: Self.fresh), items: [], catalog: T.standard, now: Self.now)
        #expect(none.compliance == .unmanaged)
    }

    @Test(
        arguments: [("abc", "abc", true), ("abc", "abd", false), (nil, "abc", false), ("ABC", "abc", false)]
            as [(String?, String, Bool)])
    func macConfirmsTheDeclarationWhenItsServerTokenEqualsThePublishedOne(
        _ reported: String?, _ published: String, _ expected: Bool
    ) {
        #expect(
            DeclarationConfirmation.isCurrent(reportedServerToken: reported, publishedServerToken: published)
                == expected)
    }

    @Test func countsPerItemBlueprintAndVersion() {
        let rows = [
            ComplianceRow(
                macID: T.id(1), itemID: T.id(10), blueprintID: T.id(20), osVersion: T.version("15.7"), state: .compliant
            ),
            ComplianceRow(
                macID: T.id(2), itemID: T.id(10), blueprintID: T.id(20), osVersion: T.version("15.7.0"),
                state: .overdue(deadline: Self.now)),
            ComplianceRow(
                macID: T.id(3), itemID: T.id(11), blueprintID: nil, osVersion: T.version("15.7.1"),
                state: .overdue(deadline: Self.now)),
        ]
        #expect(
            ComplianceSummary.countsPerItem(rows) == [T.id(10): [.compliant: 1, .overdue: 1], T.id(11): [.overdue: 1]])
        #expect(ComplianceSummary.countsPerBlueprint(rows) == [T.id(20): [.compliant: 1, .overdue: 1]])
        #expect(
            ComplianceSummary.countsPerVersion(rows) == [
                T.version("15.7"): [.compliant: 1, .overdue: 1], T.version("15.7.1"): [.overdue: 1],
            ])
    }
}
