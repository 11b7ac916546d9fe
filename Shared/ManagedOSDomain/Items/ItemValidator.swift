// ItemValidator: validates an item (every problem at once, each naming its field) and computes save warnings.

import Foundation

/// Validation of `ManagedOSItem` (DOMAIN.md §3).
public enum ItemValidator {
    /// Supported majors: macOS 11 (Big Sur) to 99.
    public static let majorRange = 11...99
    /// Longest accepted label.
    public static let maximumLabelLength = 200
    /// Accepted grace periods, in days.
    public static let gracePeriodRange = 1...30
    /// A first-time manual deadline should be at least this many days away.
    public static let recommendedFirstDeadlineDays = 5

    /// Every problem with `item`, each naming its field; empty when the item may be saved.
    public static func validate(_ item: ManagedOSItem) -> [ItemValidationIssue] {
        var issues: [ItemValidationIssue] = []
        let label = item.label.trimmingCharacters(in: .whitespacesAndNewlines)
        if label.isEmpty {
            issues.append(.init(field: "label", code: "required", message: "Enter a label."))
        } else if label.count > maximumLabelLength {
            issues.append(
                .init(
                    field: "label", code: "tooLong",
                    message: "The label is longer than \(maximumLabelLength) characters."))
        }
        if !majorRange.contains(item.major) {
            issues.append(
                .init(
                    field: "major", code: "outOfRange", message: "\(item.major) is not a supported macOS major version."
                ))
        }
        switch item.versionEnforcement {
        case .doNotManage:
            if item.installationMethod == .continuous {
                issues.append(
                    .init(
                        field: "versionEnforcement", code: "doNotManageWithContinuous",
                        message:
                            "\"Do not manage\" cannot be used with the continuous installation method, because the version "
                            + "enforcement also sets the upgrade schedule. Choose automatic or manual minimum version "
                            + "enforcement."))
            }
        case .automatic:
            break
        case .manualMinimum(let text, _):
            if let version = try? OSVersion(parsing: text) {
                if version.major != item.major {
                    issues.append(
                        .init(
                            field: "versionEnforcement.version", code: "wrongMajor",
                            message: "The minimum version \(text) is not a macOS \(item.major) version."))
                }
            } else {
                issues.append(
                    .init(
                        field: "versionEnforcement.version", code: "invalidVersion",
                        message: "\"\(text)\" is not a macOS version such as \(item.major).1 or \(item.major).1.2."))
            }
        }
        if item.enforcementTimeZone.isEmpty || TimeZone(identifier: item.enforcementTimeZone) == nil {
            issues.append(
                .init(
                    field: "enforcementTimeZone", code: "invalidTimeZone",
                    message: "\"\(item.enforcementTimeZone)\" is not an IANA time zone such as Europe/Berlin."))
        }
        if let text = item.detailsURL {
            if let url = URL(string: text), let scheme = url.scheme, let host = url.host, !host.isEmpty {
                if scheme.lowercased() != "https" {
                    issues.append(
                        .init(field: "detailsURL", code: "notHTTPS", message: "The details URL must use https."))
                }
            } else {
                issues.append(
                    .init(field: "detailsURL", code: "invalidURL", message: "\"\(text)\" is not a valid https URL."))
            }
        }
        if let days = item.gracePeriodDays, !gracePeriodRange.contains(days) {
            issues.append(
                .init(
                    field: "gracePeriodDays", code: "outOfRange",
                    message: "The grace period must be from \(gracePeriodRange.lowerBound) to \(gracePeriodRange.upperBound) days."))
        }
        if let exploited = item.exploitedCVETimeframe {
            if case .automatic(let timeframe) = item.versionEnforcement {
                let all = EnforcementTimeframe.allCases
                if all.firstIndex(of: exploited)! >= all.firstIndex(of: timeframe)! {
                    issues.append(
                        .init(
                            field: "exploitedCVETimeframe", code: "notShorter",
                            message: "The timeframe for actively exploited CVEs (\(exploited.label)) must be shorter "
                                + "than the automatic timeframe (\(timeframe.label))."))
                }
            } else {
                issues.append(
                    .init(
                        field: "exploitedCVETimeframe", code: "requiresAutomatic",
                        message: "A shorter timeframe for actively exploited CVEs needs automatic version enforcement."))
            }
        }
        return issues
    }
}
