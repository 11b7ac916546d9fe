-- 0011: the scheduler takes queued Macs oldest first; an index keeps that cheap for a queue of a whole fleet.

CREATE INDEX evaluation_queue_order ON evaluation_queue (enqueued_at, device_id);
