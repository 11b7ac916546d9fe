// ItemDocument: the admin API's JSON shape of a Managed OS library item.

import Foundation
import HTTPTypes
import ManagedOSDomain

/// A library item as the API reads and writes it:
/// `versionEnforcement` is `{"mode":"doNotManage"}`, `{"mode":"automatic","timeframe":"oneWeek"}` or
/// `{"mode":"manualMinimum","version":"26.1","deadlineDate":"2026-12-01"}`; `bsiEnforcement` is
/// `{"mode":"none"}` or `{"mode":"automatic","timeframe":"oneWeek","time":"10:00"}`.
struct ItemDocument: Codable, Sendable, Equatable {
    /// `versionEnforcement` / `bsiEnforcement` as one flat object.
    struct Enforcement: Codable, Sendable, Equatable {
        var mode: String
        var timeframe: String?
        var version: String?
        var deadlineDate: String?
        var time: String?
    }

    var id: UUID
    var label: String
    var major: Int
    var kind: String = "managedOSForMacOS"
    var installationMethod: String
    var versionEnforcement: Enforcement
    var enforcementTime: String
    var enforcementTimeZone: String
    var bsiEnforcement: Enforcement
    var detailsURL: String?
    /// Beyond Iru: grace period in days for new and returning Macs (absent when off).
    var gracePeriodDays: Int?
    /// Beyond Iru: shorter timeframe for releases fixing actively exploited CVEs (absent when off).
    var exploitedCVETimeframe: String?

    /// The document of a domain item.
    init(_ item: ManagedOSItem) {
        id = item.id
        label = item.label
        major = item.major
        installationMethod = item.installationMethod.rawValue
        switch item.versionEnforcement {
        case .doNotManage:
            versionEnforcement = Enforcement(mode: "doNotManage")
        case .automatic(let timeframe):
            versionEnforcement = Enforcement(mode: "automatic", timeframe: timeframe.rawValue)
        case .manualMinimum(let version, let deadlineDate):
            versionEnforcement = Enforcement(
                mode: "manualMinimum", version: version, deadlineDate: deadlineDate.description)
        }
        enforcementTime = item.enforcementTime.description
        enforcementTimeZone = item.enforcementTimeZone
        switch item.bsiEnforcement {
        case .none:
            bsiEnforcement = Enforcement(mode: "none")
        case .automatic(let timeframe, let time):
            bsiEnforcement = Enforcement(mode: "automatic", timeframe: timeframe.rawValue, time: time.description)
        }
        detailsURL = item.detailsURL
        gracePeriodDays = item.gracePeriodDays
        exploitedCVETimeframe = item.exploitedCVETimeframe?.rawValue
    }
}
