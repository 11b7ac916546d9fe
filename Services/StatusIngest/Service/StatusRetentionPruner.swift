// StatusRetentionPruner: periodically deletes old history, raw reports and parse errors.

import Database
import Logging
import ServiceLifecycle

/// Applies the retention settings every `interval`: history and parse errors older than
/// `historyRetentionDays`, history beyond the newest `historyMaximumPerDevice` per Mac, raw bodies older
/// than `rawRetentionDays`.
public struct StatusRetentionPruner: Service {
    let pool: ConnectionPool
    let settings: StatusIngestSettings
    let logger: Logger

    /// Creates a pruner.
    public init(pool: ConnectionPool, settings: StatusIngestSettings, logger: Logger) {
        self.pool = pool
        self.settings = settings
        self.logger = logger
    }

    /// Prunes, then waits `interval`, until graceful shutdown.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let deleted = try await pruneOnce()
                    logger.debug("status retention applied", metadata: ["db.rows_deleted": "\(deleted)"])
                } catch {
                    logger.warning("status retention failed", metadata: ["error.message": "\(error)"])
                }
                try await Task.sleep(for: settings.pruneInterval)
            }
        }
    }

    /// Runs one pruning pass; returns the number of rows deleted.
    @discardableResult
    public func pruneOnce() async throws -> Int {
        let settings = self.settings
        return try await pool.withTransaction { connection in
            var deleted = try connection.execute(
                "DELETE FROM device_status_history WHERE received_at < now() - make_interval(days => $1::integer)",
                [settings.historyRetentionDays])
            if settings.historyMaximumPerDevice > 0 {
                deleted += try connection.execute(
                    """
                    DELETE FROM device_status_history h
                    USING (SELECT sequence FROM (
                               SELECT sequence,
                                      row_number() OVER (PARTITION BY device_id ORDER BY sequence DESC) AS position
                               FROM device_status_history) ranked
                           WHERE position > $1::integer) old
                    WHERE h.sequence = old.sequence
                    """, [settings.historyMaximumPerDevice])
            }
            deleted += try connection.execute(
                "DELETE FROM status_parse_errors WHERE received_at < now() - make_interval(days => $1::integer)",
                [settings.historyRetentionDays])
            deleted += try connection.execute(
                "DELETE FROM status_reports_raw WHERE received_at < now() - make_interval(days => $1::integer)",
                [settings.rawRetentionDays])
            return deleted
        }
    }
}
