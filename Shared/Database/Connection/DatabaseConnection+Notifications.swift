// DatabaseConnection+Notifications: LISTEN, NOTIFY (as parameters) and waiting for notifications.

import CLibPQ
import Foundation

/// A notification received on a LISTENing connection.
public struct DatabaseNotification: Sendable, Hashable {
    /// The channel it was sent on.
    public let channel: String
    /// The payload (may be empty).
    public let payload: String
    /// The server process that sent it.
    public let senderPID: Int32
}

extension DatabaseConnection {
    /// Starts listening on `channel`. The channel name is quoted by libpq (`PQescapeIdentifier`),
    /// never spliced raw.
    public func listen(_ channel: String) throws {
        try executeScript("LISTEN \(try quotedIdentifier(channel))")
    }

    /// Stops listening on `channel`.
    public func unlisten(_ channel: String) throws {
        try executeScript("UNLISTEN \(try quotedIdentifier(channel))")
    }

    /// Sends a notification with `pg_notify($1, $2)` (delivered when the surrounding transaction commits).
    public func notify(_ channel: String, payload: String = "") throws {
        try query("SELECT pg_notify($1, $2)", [channel, payload])
    }

    /// Waits up to `timeout` for notifications and returns all that arrived (possibly none).
    /// Throws `.connectionLost` when the connection broke.
    public func waitForNotifications(timeout: Duration) throws -> [DatabaseNotification] {
        var received = drainNotifications()
        if !received.isEmpty { return received }
        let socket = PQsocket(handle)
        guard socket >= 0 else {
            throw DatabaseError(code: .connectionLost, message: "connection has no socket", sqlState: "08006")
        }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let ready = poll(&descriptor, 1, milliseconds)
        if ready < 0 && errno != EINTR {
            throw DatabaseError(code: .connectionLost, message: "poll failed: \(errno)", sqlState: "08006")
        }
        if ready > 0 {
            if PQconsumeInput(handle) == 0 || PQstatus(handle) != CONNECTION_OK {
                throw DatabaseError(
                    code: .connectionLost, message: Self.clean(String(cString: PQerrorMessage(handle))),
                    sqlState: "08006")
            }
            received = drainNotifications()
        }
        return received
    }

    private func drainNotifications() -> [DatabaseNotification] {
        var received: [DatabaseNotification] = []
        while let notification = PQnotifies(handle) {
            received.append(
                DatabaseNotification(
                    channel: String(cString: notification.pointee.relname),
                    payload: String(cString: notification.pointee.extra),
                    senderPID: notification.pointee.be_pid))
            PQfreemem(notification)
        }
        return received
    }

    /// Quotes an identifier with libpq's `PQescapeIdentifier`, for the few statements that cannot take
    /// parameters (`LISTEN`, `CREATE DATABASE`).
    public func quotedIdentifier(_ name: String) throws -> String {
        guard !name.utf8.contains(0), let escaped = PQescapeIdentifier(handle, name, name.utf8.count) else {
            throw DatabaseError(code: .invalidParameter, message: "invalid identifier")
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }
}
