-- 0015: the reported model family as a stored column, like the other status items the fleet views read
-- (0003). Loading the whole fleet (library-api's preview, save warnings, item deletion counts) then reads
-- only narrow columns and never detoasts status_items, which holds every status item a Mac reported —
-- client capabilities and declaration lists included, kilobytes per Mac.

ALTER TABLE device_status
    ADD COLUMN model_family text GENERATED ALWAYS AS (status_items->>'device.model.family') STORED;
