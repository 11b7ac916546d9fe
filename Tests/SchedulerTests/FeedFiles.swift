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
        var gdmf = try JSONSerialization.jsonObject(with: AppleFeedSnapshots.gdmfCached()) as! [String: Any]
        var sofa = try JSONSerialization.jsonObject(with: AppleFeedSnapshots.sofaV2()) as! [String: Any]
        if let version {
            var data = gdmf["data"] as! [String: Any]
            for (key, value) in data {
                guard var platforms = value as? [String: Any], let mac = platforms["macOS"] as? [[String: Any]] else {
                    continue
                }
                platforms["macOS"] = mac.filter { $0["ProductVersion"] as? String != version }
                data[key] = platforms
            }
            gdmf["data"] = data
            var groups = sofa["OSVersions"] as! [[String: Any]]
            for index in groups.indices {
                var releases = groups[index]["SecurityReleases"] as! [[String: Any]]
                releases.removeAll { $0["ProductVersion"] as? String == version }
                groups[index]["SecurityReleases"] = releases
                if var latest = groups[index]["Latest"] as? [String: Any], latest["ProductVersion"] as? String == version,
                    let newest = releases.first
                {
                    for key in ["ProductVersion", "Build", "ReleaseDate", "ExpirationDate"] { latest[key] = newest[key] }
                    groups[index]["Latest"] = latest
                }
            }
            sofa["OSVersions"] = groups
        }
        try JSONSerialization.data(withJSONObject: gdmf).write(to: URL(fileURLWithPath: gdmfPath))
        try JSONSerialization.data(withJSONObject: sofa).write(to: URL(fileURLWithPath: sofaPath))
    }

    /// Overwrites one feed file with raw bytes.
    func overwrite(gdmf: Bool, with data: Data) throws {
        try data.write(to: URL(fileURLWithPath: gdmf ? gdmfPath : sofaPath))
    }
}
