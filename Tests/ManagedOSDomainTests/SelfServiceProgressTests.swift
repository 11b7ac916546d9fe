// SelfServiceProgressTests: stored state names, restoring a request, moving it from observations, and
// choosing the offer a request for one major uses.

import Foundation
import ManagedOSDomain
import Testing

@Suite struct SelfServiceProgressTests {
    typealias T = TestCatalog
    static let now = T.utc(2026, 1, 20, 12)

    static let states: [SelfServiceRequest.State] = [
        .requested, .declared, .downloading, .prepared, .installing, .completed, .failed(reason: "No space"),
        .cancelled,
    ]

    @Test(arguments: states)
    func storedNameReadsBackAsTheSameState(state: SelfServiceRequest.State) {
        let read = SelfServiceRequest.State(storedName: state.storedName, failureReason: state.failureReason)
        #expect(read == state)
        #expect(SelfServiceRequest.State.storedNames.contains(state.storedName))
    }

    @Test func unknownStoredNameIsRefused() {
        #expect(SelfServiceRequest.State(storedName: "paused") == nil)
    }

    @Test(arguments: states)
    func restoredRequestIsInTheStoredState(state: SelfServiceRequest.State) {
        let request = SelfServiceRequest.restored(
            macID: T.id(1), major: 26, itemID: T.id(2), requestedAt: Self.now, state: state)
        #expect(request.state == state)
    }

    @Test func onlyStatesBeforeInstallingAreCancellable() {
        let cancellable = Self.states.filter(\.isCancellable).map(\.storedName)
        #expect(cancellable == ["requested", "declared", "downloading", "prepared"])
    }

    func observation(
        declared: Bool = true, since: Bool = true, version: String? = "15.7.2",
        state: SoftwareUpdateInstallState? = nil, pendingMajor: Int? = nil, failures: Int = 0, reason: String? = nil
    ) -> SelfServiceObservation {
        SelfServiceObservation(
            planDeclaresRequest: declared, reportedSinceDeclared: since, osVersion: version.map(T.version),
            installState: state, pendingMajor: pendingMajor, failureCount: failures, failureReason: reason)
    }

    func request(_ state: SelfServiceRequest.State = .requested) -> SelfServiceRequest {
        .restored(macID: T.id(1), major: 26, itemID: T.id(2), requestedAt: Self.now, state: state)
    }

    @Test func planDeclaringTheRequestMovesItToDeclaredAndAppliesTheReportInTheSamePass() {
        var plain = request()
        let moved1 = plain.observe(observation(declared: true, since: false))
        #expect(moved1)
        #expect(plain.state == .declared)
        var withReport = request()
        withReport.observe(observation(state: .downloading, pendingMajor: 26))
        #expect(withReport.state == .downloading)
    }

    @Test func statusReportsMoveADeclaredRequestToCompleted() {
        var request = request(.declared)
        for state in [SoftwareUpdateInstallState.downloading, .prepared, .installing] {
            let moved2 = request.observe(observation(state: state, pendingMajor: 26))
            #expect(moved2)
        }
        #expect(request.state == .installing)
        let moved3 = request.observe(observation(version: "26.2", state: SoftwareUpdateInstallState.none))
        #expect(moved3)
        #expect(request.state == .completed)
        let moved4 = request.observe(observation(version: "26.2"))
        #expect(!moved4)
    }

    @Test func failureReportMovesToFailedWithTheMacsReason() {
        var request = request(.downloading)
        request.observe(observation(state: .failed, failures: 1, reason: "Not enough space"))
        #expect(request.state == .failed(reason: "Not enough space"))
    }

    @Test func nothingMovesAnUndeclaredRequestOrUsesReportsFromBeforeTheDeclaration() {
        var undeclared = request()
        let moved5 = undeclared.observe(observation(declared: false, state: .downloading, failures: 2))
        #expect(!moved5)
        #expect(undeclared.state == .requested)
        var declared = request(.declared)
        let moved6 = declared.observe(observation(since: false, state: .downloading, failures: 2))
        #expect(!moved6)
        #expect(declared.state == .declared)
    }

    @Test func anOrdinaryUpdateOfAnotherMajorDoesNotMoveTheRequest() {
        var request = request(.declared)
        let moved7 = request.observe(observation(state: .downloading, pendingMajor: 15))
        #expect(!moved7)
        #expect(request.state == .declared)
        // A report that does not name its pending version is taken as the requested upgrade.
        let moved8 = request.observe(observation(state: .downloading, pendingMajor: nil))
        #expect(moved8)
    }

    @Test func reportsNeverMoveARequestBackwardsOrRestartAFinishedOne() {
        var installing = request(.installing)
        let moved9 = installing.observe(observation(state: .downloading, pendingMajor: 26))
        #expect(!moved9)
        #expect(installing.state == .installing)
        var cancelled = request(.cancelled)
        let moved10 = cancelled.observe(observation(version: "26.2"))
        #expect(!moved10)
        #expect(cancelled.state == .cancelled)
    }

    func offer(_ item: Int, major: Int, _ reason: SelfServiceOffer.Unavailability?) -> SelfServiceOffer {
        SelfServiceOffer(
            itemID: T.id(item), major: major, label: "L\(item)", targetVersion: T.version("\(major).1"),
            targetBuild: nil, unavailableReason: reason)
    }

    @Test func choosingAMajorPrefersAnAvailableOfferThenAnAssignedReason() {
        let offers = [offer(1, major: 26, .notAssigned), offer(2, major: 26, nil), offer(3, major: 15, .notAssigned),
            offer(4, major: 15, .hardwareUnsupported), offer(5, major: 14, .notAssigned)]
        #expect(SelfServiceOfferChoice.choose(major: 26, from: offers) == .available(offers[1]))
        #expect(SelfServiceOfferChoice.choose(major: 15, from: offers) == .unavailable(offers[3]))
        #expect(SelfServiceOfferChoice.choose(major: 14, from: offers) == .unavailable(offers[4]))
        #expect(SelfServiceOfferChoice.choose(major: 27, from: offers) == .unknownMajor)
    }
}
