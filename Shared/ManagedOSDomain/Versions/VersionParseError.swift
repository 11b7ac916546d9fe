// VersionParseError: why a version, build or BSI text could not be read.

/// Why a version, build or Background Security Improvement text could not be parsed; names the text.
public enum VersionParseError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidVersion(String)
    case invalidBuild(String)
    case invalidExtraVersion(String)

    public var description: String {
        switch self {
        case .invalidVersion(let text): "invalid macOS version \"\(text)\""
        case .invalidBuild(let text): "invalid macOS build \"\(text)\""
        case .invalidExtraVersion(let text): "invalid BSI extra version \"\(text)\""
        }
    }
}
