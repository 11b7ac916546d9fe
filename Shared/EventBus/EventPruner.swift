// EventPruner: deletes events every consumer group has passed.

import Database

/// Deletes events that every registered consumer group has already handled.
public enum EventPruner {
    /// Deletes events at or below the slowest group's cursor; returns how many were deleted.
    /// With no registered group nothing is deleted (an event nobody has read is kept).
    @discardableResult
    public static func prune(on connection: DatabaseConnection) throws -> Int {
        try connection.execute(
            """
            DELETE FROM bus_events
            WHERE id <= (SELECT min(last_event_id) FROM bus_cursors)
            """)
    }
}
