// EnforcementDeclaration: the part of a `softwareupdate.enforcement.specific` declaration a simulated Mac acts on.

import Foundation
import ManagedOSDomain

/// An OS enforcement as the Mac received it in a DDM sync: target version (and build, when declared) and the
/// deadline on the Mac's own wall clock (`TargetLocalDateTime`, no zone).
public struct EnforcementDeclaration: Sendable, Hashable {
    /// The declaration's identifier (`com.managedos.enforcement.os`).
    public var identifier: String
    /// `TargetOSVersion`.
    public var targetVersion: OSVersion
    /// `TargetBuildVersion`, when declared (BSI builds).
    public var targetBuild: String?
    /// `TargetLocalDateTime` as declared (`2026-08-27T09:00:00`).
    public var targetLocalDateTime: String
    /// The build the Mac reports once installed: the declared build, or the catalog's build of the version for
    /// this Mac's hardware (looked up by the driver); nil leaves the Mac to make one up.
    public var installedBuild: String?

    /// Creates a value from its parts.
    public init(
        identifier: String, targetVersion: OSVersion, targetBuild: String? = nil, targetLocalDateTime: String,
        installedBuild: String? = nil
    ) {
        self.identifier = identifier
        self.targetVersion = targetVersion
        self.targetBuild = targetBuild
        self.targetLocalDateTime = targetLocalDateTime
        self.installedBuild = installedBuild
    }

    /// Reads a declaration's `Payload` (`TargetOSVersion`, `TargetLocalDateTime`, optional `TargetBuildVersion`);
    /// nil when a required key is missing or the version does not parse.
    public init?(identifier: String, payload: [String: Any]) {
        guard let versionText = payload["TargetOSVersion"] as? String,
            let version = try? OSVersion(parsing: versionText),
            let local = payload["TargetLocalDateTime"] as? String
        else { return nil }
        self.init(
            identifier: identifier, targetVersion: version, targetBuild: payload["TargetBuildVersion"] as? String,
            targetLocalDateTime: local)
    }

    /// The deadline's instant on a Mac in `timeZone`; nil when `TargetLocalDateTime` does not parse.
    public func deadline(in timeZone: TimeZone) -> Date? {
        let parts = targetLocalDateTime.split(whereSeparator: { "-T:".contains($0) }).compactMap { Int($0) }
        guard parts.count == 6 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(
            from: DateComponents(
                year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4], second: parts[5]))
    }
}
