-- 0008: Self Service major-upgrade requests (DOMAIN.md §6), one open request per Mac and major.
-- A revoked Mac (credential withdrawn) can no longer use Self Service.

CREATE TABLE self_service_requests (
    id              uuid        PRIMARY KEY,
    device_id       uuid        NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    major           integer     NOT NULL,
    item_id         uuid        REFERENCES items (id) ON DELETE SET NULL,
    target_version  text,
    state           text        NOT NULL CHECK (state IN
        ('requested', 'declared', 'downloading', 'prepared', 'installing', 'completed', 'failed', 'cancelled')),
    failure_reason  text,
    idempotency_key text,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    declared_at     timestamptz,
    finished_at     timestamptz
);

CREATE UNIQUE INDEX self_service_requests_open ON self_service_requests (device_id, major)
    WHERE state NOT IN ('completed', 'failed', 'cancelled');
CREATE UNIQUE INDEX self_service_requests_idempotency ON self_service_requests (device_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX self_service_requests_device ON self_service_requests (device_id, created_at);

ALTER TABLE devices ADD COLUMN self_service_revoked_at timestamptz;
