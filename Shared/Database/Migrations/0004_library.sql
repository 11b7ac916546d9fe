-- 0004: library-api's tables: Managed OS library items, classic blueprints and their items, hashed API
-- tokens and the audit log. Devices (0002) gain a foreign key to their blueprint.

-- One Managed OS library item. `config` is the domain's `ManagedOSItem` JSON (what the scheduler decodes);
-- label, major and installation method are copied out for filtering.
CREATE TABLE items (
    id                  uuid        PRIMARY KEY,
    label               text        NOT NULL CHECK (label <> ''),
    major               integer     NOT NULL,
    installation_method text        NOT NULL,
    config              jsonb       NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX items_major ON items (major);

-- Classic blueprints: a named list of items. Every Mac belongs to at most one.
CREATE TABLE blueprints (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL UNIQUE CHECK (name <> ''),
    description text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE blueprint_items (
    blueprint_id uuid NOT NULL REFERENCES blueprints (id) ON DELETE CASCADE,
    item_id      uuid NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    PRIMARY KEY (blueprint_id, item_id)
);

CREATE INDEX blueprint_items_item ON blueprint_items (item_id);

ALTER TABLE devices
    ADD CONSTRAINT devices_blueprint_fk FOREIGN KEY (blueprint_id) REFERENCES blueprints (id) ON DELETE SET NULL;

-- Bearer tokens of the admin API, stored as SHA-256 hex digests. A revoked token keeps its row.
CREATE TABLE api_tokens (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text        NOT NULL CHECK (name <> ''),
    token_hash text        NOT NULL UNIQUE,
    scopes     text[]      NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;

-- Every change made through the admin API: who (token name), when, what, before and after.
CREATE TABLE audit_log (
    id          bigserial   PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor       text        NOT NULL,
    action      text        NOT NULL,
    entity_type text        NOT NULL,
    entity_id   text        NOT NULL,
    before      jsonb,
    after       jsonb
);

CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, id);
