// SoftwareUpdateInstallState: the DDM `softwareupdate.install-state` value, tolerant of unknown strings.

/// The DDM status item `softwareupdate.install-state`. Apple's list is `none`, `downloading`,
/// `prepared`, `installing`, `failed`; `waiting` appears in Apple's prose; any other string is kept
/// as `other` rather than rejected.
public enum SoftwareUpdateInstallState: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Nothing pending (and the last update succeeded).
    case none
    /// Waiting to start.
    case waiting
    /// Downloading the update.
    case downloading
    /// Downloaded and prepared: the update is cached and notifications start.
    case prepared
    /// Installing.
    case installing
    /// The install failed.
    case failed
    /// A value this code does not know.
    case other(String)

    /// Reads the reported string (case-insensitive for the known values).
    public init(reported text: String) {
        switch text.lowercased() {
        case "none": self = .none
        case "waiting": self = .waiting
        case "downloading": self = .downloading
        case "prepared": self = .prepared
        case "installing": self = .installing
        case "failed": self = .failed
        default: self = .other(text)
        }
    }

    /// The string as it appears in status reports.
    public var reportedValue: String {
        switch self {
        case .none: "none"
        case .waiting: "waiting"
        case .downloading: "downloading"
        case .prepared: "prepared"
        case .installing: "installing"
        case .failed: "failed"
        case .other(let text): text
        }
    }

    /// Whether an install is under way (downloading, prepared or installing).
    public var isInProgress: Bool {
        switch self {
        case .downloading, .prepared, .installing: true
        default: false
        }
    }

    public var description: String { reportedValue }

    public init(from decoder: any Decoder) throws {
        self.init(reported: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(reportedValue)
    }
}
