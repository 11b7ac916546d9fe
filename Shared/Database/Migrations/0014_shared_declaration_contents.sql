-- 0014: declaration content stored once per distinct set, shared by every Mac that holds it.
-- Declaration identifiers carry no device id, so Macs with the same targets have byte-identical
-- declarations, manifests and DeclarationsTokens. The content of a set is stored once under its
-- DeclarationsToken (declaration_contents + declaration_content_items); each Mac's declaration_sets row
-- only says which content it holds and since when. A fleet-wide change then writes one narrow row per
-- Mac instead of a manifest and five bodies. Content rows are immutable (the token is a hash of them).

CREATE TABLE declaration_contents (
    declarations_token text        PRIMARY KEY,
    manifest           text        NOT NULL,  -- the declaration-items response body, byte for byte
    created_at         timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE declaration_content_items (
    declarations_token text NOT NULL REFERENCES declaration_contents (declarations_token) ON DELETE CASCADE,
    kind               text NOT NULL CHECK (kind IN ('activation', 'asset', 'configuration', 'management')),
    identifier         text NOT NULL,
    server_token       text NOT NULL,
    body               text NOT NULL,  -- the declaration JSON, byte for byte
    PRIMARY KEY (declarations_token, kind, identifier)
);

INSERT INTO declaration_contents (declarations_token, manifest)
SELECT DISTINCT ON (declarations_token) declarations_token, manifest
FROM declaration_sets ORDER BY declarations_token;

INSERT INTO declaration_content_items (declarations_token, kind, identifier, server_token, body)
SELECT DISTINCT ON (s.declarations_token, d.kind, d.identifier)
       s.declarations_token, d.kind, d.identifier, d.server_token, d.body
FROM declaration_sets s JOIN declarations d ON d.device_id = s.device_id
ORDER BY s.declarations_token, d.kind, d.identifier;

DROP TABLE declarations;
ALTER TABLE declaration_sets DROP COLUMN manifest;
ALTER TABLE declaration_sets
    ADD CONSTRAINT declaration_sets_content FOREIGN KEY (declarations_token)
    REFERENCES declaration_contents (declarations_token);
CREATE INDEX declaration_sets_token ON declaration_sets (declarations_token);
