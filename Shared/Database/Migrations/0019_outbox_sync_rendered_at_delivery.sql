-- 0019: a DeclarativeManagement command is rendered when it is delivered, not when it is queued.
--
-- Its plist only carries the Mac's current SynchronizationTokens (the stored declaration set's token and change
-- instant), so the queued row keeps no payload (NULL) and declaration-publisher renders it from
-- declaration_sets when it claims the row. A fleet-wide change then queues rows of a few dozen bytes instead of
-- rendering, sending and storing a ~700-byte plist per Mac.
--
-- revision: bumped when a change is coalesced into a command that is still queued. Before, coalescing gave the
--   row a new command_uuid (its plist had to change), a unique-indexed column, so every coalesced row was a new
--   tuple in all six indexes. Now it touches no indexed column and can stay on its page (HOT; hence the
--   fillfactor). Delivery compares the revision it claimed: a command coalesced while in flight is queued again,
--   then with a new command_uuid (the MDM server refuses a UUID it has seen).

ALTER TABLE command_outbox ALTER COLUMN payload DROP NOT NULL;
ALTER TABLE command_outbox ADD COLUMN revision integer NOT NULL DEFAULT 0;
ALTER TABLE command_outbox
    ADD CONSTRAINT command_outbox_payload CHECK (payload IS NOT NULL OR request_type = 'DeclarativeManagement');
ALTER TABLE command_outbox SET (fillfactor = 80);
