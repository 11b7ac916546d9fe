-- 0023: room on each device_status page for a row's next version, so status-ingest's updates are HOT.
-- Every report rewrites its Mac's row (about 2 kB with its items). With full pages (fillfactor 100) each new
-- version went to another page: a new entry in both indexes per report, and dead index entries for autovacuum
-- to scan away, whose passes over the table were the slow requests at half load. With half of each page free,
-- the new version stays on its page, no index changes (neither indexed column changes), and the dead
-- version is pruned when the page is next used. Applies to pages written from now on.
ALTER TABLE device_status SET (fillfactor = 50);
