// MacUpdatesProvider: a Mac's updates answer from the replica's cache, or from the database on a miss.

import Database
import EventBus
import Foundation
import NIOCore

/// Answers `GET /v1/me/updates` by credential digest (``MacCredential/key``): the replica's cache first (kept true by the `plan` and
/// `device` events, and only while its bytes hold at the request's time), then the database (one statement).
/// An unknown or revoked credential is never cached, so it is a 401 read from the database every time.
struct MacUpdatesProvider: Sendable {
    let pool: ConnectionPool
    let cache: DeviceCache<CachedMacUpdates>

    /// The encoded answer for the Mac holding `credential` at `now`; throws the 401 for an unknown or revoked
    /// credential.
    func answer(for credential: MacCredential, now: Date) async throws -> ByteBuffer {
        if let hit = cache.lookup(credential.key), hit.holds(at: now) { return hit.body }
        let ticket = cache.ticket()
        let source = try await pool.withConnection { try MacUpdatesSource.load(credential, on: $0) }
        let entry = try CachedMacUpdates(source, now: now)
        cache.insert(entry, key: credential.key, ticket: ticket)
        return entry.body
    }
}
