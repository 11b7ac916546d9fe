// EnforcementTimeframe: how long after Apple's release date an update becomes due.

/// The time allowed after a release date before the release is due (DOMAIN.md §3): calendar days or
/// calendar months. Month arithmetic clamps to the month's end (31 January + 1 month = 28/29 February).
public enum EnforcementTimeframe: String, Sendable, Hashable, Codable, CaseIterable {
    /// 1 calendar day.
    case oneDay
    /// 2 calendar days.
    case twoDays
    /// 7 calendar days.
    case oneWeek
    /// 14 calendar days.
    case twoWeeks
    /// 21 calendar days.
    case threeWeeks
    /// 1 calendar month (clamped).
    case oneMonth
    /// 2 calendar months (clamped).
    case twoMonths
    /// 3 calendar months (clamped).
    case threeMonths

    /// The due date of a release published on `releaseDate`.
    public func dueDate(after releaseDate: CivilDate) -> CivilDate {
        switch self {
        case .oneDay: releaseDate.adding(days: 1)
        case .twoDays: releaseDate.adding(days: 2)
        case .oneWeek: releaseDate.adding(days: 7)
        case .twoWeeks: releaseDate.adding(days: 14)
        case .threeWeeks: releaseDate.adding(days: 21)
        case .oneMonth: releaseDate.adding(months: 1)
        case .twoMonths: releaseDate.adding(months: 2)
        case .threeMonths: releaseDate.adding(months: 3)
        }
    }

    /// Human-readable label (`2 weeks`).
    public var label: String {
        switch self {
        case .oneDay: "1 day"
        case .twoDays: "2 days"
        case .oneWeek: "1 week"
        case .twoWeeks: "2 weeks"
        case .threeWeeks: "3 weeks"
        case .oneMonth: "1 month"
        case .twoMonths: "2 months"
        case .threeMonths: "3 months"
        }
    }
}
