// DatabaseHealthCheck: the one question `GET /healthz` asks the database.

import Database

/// Something that can tell whether the database answers; `ConnectionPool` in production.
public protocol DatabaseHealthCheck: Sendable {
    /// `true` when a trivial query succeeds within a short timeout.
    func ping() async -> Bool
}

extension ConnectionPool: DatabaseHealthCheck {
    /// `SELECT 1` within the pool's default 2 s.
    public func ping() async -> Bool { await ping(timeout: .seconds(2)) }
}
