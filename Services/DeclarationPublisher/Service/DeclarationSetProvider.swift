// DeclarationSetProvider: a Mac's answers from the cache, or from the database on a miss.

import Database
import EventBus
import FleetStore
import Foundation

/// Finds a Mac's answers by enrollment id: the replica's cache first, then the database (one statement).
public struct DeclarationSetProvider: Sendable {
    let pool: ConnectionPool
    let cache: DeviceCache<CachedDeclarationSet>

    /// Creates a provider over `pool` and `cache`.
    public init(pool: ConnectionPool, cache: DeviceCache<CachedDeclarationSet>) {
        self.pool = pool
        self.cache = cache
    }

    /// The Mac's answers; nil when no Mac has this enrollment id.
    public func answers(enrollmentID: String) async throws -> CachedDeclarationSet? {
        if let hit = cache.lookup(enrollmentID) { return hit }
        let ticket = cache.ticket()
        guard
            let stored = try await pool.withConnection({
                try DeclarationSetStore.load(enrollmentID: enrollmentID, on: $0)
            })
        else { return nil }
        let entry = CachedDeclarationSet(stored)
        cache.insert(entry, key: enrollmentID, ticket: ticket)
        return entry
    }
}
