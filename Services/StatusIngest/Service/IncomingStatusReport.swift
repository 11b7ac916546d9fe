// IncomingStatusReport: a parsed report with who sent it and when it arrived; StatusWriteOutcome: what became of it.

import Foundation

/// A status report as received: the Mac's enrollment id, the receipt time and the parsed and raw body.
public struct IncomingStatusReport: Sendable {
    /// `X-Enrollment-ID` (NanoMDM's enrollment id: the UDID on the device channel).
    public var enrollmentID: String
    /// When this replica received the report; a Mac's state only moves forward in this order.
    public var receivedAt: Date
    /// The parsed report.
    public var report: StatusReport
    /// The body as received (valid UTF-8), kept in `status_reports_raw`.
    public var body: String

    /// Creates an incoming report.
    public init(enrollmentID: String, receivedAt: Date, report: StatusReport, body: String) {
        self.enrollmentID = enrollmentID
        self.receivedAt = receivedAt
        self.report = report
        self.body = body
    }
}

/// What writing one report did.
public enum StatusWriteOutcome: Sendable, Equatable {
    /// Committed. `applied` is false when a later report of the Mac was already stored (the state was left
    /// alone; the report is still in the history); `published` when a device event was published.
    case stored(deviceID: UUID, sequence: Int64, applied: Bool, published: Bool)
    /// No Mac with this enrollment id (and auto-registration is off); nothing was stored.
    case unknownEnrollment
}
