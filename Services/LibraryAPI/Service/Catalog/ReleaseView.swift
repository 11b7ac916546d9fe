// ReleaseView: one catalog release as the API lists it, with its approval standing at the request's instant.

import Foundation
import ManagedOSDomain

/// A release of the catalog: identity, dates, CVEs, and where it stands in approval.
struct ReleaseView: Encodable, Sendable {
    /// Where the release stands in approval.
    struct Approval: Encodable, Sendable {
        /// `approved`, `pendingHold`, `held` or `revoked`.
        var state: String
        /// The admin's decision, if any (`approved`, `held`, `revoked`); nil = automatic.
        var override: String?
        /// The day automatic approval applies (release date + hold days).
        var automaticApprovalDate: String
    }

    var id: String
    var major: Int
    var version: String
    var build: String?
    /// `update` or `backgroundSecurityImprovement`.
    var kind: String
    var extraVersion: String?
    var releaseDate: String
    var expirationDate: String?
    var expired: Bool
    var deviceSpecific: Bool
    var cveCount: Int
    var activelyExploitedCVEs: [String]
    var activelyExploited: Bool
    var approval: Approval

    /// The view of `release` in `catalog` at `now`.
    init(_ release: Release, catalog: ReleaseCatalog, now: Date) {
        id = release.id
        major = release.major
        version = release.version.description
        build = release.build?.rawValue
        switch release.kind {
        case .update:
            kind = "update"
            extraVersion = nil
        case .backgroundSecurityImprovement(let extra, _):
            kind = "backgroundSecurityImprovement"
            extraVersion = extra
        }
        releaseDate = release.releaseDate.description
        expirationDate = release.expirationDate?.description
        expired = !catalog.isInstallable(release, at: now)
        deviceSpecific = release.isDeviceSpecific
        cveCount = release.cveCount
        activelyExploitedCVEs = release.activelyExploitedCVEs
        activelyExploited = release.fixesActivelyExploitedCVEs
        let state: String
        switch catalog.approvalState(of: release, at: now) {
        case .approved: state = "approved"
        case .pendingHold: state = "pendingHold"
        case .held: state = "held"
        case .revoked: state = "revoked"
        }
        approval = Approval(
            state: state, override: catalog.approvalPolicy.overrides[release.id]?.rawValue,
            automaticApprovalDate: catalog.approvalPolicy.automaticApprovalDate(of: release).description)
    }
}

/// One major of the catalog listing: its latest approved update (what an up-to-date Mac runs) and every
/// release, newest first.
struct CatalogMajorView: Encodable, Sendable {
    var major: Int
    var latestApproved: ReleaseView?
    var releases: [ReleaseView]
}

/// The answer of `GET /v1/catalog/releases`.
struct CatalogListing: Encodable, Sendable {
    var source: CatalogInEffect.Source
    var holdDays: Int
    var evaluatedAt: Date
    var majors: [CatalogMajorView]

    /// The listing of `inEffect` at `now`, optionally of one major.
    init(_ inEffect: CatalogInEffect, major: Int?, now: Date) {
        let catalog = inEffect.catalog
        source = inEffect.source
        holdDays = catalog.approvalPolicy.holdDays
        evaluatedAt = now
        var byMajor: [Int: [Release]] = [:]
        for release in catalog.releases where major == nil || release.major == major {
            byMajor[release.major, default: []].append(release)
        }
        majors = byMajor.keys.sorted(by: >).map { major in
            let releases = byMajor[major]!.sorted { ($0.version, $0.id) > ($1.version, $1.id) }
            let latest = catalog.updates(major: major).last {
                catalog.isApproved($0, at: now) && catalog.isInstallable($0, at: now)
            }
            return CatalogMajorView(
                major: major, latestApproved: latest.map { ReleaseView($0, catalog: catalog, now: now) },
                releases: releases.map { ReleaseView($0, catalog: catalog, now: now) })
        }
    }
}
