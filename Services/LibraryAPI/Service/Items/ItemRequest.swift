// ItemRequest: strict decoding of an item's configuration from a request body into the domain item.

import Foundation
import HTTPTypes
import ManagedOSDomain

/// Turns a create/update body into a `ManagedOSItem`: structural problems (unknown field, wrong type,
/// missing field) throw 400; values that parse but break the rules (time `25:00`, timeframe not in the list,
/// unknown mode, plus everything `ItemValidator.validate` finds) are collected and thrown together as 422.
enum ItemRequest {
    static let topLevelFields: Set<String> = [
        "label", "major", "installationMethod", "versionEnforcement", "enforcementTime", "enforcementTimeZone",
        "bsiEnforcement", "detailsURL", "gracePeriodDays", "exploitedCVETimeframe",
    ]

    /// The validated item with identifier `id`.
    static func item(from body: JSONObjectReader, id: UUID) throws -> ManagedOSItem {
        try body.requireOnly(topLevelFields)
        var issues: [ItemValidationIssue] = []
        let label = try body.string("label")
        let major = try body.int("major")

        let methodText = try body.string("installationMethod")
        let method = InstallationMethod(rawValue: methodText)
        if method == nil {
            issues.append(
                .init(
                    field: "installationMethod", code: "invalidChoice",
                    message: "\"\(methodText)\" is not an installation method: use continuous or selfService."))
        }

        let versionEnforcement = try versionEnforcement(try body.object("versionEnforcement"), issues: &issues)

        let timeText = try body.string("enforcementTime")
        let time = EnforcementTime(parsing: timeText)
        if time == nil {
            issues.append(
                .init(
                    field: "enforcementTime", code: "invalidTime",
                    message: "\"\(timeText)\" is not a 24-hour time HH:mm such as 09:30."))
        }
        let zone = try body.string("enforcementTimeZone")
        var bsi = BSIEnforcement.none
        if let object = try body.optionalObject("bsiEnforcement"), let parsed = try bsiEnforcement(object, issues: &issues) {
            bsi = parsed
        }
        let detailsURL = try body.optionalString("detailsURL")
        let gracePeriodDays = try body.optionalInt("gracePeriodDays")
        var exploitedTimeframe: EnforcementTimeframe? = nil
        if let text = try body.optionalString("exploitedCVETimeframe") {
            exploitedTimeframe = EnforcementTimeframe(rawValue: text)
            if exploitedTimeframe == nil {
                issues.append(
                    .init(
                        field: "exploitedCVETimeframe", code: "invalidTimeframe",
                        message: "\"\(text)\" is not a timeframe: use one of "
                            + EnforcementTimeframe.allCases.map(\.rawValue).joined(separator: ", ") + "."))
            }
        }

        let item = ManagedOSItem(
            id: id, label: label, major: major, installationMethod: method ?? .selfService,
            versionEnforcement: versionEnforcement ?? .doNotManage,
            enforcementTime: time ?? EnforcementTime(hour: 0, minute: 0)!, enforcementTimeZone: zone,
            bsiEnforcement: bsi, detailsURL: detailsURL, gracePeriodDays: gracePeriodDays,
            exploitedCVETimeframe: exploitedTimeframe)
        // Placeholders stand in for values already reported; only report the validator's own findings.
        issues += ItemValidator.validate(item).filter { issue in
            !(issue.code == "doNotManageWithContinuous" && (method == nil || versionEnforcement == nil))
        }
        guard issues.isEmpty else { throw LibraryProblem.validationFailed(issues) }
        return item
    }

    private static func timeframe(
        _ object: JSONObjectReader, issues: inout [ItemValidationIssue]
    ) throws -> EnforcementTimeframe? {
        let text = try object.string("timeframe")
        guard let timeframe = EnforcementTimeframe(rawValue: text) else {
            issues.append(
                .init(
                    field: object.fieldName("timeframe"), code: "invalidTimeframe",
                    message: "\"\(text)\" is not a timeframe: use one of "
                        + EnforcementTimeframe.allCases.map(\.rawValue).joined(separator: ", ") + "."))
            return nil
        }
        return timeframe
    }

    private static func versionEnforcement(
        _ object: JSONObjectReader, issues: inout [ItemValidationIssue]
    ) throws -> VersionEnforcement? {
        let mode = try object.string("mode")
        switch mode {
        case "doNotManage":
            try object.requireOnly(["mode"])
            return .doNotManage
        case "automatic":
            try object.requireOnly(["mode", "timeframe"])
            return try timeframe(object, issues: &issues).map { .automatic(timeframe: $0) }
        case "manualMinimum":
            try object.requireOnly(["mode", "version", "deadlineDate"])
            let version = try object.string("version")
            let dateText = try object.string("deadlineDate")
            guard let date = CivilDate(iso: dateText) else {
                issues.append(
                    .init(
                        field: object.fieldName("deadlineDate"), code: "invalidDate",
                        message: "\"\(dateText)\" is not a date YYYY-MM-DD."))
                // Still validate the version against the major.
                return .manualMinimum(version: version, deadlineDate: CivilDate(year: 2000, month: 1, day: 1)!)
            }
            return .manualMinimum(version: version, deadlineDate: date)
        default:
            issues.append(
                .init(
                    field: object.fieldName("mode"), code: "invalidChoice",
                    message: "\"\(mode)\" is not a version enforcement: use doNotManage, automatic or manualMinimum."))
            return nil
        }
    }

    private static func bsiEnforcement(
        _ object: JSONObjectReader, issues: inout [ItemValidationIssue]
    ) throws -> BSIEnforcement? {
        let mode = try object.string("mode")
        switch mode {
        case "none":
            try object.requireOnly(["mode"])
            return BSIEnforcement.none
        case "automatic":
            try object.requireOnly(["mode", "timeframe", "time"])
            let timeframe = try timeframe(object, issues: &issues)
            let timeText = try object.string("time")
            let time = EnforcementTime(parsing: timeText)
            if time == nil {
                issues.append(
                    .init(
                        field: object.fieldName("time"), code: "invalidTime",
                        message: "\"\(timeText)\" is not a 24-hour time HH:mm such as 09:30."))
            }
            guard let timeframe, let time else { return nil }
            return .automatic(timeframe: timeframe, time: time)
        default:
            issues.append(
                .init(
                    field: object.fieldName("mode"), code: "invalidChoice",
                    message: "\"\(mode)\" is not a BSI enforcement: use none or automatic."))
            return nil
        }
    }
}
