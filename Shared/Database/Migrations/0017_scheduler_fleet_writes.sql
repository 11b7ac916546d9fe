-- 0017: cheaper fleet-wide writes for the scheduler, which rewrites up to every Mac's plan when a release
-- appears (measured with 10,000 and 100,000 rows on the benchmark machine).
--
-- A Mac's plan is stored as `json` (the text as the scheduler wrote it, validated) instead of `jsonb`:
-- building jsonb's binary form was a fifth of PostgreSQL's share of the plan upsert (10,000 upserts: 0.65 s
-- as jsonb, 0.50 s as json). Readers take the whole text, or a few fields with `->` / `->>`, which json has.
ALTER TABLE mac_plans ALTER COLUMN plan TYPE json USING plan::json;

-- The evaluation queue is a work list filled from `devices` itself (INSERT … SELECT id FROM devices), so its
-- foreign key only re-checked every queued id: more than half of queueing the whole fleet (100,000 Macs:
-- 2.7 s with the check, 1.2 s without). A queued id whose Mac was deleted meanwhile is loaded as no Mac and
-- removed with its batch; deleting a Mac also removes its queue row (library-api).
ALTER TABLE evaluation_queue DROP CONSTRAINT evaluation_queue_device_id_fkey;
