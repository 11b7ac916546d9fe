// ServiceLogHandler: swift-log's stream format to standard error, with metadata formatted only when a line is written.

import Foundation
import Logging
import Synchronization

/// Writes `<ISO 8601 time> <level> <label>: <metadata> [<source>] <message>` lines to standard error, one
/// `write` per line. Unlike `StreamLogHandler`, which formats its metadata again every time an entry is set,
/// it keeps metadata as given and formats it only for a line that is written: Hummingbird sets a request id
/// on every request's logger, and at info level most of those loggers write nothing.
public struct ServiceLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let write: @Sendable (String) -> Void

    private static let standardErrorLock = Mutex(())

    /// A handler for the logger labelled `label`, writing each line with `write` (standard error by default).
    public init(
        label: String, metadataProvider: Logger.MetadataProvider? = nil,
        write: @escaping @Sendable (String) -> Void = ServiceLogHandler.writeToStandardError
    ) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    /// Writes `line` to standard error in one call, one line at a time across threads.
    @Sendable public static func writeToStandardError(_ line: String) {
        standardErrorLock.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let time = Date().formatted(.iso8601)
        write(
            "\(time) \(event.level) \(label):\(fields.isEmpty ? "" : " " + fields) [\(event.source)] \(event.message)\n"
        )
    }
}
