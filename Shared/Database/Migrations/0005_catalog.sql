-- 0005: the Apple release catalog the scheduler keeps from GDMF and SOFA, and the admins' approvals.
-- catalog_releases holds one row per domain `Release` (its Codable JSON in `release`, what every reader
-- decodes); a release that leaves every feed keeps its row with `removed_at` set. catalog_sources records
-- each feed's conditional-request validators, last success and last error (shown by library-api).

CREATE TABLE catalog_releases (
    id                      text        PRIMARY KEY,  -- Release.id: "<version>[ <extra>]/<build or ->"
    major                   integer     NOT NULL,
    version                 text        NOT NULL,
    build                   text,
    extra_version           text,                     -- BSIs only, "(a)"
    is_bsi                  boolean     NOT NULL,
    release_date            date        NOT NULL,
    expiration_date         date,
    cve_count               integer     NOT NULL DEFAULT 0,
    actively_exploited_cves text[]      NOT NULL DEFAULT '{}',
    release                 jsonb       NOT NULL,     -- the domain Release
    content_digest          text        NOT NULL,     -- SHA-256 of `release`; a change publishes a catalog event
    first_seen_at           timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    removed_at              timestamptz
);

CREATE INDEX catalog_releases_major ON catalog_releases (major, release_date);

-- Board id → model identifier, from GDMF and SOFA.
CREATE TABLE catalog_models (
    board_id         text PRIMARY KEY,
    model_identifier text NOT NULL
);

-- One row per feed the scheduler reads ('gdmf', 'sofa').
CREATE TABLE catalog_sources (
    name            text        PRIMARY KEY,
    location        text        NOT NULL,  -- URL or file path
    etag            text,
    last_modified   text,
    content_digest  text,                  -- SHA-256 of the last body parsed successfully
    last_attempt_at timestamptz,
    last_success_at timestamptz,
    last_error      text,                  -- nil after a success
    last_error_at   timestamptz
);

-- The fleet-wide automatic approval hold (a release is approved N days after its release date).
CREATE TABLE catalog_settings (
    id         boolean     PRIMARY KEY DEFAULT true CHECK (id),
    hold_days  integer     NOT NULL DEFAULT 0 CHECK (hold_days BETWEEN 0 AND 365),
    updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO catalog_settings DEFAULT VALUES;

-- An admin's explicit decision on one release (the domain's ReleaseApprovalOverride raw values).
CREATE TABLE catalog_release_overrides (
    release_id text        PRIMARY KEY,
    decision   text        NOT NULL CHECK (decision IN ('approved', 'held', 'revoked')),
    actor      text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
