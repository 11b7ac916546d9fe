// ItemForm: the item editor's fields, read from a posted form or a stored item, turned into the same JSON
// members the API reads so ItemRequest validates both alike.

import Foundation
import HTTPTypes
import ManagedOSDomain

/// The editor's values as typed (kept verbatim to show them again next to their errors), and the chosen
/// assignments: classic blueprints and assignment-map nodes (`<map id>/<node id>`).
struct ItemForm: Sendable, Equatable {
    var label = ""
    var major = ""
    var installationMethod = ""
    var versionMode = ""
    var automaticTimeframe = EnforcementTimeframe.twoWeeks.rawValue
    var manualVersion = ""
    var manualDeadline = ""
    var enforcementTime = "09:00"
    var enforcementTimeZone = "UTC"
    var bsiMode = "none"
    var bsiTimeframe = EnforcementTimeframe.oneWeek.rawValue
    var bsiTime = "10:00"
    var detailsURL = ""
    var gracePeriodDays = ""
    var exploitedCVETimeframe = ""
    var blueprintIDs: Set<UUID> = []
    var nodeKeys: Set<String> = []

    init() {}

    /// The values of a posted editor form.
    init(_ form: ConsoleForm) {
        func text(_ name: String) -> String { form.value(name)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }
        label = text("label")
        major = text("major")
        installationMethod = text("installationMethod")
        versionMode = text("versionMode")
        automaticTimeframe = text("automaticTimeframe")
        manualVersion = text("manualVersion")
        manualDeadline = text("manualDeadline")
        enforcementTime = text("enforcementTime")
        enforcementTimeZone = text("enforcementTimeZone")
        bsiMode = text("bsiMode")
        bsiTimeframe = text("bsiTimeframe")
        bsiTime = text("bsiTime")
        detailsURL = text("detailsURL")
        gracePeriodDays = text("gracePeriodDays")
        exploitedCVETimeframe = text("exploitedCVETimeframe")
        blueprintIDs = Set(form.values("blueprint").compactMap(UUID.init(uuidString:)))
        nodeKeys = Set(form.values("node"))
    }

    /// The values of a stored item and where it is assigned.
    init(_ document: ItemDocument, blueprintIDs: Set<UUID>, nodeKeys: Set<String>) {
        label = document.label
        major = String(document.major)
        installationMethod = document.installationMethod
        versionMode = document.versionEnforcement.mode
        automaticTimeframe = document.versionEnforcement.timeframe ?? EnforcementTimeframe.twoWeeks.rawValue
        manualVersion = document.versionEnforcement.version ?? ""
        manualDeadline = document.versionEnforcement.deadlineDate ?? ""
        enforcementTime = document.enforcementTime
        enforcementTimeZone = document.enforcementTimeZone
        bsiMode = document.bsiEnforcement.mode
        bsiTimeframe = document.bsiEnforcement.timeframe ?? EnforcementTimeframe.oneWeek.rawValue
        bsiTime = document.bsiEnforcement.time ?? "10:00"
        detailsURL = document.detailsURL ?? ""
        gracePeriodDays = document.gracePeriodDays.map(String.init) ?? ""
        exploitedCVETimeframe = document.exploitedCVETimeframe ?? ""
        self.blueprintIDs = blueprintIDs
        self.nodeKeys = nodeKeys
    }

    /// The item body the JSON API would receive for these values (empty optional fields left out).
    var members: [String: JSONValue] {
        var members: [String: JSONValue] = [
            "label": .string(label),
            "installationMethod": .string(installationMethod),
            "enforcementTime": .string(enforcementTime),
            "enforcementTimeZone": .string(enforcementTimeZone),
        ]
        members["major"] = Int(major).map { .number(Double($0)) } ?? .string(major)
        switch versionMode {
        case "automatic":
            members["versionEnforcement"] = .object(["mode": .string("automatic"), "timeframe": .string(automaticTimeframe)])
        case "manualMinimum":
            members["versionEnforcement"] = .object([
                "mode": .string("manualMinimum"), "version": .string(manualVersion),
                "deadlineDate": .string(manualDeadline),
            ])
        default:
            members["versionEnforcement"] = .object(["mode": .string(versionMode)])
        }
        if bsiMode == "automatic" {
            members["bsiEnforcement"] = .object([
                "mode": .string("automatic"), "timeframe": .string(bsiTimeframe), "time": .string(bsiTime),
            ])
        } else {
            members["bsiEnforcement"] = .object(["mode": .string(bsiMode)])
        }
        if !detailsURL.isEmpty { members["detailsURL"] = .string(detailsURL) }
        if !gracePeriodDays.isEmpty {
            members["gracePeriodDays"] = Int(gracePeriodDays).map { .number(Double($0)) } ?? .string(gracePeriodDays)
        }
        if !exploitedCVETimeframe.isEmpty { members["exploitedCVETimeframe"] = .string(exploitedCVETimeframe) }
        return members
    }

    /// The validated item (``ItemRequest``, exactly as the JSON API validates), or the problems per field:
    /// a structural problem (a value of the wrong type) is reported on its field like a rule.
    func item(id: UUID) -> Result<ManagedOSItem, LibraryProblem> {
        do {
            return .success(try ItemRequest.item(from: JSONObjectReader(path: "", members: members), id: id))
        } catch let problem as LibraryProblem {
            return .failure(problem)
        } catch {
            return .failure(LibraryProblem.validationFailed([.init(field: "", code: "invalid", message: "\(error)")]))
        }
    }

    /// The nodes of map `mapID` that are chosen.
    func nodes(of mapID: UUID) -> Set<UUID> {
        Set(
            nodeKeys.compactMap { key in
                let parts = key.split(separator: "/")
                guard parts.count == 2, UUID(uuidString: String(parts[0])) == mapID else { return nil }
                return UUID(uuidString: String(parts[1]))
            })
    }

    /// The editor field an API field name belongs to (`versionEnforcement.deadlineDate` → `manualDeadline`).
    static func formField(for apiField: String) -> String {
        switch apiField {
        case "versionEnforcement", "versionEnforcement.mode": "versionMode"
        case "versionEnforcement.timeframe": "automaticTimeframe"
        case "versionEnforcement.version": "manualVersion"
        case "versionEnforcement.deadlineDate": "manualDeadline"
        case "bsiEnforcement", "bsiEnforcement.mode": "bsiMode"
        case "bsiEnforcement.timeframe": "bsiTimeframe"
        case "bsiEnforcement.time": "bsiTime"
        default: apiField
        }
    }
}
