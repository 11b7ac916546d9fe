-- 0013: what legacy Macs (macOS 13 and earlier) report through the MDM server's command results, written by
-- declaration-publisher's webhook (NanoMDM `-webhook-url`). Command results themselves go to
-- command_outbox.result_status / result_at (0006); this table holds the per-Mac facts the scheduler reads.
--
-- downloaded_version: the newest macOS version an `OSUpdateStatus` result listed with IsDownloaded = true;
--   NULL when the latest such result listed none. An acknowledged download-only `ScheduleOSUpdate` does not set
--   it (it means the Mac accepted the download, not that it finished). The Mac has a downloaded update waiting
--   (MacState.legacyUpdateDownloaded) when downloaded_version is newer than its installed macOS version.
-- downloaded_reported_at: when that OSUpdateStatus result arrived.
-- last_result_at: when the Mac last answered one of our commands (or sent an OSUpdateStatus result).

CREATE TABLE legacy_update_results (
    device_id              uuid        PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    downloaded_version     text,
    downloaded_reported_at timestamptz,
    last_result_at         timestamptz NOT NULL DEFAULT clock_timestamp()
);
