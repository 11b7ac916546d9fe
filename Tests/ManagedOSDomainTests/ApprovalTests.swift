// ApprovalTests: automatic approval after a hold, and admin holds, revocations and approvals.

import Foundation
import ManagedOSDomain
import Testing

private func day(_ text: String) -> CivilDate { CivilDate(iso: text)! }
private func noon(_ text: String) -> Date {
    Date(timeIntervalSince1970: Double(day(text).daysSinceEpoch) * 86_400 + 43_200)
}

@Suite struct ApprovalTests {
    private static let mac = MacHardware(boardID: "J504AP")
    private static let older = Release(
        version: OSVersion(major: 15, minor: 7, patch: 8), build: OSBuild(unchecked: "24G824"),
        releaseDate: day("2026-07-27"), supportedBoardIDs: ["J504AP"])
    private static let newer = Release(
        version: OSVersion(major: 15, minor: 7, patch: 9), build: OSBuild(unchecked: "24G830"),
        releaseDate: day("2026-08-06"), supportedBoardIDs: ["J504AP"])

    private func catalog(_ policy: ReleaseApprovalPolicy) -> ReleaseCatalog {
        ReleaseCatalog(releases: [Self.newer, Self.older], approvalPolicy: policy)
    }

    @Test func releaseIsPendingDuringHoldAndApprovedAfter() {
        let catalog = catalog(ReleaseApprovalPolicy(holdDays: 7))
        #expect(catalog.approvalState(of: Self.newer, at: noon("2026-08-12")) == .pendingHold(until: day("2026-08-13")))
        #expect(catalog.latestApproved(major: 15, for: Self.mac, at: noon("2026-08-12"))?.id == "15.7.8/24G824")
        #expect(catalog.approvalState(of: Self.newer, at: noon("2026-08-13")) == .approved)
        #expect(catalog.latestApproved(major: 15, for: Self.mac, at: noon("2026-08-13"))?.id == "15.7.9/24G830")
    }

    @Test func noHoldApprovesOnReleaseDay() {
        let catalog = catalog(ReleaseApprovalPolicy())
        #expect(catalog.isApproved(Self.newer, at: noon("2026-08-06")))
        #expect(!catalog.isApproved(Self.newer, at: noon("2026-08-05")))
    }

    @Test func heldReleaseIsNotApprovedAndOlderOneIsTarget() {
        let catalog = catalog(ReleaseApprovalPolicy(overrides: ["15.7.9/24G830": .held]))
        #expect(catalog.approvalState(of: Self.newer, at: noon("2026-09-01")) == .held)
        #expect(catalog.latestApproved(major: 15, for: Self.mac, at: noon("2026-09-01"))?.id == "15.7.8/24G824")
    }

    @Test func revokedReleaseIsNeverATargetNorAFloor() {
        let catalog = catalog(ReleaseApprovalPolicy(overrides: ["15.7.8/24G824": .revoked]))
        #expect(catalog.approvalState(of: Self.older, at: noon("2026-09-01")) == .revoked)
        #expect(catalog.approvedUpdates(major: 15, for: Self.mac, at: noon("2026-09-01")).map(\.id) == ["15.7.9/24G830"])
        #expect(catalog.approvedUpdates(major: 15, for: Self.mac, at: noon("2026-08-01")).isEmpty)
    }

    @Test func adminApprovalSkipsTheHold() {
        let catalog = catalog(ReleaseApprovalPolicy(holdDays: 30, overrides: ["15.7.9/24G830": .approved]))
        #expect(catalog.approvalState(of: Self.newer, at: noon("2026-08-07")) == .approved)
        #expect(catalog.latestApproved(major: 15, for: Self.mac, at: noon("2026-08-07"))?.id == "15.7.9/24G830")
    }

    @Test func changingThePolicyOfACatalogChangesItsAnswers() {
        var catalog = catalog(ReleaseApprovalPolicy())
        #expect(catalog.latestApproved(major: 15, for: Self.mac, at: noon("2026-08-10"))?.id == "15.7.9/24G830")
        catalog.approvalPolicy.overrides["15.7.9/24G830"] = .held
        #expect(catalog.latestApproved(major: 15, for: Self.mac, at: noon("2026-08-10"))?.id == "15.7.8/24G824")
        catalog.approvalPolicy = ReleaseApprovalPolicy(holdDays: 5)
        #expect(catalog.latestApproved(major: 15, for: Self.mac, at: noon("2026-08-10"))?.id == "15.7.8/24G824")
        #expect(catalog.latestApproved(major: 15, for: Self.mac, at: noon("2026-08-11"))?.id == "15.7.9/24G830")
    }

    @Test(arguments: [(0, "2026-08-06"), (1, "2026-08-07"), (14, "2026-08-20"), (-3, "2026-08-06")])
    func automaticApprovalDateIsReleaseDatePlusHold(holdDays: Int, expected: String) {
        #expect(ReleaseApprovalPolicy(holdDays: holdDays).automaticApprovalDate(of: Self.newer) == day(expected))
    }
}
