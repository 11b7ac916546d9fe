-- 0001: the durable event bus. Events are rows; NOTIFY only wakes readers.
-- Publishers take a transaction-scoped advisory lock before inserting, so event ids are assigned in
-- commit order and a consumer reading `id > cursor` never skips an event that commits late.

CREATE TABLE bus_events (
    id           bigserial PRIMARY KEY,
    topic        text        NOT NULL CHECK (topic <> ''),
    entity       text        NOT NULL,
    payload      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    published_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX bus_events_topic_id ON bus_events (topic, id);

-- One durable cursor per consumer group: the id of the last event the group has handled.
CREATE TABLE bus_cursors (
    consumer_group text        PRIMARY KEY,
    last_event_id  bigint      NOT NULL DEFAULT 0,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
