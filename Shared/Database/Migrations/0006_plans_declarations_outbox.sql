-- 0006: what the scheduler materialises and the declaration-publisher serves and delivers.
-- evaluation_queue: Macs whose inputs changed and wait to be evaluated (durable, so a standby scheduler
--   finishes what a killed one started);
-- mac_plans: each Mac's current plan (the domain MacPlan as JSON plus columns for filtering);
-- declaration_sets / declarations: each Mac's DDM declarations, exactly the bytes served;
-- command_outbox: MDM commands (DeclarativeManagement, legacy ScheduleOSUpdate) waiting for delivery.

CREATE TABLE evaluation_queue (
    device_id   uuid        PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    reason      text        NOT NULL,
    enqueued_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE mac_plans (
    device_id          uuid        PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    plan               jsonb       NOT NULL,  -- the domain MacPlan
    plan_digest        text        NOT NULL,  -- SHA-256 of the plan without its evaluation instant
    compliance         text        NOT NULL,  -- ComplianceStatus raw value
    os_target_version  text,                  -- declared OS enforcement
    os_target_build    text,
    os_deadline        timestamptz,
    os_deadline_local  text,                  -- TargetLocalDateTime
    bsi_target_build   text,                  -- declared BSI enforcement
    bsi_deadline       timestamptz,
    days_remaining     integer,
    is_legacy          boolean     NOT NULL,
    next_evaluation_at timestamptz,
    evaluated_at       timestamptz NOT NULL,  -- when the plan last changed (equal re-evaluations write nothing)
    item_ids           uuid[]      NOT NULL DEFAULT '{}'  -- items that reach the Mac (for per-item views)
);

CREATE INDEX mac_plans_next_evaluation ON mac_plans (next_evaluation_at) WHERE next_evaluation_at IS NOT NULL;
CREATE INDEX mac_plans_compliance ON mac_plans (compliance);
CREATE INDEX mac_plans_item_ids ON mac_plans USING gin (item_ids);

-- A Mac's declaration set: the token over its (identifier, server token) pairs and the manifest served.
CREATE TABLE declaration_sets (
    device_id          uuid        PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    declarations_token text        NOT NULL,
    manifest           text        NOT NULL,  -- the declaration-items response body, byte for byte
    updated_at         timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE declarations (
    device_id    uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('activation', 'asset', 'configuration', 'management')),
    identifier   text NOT NULL,
    server_token text NOT NULL,
    body         text NOT NULL,  -- the declaration JSON, byte for byte
    PRIMARY KEY (device_id, kind, identifier)
);

-- MDM commands to deliver to the MDM server's API. `coalesce_key` collapses commands queued for the same
-- purpose (a burst of token changes is one DeclarativeManagement command); `dedupe_key` makes a command
-- happen once ever (a legacy ScheduleOSUpdate per Mac, version and action). `not_before` delays a command
-- (a legacy install at its deadline).
CREATE TABLE command_outbox (
    id              bigserial   PRIMARY KEY,
    device_id       uuid        NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    enrollment_id   text        NOT NULL,
    command_uuid    uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    request_type    text        NOT NULL,
    payload         text        NOT NULL,  -- the command plist
    coalesce_key    text,
    dedupe_key      text        UNIQUE,
    state           text        NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    not_before      timestamptz NOT NULL DEFAULT clock_timestamp(),
    next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    delivered_at    timestamptz,
    result_status   text,                  -- the Mac's answer when reported (Acknowledged, Error, ...)
    result_at       timestamptz
);

CREATE UNIQUE INDEX command_outbox_coalesce ON command_outbox (coalesce_key)
    WHERE state = 'queued' AND coalesce_key IS NOT NULL;
CREATE INDEX command_outbox_due ON command_outbox (next_attempt_at, id) WHERE state = 'queued';
CREATE INDEX command_outbox_device ON command_outbox (device_id, id);
