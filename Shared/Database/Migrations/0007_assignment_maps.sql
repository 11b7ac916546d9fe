-- 0007: a blueprint is classic (its items in blueprint_items) or an assignment map (a node tree with
-- conditions and items per node, stored as the domain AssignmentMap JSON).

ALTER TABLE blueprints
    ADD COLUMN kind text NOT NULL DEFAULT 'classic' CHECK (kind IN ('classic', 'assignment_map')),
    ADD COLUMN assignment_map jsonb,
    ADD CONSTRAINT blueprints_map_matches_kind CHECK ((kind = 'assignment_map') = (assignment_map IS NOT NULL));

-- The item ids an assignment map mentions anywhere (kept by library-api; used to find affected Macs and
-- to refuse deleting an item a map still uses without force).
CREATE TABLE assignment_map_items (
    blueprint_id uuid NOT NULL REFERENCES blueprints (id) ON DELETE CASCADE,
    item_id      uuid NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    PRIMARY KEY (blueprint_id, item_id)
);

CREATE INDEX assignment_map_items_item ON assignment_map_items (item_id);
