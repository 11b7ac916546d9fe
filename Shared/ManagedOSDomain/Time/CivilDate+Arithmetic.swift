// CivilDate+Arithmetic: calendar-month arithmetic (clamped to the month's last day) and day differences.

extension CivilDate {
    /// The date `count` calendar months later (earlier when negative). The day is clamped to the
    /// length of the resulting month: 31 January + 1 month = 28 February (29 in a leap year).
    public func adding(months count: Int) -> CivilDate {
        let zeroBased = year * 12 + (month - 1) + count
        let newYear = zeroBased >= 0 ? zeroBased / 12 : (zeroBased - 11) / 12
        let newMonth = zeroBased - newYear * 12 + 1
        let newDay = Swift.min(day, CivilDate.daysIn(month: newMonth, year: newYear))
        // Every component is in range here, so the failable initialiser cannot fail.
        return CivilDate(year: newYear, month: newMonth, day: newDay)!
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: CivilDate) -> Int { other.daysSinceEpoch - daysSinceEpoch }
}
