// FeedFiles: copies of the bundled Apple feeds written to a temporary folder, optionally without one
// release, so a test can make a release "appear" by rewriting the file.

import AppleFeedSnapshots
import Foundation
import SchedulerService

/// Feed files in a temporary folder; `gdmf` and `sofa` are the sources to configure.
struct FeedFiles {
    let folder: URL
    var gdmfPath: String { folder.appendingPathComponent("gdmf.json").path }
    var sofaPath: String { folder.appendingPathComponent("sofa.json").path }
    var gdmf: FeedSource { .file(path: gdmfPath) }
    var sofa: FeedSource { .file(path: sofaPath) }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("feeds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    /// Writes both bundled feeds, leaving out every entry of `withoutVersion` when given.
    func write(withoutVersion version: String? = nil) throws {
        let feeds =
            if let version { try AppleFeedSnapshots.feeds(withoutVersion: version) } else {
                (gdmf: try AppleFeedSnapshots.gdmfCached(), sofa: try AppleFeedSnapshots.sofaV2())
            }
        try feeds.gdmf.write(to: URL(fileURLWithPath: gdmfPath))
        try feeds.sofa.write(to: URL(fileURLWithPath: sofaPath))
    }

    /// Overwrites one feed file with raw bytes.
    func overwrite(gdmf: Bool, with data: Data) throws {
        try data.write(to: URL(fileURLWithPath: gdmf ? gdmfPath : sofaPath))
    }
}
