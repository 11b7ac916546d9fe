// CatalogInEffect: the release catalog the API answers with, and where it came from.

import ManagedOSDomain

/// The catalog a request used: the scheduler's (database) or, while the database has none, the bundled
/// Apple snapshot (with the database's approvals and hold).
struct CatalogInEffect: Sendable {
    /// Where the releases came from.
    enum Source: String, Sendable, Codable {
        /// `catalog_releases`, kept current by the scheduler.
        case database
        /// The bundled snapshot, used while `catalog_releases` is empty.
        case bundledSnapshot
    }

    /// The catalog with its approval policy.
    var catalog: ReleaseCatalog
    /// Where the releases came from.
    var source: Source
}
