// AppleFeedSnapshots: the bundled 2026-08-22 Apple/SOFA feed snapshots and the default catalog built from them.

import Foundation
import ManagedOSDomain

/// Offline copies of Apple's GDMF and SOFA feeds (macadmins/sofa at 2026-08-22; see
/// `Resources/PROVENANCE.md`), and the default catalog merged from them.
///
/// Used when no live feed is available and as test fixtures. The data is a snapshot: by late
/// November 2026 every release in it has expired.
public enum AppleFeedSnapshots {
    /// Why a snapshot could not be loaded.
    public enum LoadError: Error, Equatable, Sendable {
        /// The bundled resource is missing or unreadable (names its path under `Resources/`).
        case missingResource(String)
    }

    /// The UTC day the snapshot was taken: 2026-08-22.
    public static let snapshotDate = CivilDate(year: 2026, month: 8, day: 22)!

    /// SOFA's cached GDMF `pmv` response (`{"etag", "data"}` wrapper), retrieved 2026-08-22.
    public static func gdmfCached() throws -> Data { try resource("gdmf/gdmf_cached.json") }
    /// A raw GDMF `pmv` response from 2026-04-12.
    public static func gdmfApril2026() throws -> Data { try resource("gdmf/gdmf_data_20260412_010613.json") }
    /// SOFA's GDMF first-seen log (NDJSON).
    public static func gdmfHistory() throws -> Data { try resource("gdmf/gdmf_history.ndjson") }
    /// The SOFA v1 macOS feed.
    public static func sofaV1() throws -> Data { try resource("v1/macos_data_feed.json") }
    /// SOFA's `v1/timestamp.json` (malformed `LastCheck`).
    public static func sofaV1Timestamp() throws -> Data { try resource("v1/timestamp.json") }
    /// The SOFA v2 macOS feed.
    public static func sofaV2() throws -> Data { try resource("v2/macos_data_feed.json") }

    /// The builder with every snapshot parsed: both GDMF responses, the first-seen log, SOFA v1 and v2.
    public static func catalogBuilder() throws -> CatalogBuilder {
        CatalogBuilder(
            gdmf: [try GDMFFeed(parsing: gdmfApril2026()), try GDMFFeed(parsing: gdmfCached())],
            history: try GDMFHistory(parsing: gdmfHistory()),
            sofa: [try SOFAFeed(parsing: sofaV1()), try SOFAFeed(parsing: sofaV2())])
    }

    /// The catalog merged from every bundled snapshot.
    public static func defaultCatalog(approvalPolicy: ReleaseApprovalPolicy = .init()) throws -> ReleaseCatalog {
        try catalogBuilder().build(approvalPolicy: approvalPolicy)
    }

    /// The bytes of `Resources/<path>`.
    private static func resource(_ path: String) throws -> Data {
        // `.copy("Resources")` keeps the folder: on Linux it sits directly in the bundle directory,
        // on Darwin under the bundle's resource directory.
        let bundle = Bundle.module
        for base in [bundle.resourceURL, bundle.bundleURL].compactMap({ $0 }) {
            let url = base.appendingPathComponent("Resources").appendingPathComponent(path)
            if let data = try? Data(contentsOf: url) { return data }
        }
        throw LoadError.missingResource(path)
    }
}
