-- 0002: the Macs the product manages. Registered by library-api (or auto-registered by status-ingest
-- when configured); each Mac belongs to at most one blueprint. Status and plans live in their own tables.

CREATE TABLE devices (
    id                           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    enrollment_id                text        NOT NULL UNIQUE CHECK (enrollment_id <> ''),
    serial_number                text,
    model_identifier             text,
    board_id                     text,
    blueprint_id                 uuid,
    tags                         text[]      NOT NULL DEFAULT '{}',
    time_zone                    text,
    assigned_user                text,
    self_service_credential_hash text,
    registered_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX devices_blueprint ON devices (blueprint_id);
