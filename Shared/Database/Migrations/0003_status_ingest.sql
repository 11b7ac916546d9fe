-- 0003: what status-ingest stores from the Macs' DDM status reports.
-- device_status: each Mac's current state (merged status items plus typed columns derived from them);
-- device_status_history: one row per report received (what it carried, when, whether it was applied);
-- status_reports_raw: the raw bodies, kept for a configurable number of days;
-- status_parse_errors: items of well-formed reports that had a wrong type.
-- Every report gets a number from status_report_sequence when it is written; a Mac's state only moves
-- forward in (received_at, sequence) order, so an earlier report never overwrites a later one.

CREATE SEQUENCE status_report_sequence;

-- identifier (prefixed with the manifest kind) → server-token of every declaration the Mac reported.
CREATE FUNCTION status_declaration_tokens(items jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(jsonb_object_agg(kinds.kind || '/' || (d->>'identifier'), d->'server-token'), '{}'::jsonb)
    FROM jsonb_each(CASE WHEN jsonb_typeof(items->'management.declarations') = 'object'
                         THEN items->'management.declarations' ELSE '{}'::jsonb END) AS kinds(kind, list),
         jsonb_array_elements(CASE WHEN jsonb_typeof(kinds.list) = 'array' THEN kinds.list ELSE '[]'::jsonb END) AS d
    WHERE jsonb_typeof(d) = 'object' AND d->>'identifier' IS NOT NULL
$$;

-- Digest of what the scheduler and the Self Service gateway react to: OS version and build, BSI, install
-- state, pending version, failure and declaration server tokens. A report that leaves it unchanged
-- publishes no device event.
CREATE FUNCTION status_relevant_digest(items jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT md5(jsonb_build_array(
        items->'device.operating-system.version',
        items->'device.operating-system.build-version',
        items->'device.operating-system.supplemental.build-version',
        items->'device.operating-system.supplemental.extra-version',
        items->'softwareupdate.install-state',
        items->'softwareupdate.pending-version',
        items->'softwareupdate.failure-reason',
        status_declaration_tokens(items))::text)
$$;

CREATE TABLE device_status (
    device_id                  uuid        PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    -- status item name → value, merged from every applied report since the last full one
    status_items               jsonb       NOT NULL DEFAULT '{}'::jsonb,
    -- the Errors array of the last report that carried one (reset by a full report)
    report_errors              jsonb,
    -- wrong-typed items of the last applied report ([] when it had none)
    parse_errors               jsonb       NOT NULL DEFAULT '[]'::jsonb,
    last_received_at           timestamptz NOT NULL,
    last_sequence              bigint      NOT NULL,
    last_full_report_at        timestamptz,
    updated_at                 timestamptz NOT NULL DEFAULT clock_timestamp(),
    os_version                 text GENERATED ALWAYS AS (status_items->>'device.operating-system.version') STORED,
    build_version              text GENERATED ALWAYS AS (status_items->>'device.operating-system.build-version') STORED,
    supplemental_build_version text GENERATED ALWAYS AS
        (status_items->>'device.operating-system.supplemental.build-version') STORED,
    supplemental_extra_version text GENERATED ALWAYS AS
        (status_items->>'device.operating-system.supplemental.extra-version') STORED,
    model_identifier           text GENERATED ALWAYS AS (status_items->>'device.model.identifier') STORED,
    install_state              text GENERATED ALWAYS AS (status_items->>'softwareupdate.install-state') STORED,
    pending_os_version         text GENERATED ALWAYS AS
        (status_items->'softwareupdate.pending-version'->>'os-version') STORED,
    pending_build_version      text GENERATED ALWAYS AS
        (status_items->'softwareupdate.pending-version'->>'build-version') STORED,
    target_local_date_time     text GENERATED ALWAYS AS
        (status_items->'softwareupdate.pending-version'->>'target-local-date-time') STORED,
    failure_count              integer GENERATED ALWAYS AS
        ((status_items->'softwareupdate.failure-reason'->>'count')::integer) STORED,
    failure_reason             text GENERATED ALWAYS AS
        (status_items->'softwareupdate.failure-reason'->>'reason') STORED,
    declaration_server_tokens  jsonb GENERATED ALWAYS AS (status_declaration_tokens(status_items)) STORED,
    relevant_digest            text GENERATED ALWAYS AS (status_relevant_digest(status_items)) STORED
);

CREATE INDEX device_status_os_version ON device_status (os_version, build_version);

CREATE TABLE device_status_history (
    sequence     bigint      PRIMARY KEY,
    device_id    uuid        NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    received_at  timestamptz NOT NULL,
    full_report  boolean     NOT NULL,
    -- false when a later report had already been applied (the report was too late to change the state)
    applied      boolean     NOT NULL,
    -- true when it changed something the scheduler or the gateway reacts to (a device event was published)
    relevant     boolean     NOT NULL,
    -- the status items the report carried
    items        jsonb       NOT NULL
);

CREATE INDEX device_status_history_device ON device_status_history (device_id, sequence);
CREATE INDEX device_status_history_received ON device_status_history (received_at);

CREATE TABLE status_reports_raw (
    sequence     bigint      PRIMARY KEY,
    device_id    uuid        NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    received_at  timestamptz NOT NULL,
    body         text        NOT NULL
);

CREATE INDEX status_reports_raw_received ON status_reports_raw (received_at);

CREATE TABLE status_parse_errors (
    id           bigserial   PRIMARY KEY,
    device_id    uuid        NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    sequence     bigint      NOT NULL,
    received_at  timestamptz NOT NULL,
    item         text        NOT NULL,
    message      text        NOT NULL
);

CREATE INDEX status_parse_errors_device ON status_parse_errors (device_id, id);
CREATE INDEX status_parse_errors_received ON status_parse_errors (received_at);
