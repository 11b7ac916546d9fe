// Helpers for bus tests: a table that records handled events, and waiting with a deadline.

import Database
import EventBus
import Foundation
import TestSupport

/// Records each handled event in `handled` inside the consumer's transaction; the primary key
/// (group, event id) makes a duplicate delivery fail loudly.
func recordingHandler(group: String) -> EventConsumer.Handler {
    { events, connection in
        try connection.query(
            """
            INSERT INTO handled (consumer_group, event_id)
            SELECT $1, id FROM unnest($2::bigint[]) WITH ORDINALITY AS e(id, position) ORDER BY position
            """, [group, events.map(\.id)])
    }
}

/// Creates the `handled` table.
func createHandledTable(_ database: TestDatabase) throws {
    try database.query(
        """
        CREATE TABLE handled (
            seq            bigserial PRIMARY KEY,
            consumer_group text   NOT NULL,
            event_id       bigint NOT NULL,
            UNIQUE (consumer_group, event_id)
        )
        """)
}

/// Event ids a group handled, in the order it handled them.
func handledIDs(_ database: TestDatabase, group: String) throws -> [Int64] {
    try database.query("SELECT event_id FROM handled WHERE consumer_group = $1 ORDER BY seq", [group]).rows.map {
        try $0.decode("event_id", as: Int64.self)
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(120), _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try condition()
}
