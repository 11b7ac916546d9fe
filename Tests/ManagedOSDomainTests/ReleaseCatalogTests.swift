// ReleaseCatalogTests: hardware resolution and the indexed queries of ReleaseCatalog.

import Foundation
import ManagedOSDomain
import Testing

private func day(_ text: String) -> CivilDate { CivilDate(iso: text)! }
private func noon(_ text: String) -> Date {
    Date(timeIntervalSince1970: Double(day(text).daysSinceEpoch) * 86_400 + 43_200)
}
private func update(_ version: String, _ build: String, _ released: String, boards: Set<String>) -> Release {
    Release(version: try! OSVersion(parsing: version), build: OSBuild(unchecked: build), releaseDate: day(released), supportedBoardIDs: boards)
}

@Suite struct ReleaseCatalogTests {
    let catalog = ReleaseCatalog(
        releases: [
            update("15.7.10", "24G900", "2026-09-01", boards: ["J504AP"]),
            update("15.7.9", "24G830", "2026-08-06", boards: ["J504AP", "J132AP", "J132bAP"]),
            update("15.9", "24H1", "2026-07-01", boards: ["J132bAP"]),
            update("14.8.9", "23J631", "2026-08-06", boards: []),
        ],
        modelIdentifierByBoardID: ["J504AP": "Mac15,3", "J132AP": "MacBookPro15,2", "J132bAP": "MacBookPro15,2"])

    @Test func modelIdentifierResolvesToItsBoards() {
        #expect(catalog.boardIDs(forModelIdentifier: "MacBookPro15,2") == ["J132AP", "J132bAP"])
        #expect(catalog.modelIdentifier(forBoardID: "J504AP") == "Mac15,3")
        #expect(catalog.boardIDs(forModelIdentifier: "Mac99,1").isEmpty)
        #expect(catalog.resolved(MacHardware(modelIdentifier: "Mac15,3")) == MacHardware(boardID: "J504AP", modelIdentifier: "Mac15,3"))
        #expect(catalog.knows(MacHardware(modelIdentifier: "Mac15,3")))
        #expect(!catalog.knows(MacHardware(boardID: "J999AP")))
    }

    @Test func numericVersionOrderDecidesLatestNotDate() {
        let now = noon("2026-09-02")
        #expect(catalog.latestApproved(major: 15, for: MacHardware(boardID: "J504AP"), at: now)?.version.description == "15.7.10")
        #expect(catalog.latestApproved(major: 15, for: MacHardware(boardID: "J132bAP"), at: now)?.version.description == "15.9")
        #expect(catalog.latestApproved(major: 15, for: MacHardware(boardID: "J132AP"), at: now)?.version.description == "15.7.9")
    }

    @Test func modelWithSeveralBoardsGetsWhatAnyOfThemGets() {
        let mac = MacHardware(modelIdentifier: "MacBookPro15,2")
        #expect(catalog.updates(major: 15, for: mac).map(\.version.description) == ["15.7.9", "15.9"])
        // A known board ID is more precise than the model and wins.
        #expect(catalog.updates(major: 15, for: MacHardware(boardID: "J132AP", modelIdentifier: "MacBookPro15,2")).map(\.version.description) == ["15.7.9"])
    }

    @Test func unknownHardwareGetsOnlyUnrestrictedReleases() {
        let stranger = MacHardware(boardID: "J999AP")
        let now = noon("2026-09-02")
        #expect(catalog.latestApproved(major: 15, for: stranger, at: now) == nil)
        #expect(catalog.latestApproved(major: 14, for: stranger, at: now)?.version.description == "14.8.9")
        #expect(catalog.supportedMajors(for: stranger) == [14])
        #expect(catalog.supportedMajors(for: MacHardware(boardID: "J504AP")) == [14, 15])
        #expect(!catalog.supports(catalog.releases[0], hardware: stranger))
    }

    @Test func approvedUpdatesNewerThanAVersionAreAscending() {
        let mac = MacHardware(modelIdentifier: "MacBookPro15,2")
        let now = noon("2026-09-02")
        #expect(catalog.approvedUpdates(major: 15, newerThan: OSVersion(major: 15, minor: 7, patch: 9), for: mac, at: now).map(\.version.description) == ["15.9"])
        #expect(catalog.approvedUpdates(major: 15, newerThan: OSVersion(major: 15), for: mac, at: now).map(\.version.description) == ["15.7.9", "15.9"])
        #expect(catalog.approvedUpdates(major: 15, newerThan: OSVersion(major: 15, minor: 10), for: mac, at: now).isEmpty)
        // Before 15.7.9's release date only 15.9 is approved.
        #expect(catalog.approvedUpdates(major: 15, newerThan: OSVersion(major: 15), for: mac, at: noon("2026-07-15")).map(\.version.description) == ["15.9"])
    }

    @Test func indexedLookupsStayCheapForAFleet() throws {
        // Smoke check of the indexed path: 200,000 look-ups stay well under a few seconds even in debug.
        let boards = ["J504AP", "J132AP", "J132bAP", "J999AP"].map { MacHardware(boardID: $0) }
        let now = noon("2026-09-02")
        let start = Date.timeIntervalSinceReferenceDate
        var found = 0
        for index in 0..<200_000 where catalog.latestApproved(major: 15, for: boards[index & 3], at: now) != nil { found += 1 }
        #expect(found == 150_000)
        #expect(Date.timeIntervalSinceReferenceDate - start < 10)
    }
}
