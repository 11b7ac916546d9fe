-- 0021: the large status values are compressed with lz4 instead of pglz.
--
-- A Mac's status items (2–4 KB), each history row's items and each raw report body pass PostgreSQL's 2 KB
-- threshold, so every status report was compressed three times with pglz: a tenth of PostgreSQL's time while
-- status-ingest was saturated (perf). lz4 compresses several times faster and reads back faster; values stored
-- before keep pglz (each value records its method) and read back as before.
ALTER TABLE device_status ALTER COLUMN status_items SET COMPRESSION lz4;
ALTER TABLE device_status ALTER COLUMN declaration_server_tokens SET COMPRESSION lz4;
ALTER TABLE device_status_history ALTER COLUMN items SET COMPRESSION lz4;
ALTER TABLE status_reports_raw ALTER COLUMN body SET COMPRESSION lz4;
