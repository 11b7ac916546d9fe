// BSIEnforcement: whether Background Security Improvements are enforced, and on what schedule.

/// Background Security Improvement enforcement (DOMAIN.md §3). It applies only to Macs already on the
/// latest approved version of the latest major, on the BSI's base version and build.
public enum BSIEnforcement: Sendable, Hashable, Codable {
    /// BSIs are not enforced.
    case none
    /// A BSI is due `timeframe` after its release date at `time` (in the item's enforcement time zone
    /// for legacy Macs, local time under DDM).
    case automatic(timeframe: EnforcementTimeframe, time: EnforcementTime)
}
