// SelfServiceTests: Self Service offers with their reasons, and the request state machine.

import Foundation
import ManagedOSDomain
import Testing

@Suite struct SelfServiceTests {
    typealias T = TestCatalog
    static let now = T.utc(2026, 1, 20, 12)

    @Test func offersListTheTargetOrWhyUnavailable() {
        let ss26 = T.item(1, major: 26, method: .selfService, enforcement: .doNotManage, label: "26")
        let ss15 = T.item(2, major: 15, method: .selfService, enforcement: .doNotManage, label: "15")
        let ss14 = T.item(3, major: 14, method: .selfService, enforcement: .doNotManage, label: "14")
        let ss27 = T.item(4, major: 27, method: .selfService, enforcement: .doNotManage, label: "27")
        let notAssigned = T.item(5, major: 26, method: .selfService, enforcement: .doNotManage, label: "other 26")
        let library = [ss26, ss15, ss14, ss27, notAssigned]
        let assigned = [ss26, ss15, ss14, ss27]
        let apple = SelfServiceOffers.offers(
            for: T.mac("14.8.2"), assignedItems: assigned, libraryItems: library, catalog: T.standard, now: Self.now)
        let reasons = Dictionary(uniqueKeysWithValues: apple.map { ($0.itemID, $0.unavailableReason) })
        #expect(reasons[T.id(1)] == .some(nil))
        #expect(apple.first { $0.itemID == T.id(1) }?.targetVersion == T.version("26.2"))
        #expect(reasons[T.id(2)] == .some(nil))
        #expect(reasons[T.id(3)] == .alreadyOnMajor)
        #expect(reasons[T.id(4)] == .hardwareUnsupported)
        #expect(reasons[T.id(5)] == .notAssigned)
        let intel = SelfServiceOffers.offers(
            for: T.mac("14.8.2", hardware: T.intel), assignedItems: assigned, libraryItems: library,
            catalog: T.standard, now: Self.now)
        #expect(intel.first { $0.itemID == T.id(1) }?.unavailableReason == .hardwareUnsupported)
        // Every 26 release held: nothing approved to install.
        let held = T.catalog(overrides: [
            "26.0/25A354": .held, "26.0.1/25A362": .held, "26.1/25B78": .held, "26.2/25C56": .held,
        ])
        let none = SelfServiceOffers.offers(
            for: T.mac("15.7.2"), assignedItems: assigned, libraryItems: library, catalog: held, now: Self.now)
        #expect(none.first { $0.itemID == T.id(1) }?.unavailableReason == .noApprovedRelease)
        // A continuous 26 item covers the 15 and 26 offers.
        let covered = SelfServiceOffers.offers(
            for: T.mac("14.8.2"), assignedItems: assigned + [T.item(6, major: 26)], libraryItems: library,
            catalog: T.standard, now: Self.now)
        #expect(covered.first { $0.itemID == T.id(2) }?.unavailableReason == .coveredByUpgrade)
    }

    func request() -> SelfServiceRequest {
        SelfServiceRequest(macID: T.id(1), major: 26, itemID: T.id(2), requestedAt: Self.now)
    }

    @Test func requestMovesThroughItsStatesToCompleted() throws {
        var request = request()
        try request.apply(.declared)
        try request.apply(.installStateReported(.other("waiting")))
        #expect(request.state == .declared)
        try request.apply(.installStateReported(.downloading))
        try request.apply(.installStateReported(.downloading))
        try request.apply(.installStateReported(.prepared))
        try request.apply(.installStateReported(.installing))
        #expect(request.state == .installing)
        try request.apply(.osVersionReported(T.version("15.7.2")))
        #expect(request.state == .installing)
        try request.apply(.osVersionReported(T.version("26.2")))
        #expect(request.state == .completed)
    }

    @Test func failureCarriesTheMacsReason() throws {
        var request = request()
        try request.apply(.declared)
        try request.apply(.installStateReported(.installing))
        try request.apply(.failureReported(reason: "Bootstrap token missing"))
        #expect(request.state == .failed(reason: "Bootstrap token missing"))
        #expect(throws: SelfServiceTransitionError.self) { try request.apply(.declared) }
    }

    typealias Row = (setup: [SelfServiceRequest.Event], event: SelfServiceRequest.Event)
    static let illegal: [Row] = [
        ([], .installStateReported(.downloading)),  // not declared yet
        ([.declared, .installStateReported(.installing)], .installStateReported(.downloading)),  // backwards
        ([.declared, .installStateReported(.installing)], .cancel),  // too late to cancel
        ([.declared, .installStateReported(.prepared)], .declared),
        ([.cancel], .declared),  // finished
    ]

    @Test(arguments: illegal)
    func illegalTransitionsAreRejectedWithATypedError(_ row: Row) throws {
        var request = request()
        for event in row.setup { try request.apply(event) }
        let before = request.state
        #expect(throws: SelfServiceTransitionError.self) { try request.apply(row.event) }
        #expect(request.state == before)
    }

    @Test(arguments: [
        [], [SelfServiceRequest.Event.declared], [.declared, .installStateReported(.downloading)],
        [.declared, .installStateReported(.prepared)],
    ])
    func cancelIsAllowedBeforeInstalling(_ setup: [SelfServiceRequest.Event]) throws {
        var request = request()
        for event in setup { try request.apply(event) }
        try request.apply(.cancel)
        #expect(request.state == .cancelled)
    }
}
