// CommandResultPayload: the parts of a command result plist the product reads (OSUpdateStatus downloads).

import Foundation
import ManagedOSDomain

/// What a Mac's command result plist (the webhook's `raw_payload`) says about software updates.
///
/// An `OSUpdateStatus` result lists the Mac's pending updates, each with `IsDownloaded` and a `ProductKey`
/// (macOS 12+: `MSU_UPDATE_22G120_patch_13.6`); the version comes from `ProductVersion` when present, else
/// from the last `_`-separated part of the key that reads as a version with a dot.
public struct CommandResultPayload: Sendable, Equatable {
    /// Whether the plist holds an `OSUpdateStatus` array (it is a full snapshot of pending updates).
    public var isOSUpdateStatus: Bool
    /// The versions listed with `IsDownloaded` = true.
    public var downloadedVersions: [OSVersion]

    /// Reads `plist`; anything that is not a dictionary plist reads as no update facts.
    public init(plist: Data) {
        let root =
            (try? PropertyListSerialization.propertyList(from: plist, options: [], format: nil)) as? [String: Any]
        guard let updates = root?["OSUpdateStatus"] as? [Any] else {
            isOSUpdateStatus = false
            downloadedVersions = []
            return
        }
        isOSUpdateStatus = true
        downloadedVersions = updates.compactMap { entry in
            guard let update = entry as? [String: Any], update["IsDownloaded"] as? Bool == true else { return nil }
            return Self.version(of: update)
        }
    }

    /// The newest downloaded version, if any.
    public var newestDownloaded: OSVersion? { downloadedVersions.max() }

    static func version(of update: [String: Any]) -> OSVersion? {
        if let text = update["ProductVersion"] as? String, let version = try? OSVersion(parsing: text) {
            return version
        }
        guard let key = update["ProductKey"] as? String else { return nil }
        return key.split(separator: "_").reversed().lazy.compactMap { part -> OSVersion? in
            guard part.contains(".") else { return nil }
            return try? OSVersion(parsing: String(part))
        }.first
    }
}
