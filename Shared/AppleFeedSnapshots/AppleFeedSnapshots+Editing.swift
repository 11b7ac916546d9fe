// AppleFeedSnapshots+Editing: the bundled feeds with one version left out, so tests, benchmarks and the demo
// can make a release "appear" by serving the full feed afterwards.

import Foundation

extension AppleFeedSnapshots {
    /// The bundled GDMF (`gdmfCached`) and SOFA v2 feeds as JSON, without any entry of `version`
    /// (SOFA's `Latest` of that major then names the newest remaining release).
    public static func feeds(withoutVersion version: String) throws -> (gdmf: Data, sofa: Data) {
        var gdmf = try JSONSerialization.jsonObject(with: gdmfCached()) as? [String: Any] ?? [:]
        var sofa = try JSONSerialization.jsonObject(with: sofaV2()) as? [String: Any] ?? [:]
        if var data = gdmf["data"] as? [String: Any] {
            for (key, value) in data {
                guard var platforms = value as? [String: Any], let mac = platforms["macOS"] as? [[String: Any]] else {
                    continue
                }
                platforms["macOS"] = mac.filter { $0["ProductVersion"] as? String != version }
                data[key] = platforms
            }
            gdmf["data"] = data
        }
        if var groups = sofa["OSVersions"] as? [[String: Any]] {
            for index in groups.indices {
                var releases = groups[index]["SecurityReleases"] as? [[String: Any]] ?? []
                releases.removeAll { $0["ProductVersion"] as? String == version }
                groups[index]["SecurityReleases"] = releases
                if var latest = groups[index]["Latest"] as? [String: Any],
                    latest["ProductVersion"] as? String == version, let newest = releases.first
                {
                    for key in ["ProductVersion", "Build", "ReleaseDate", "ExpirationDate"] { latest[key] = newest[key] }
                    groups[index]["Latest"] = latest
                }
            }
            sofa["OSVersions"] = groups
        }
        return (try JSONSerialization.data(withJSONObject: gdmf), try JSONSerialization.data(withJSONObject: sofa))
    }
}
