-- 0020: plans are stored once per shape.
--
-- Macs in the same situation (same items, versions, deadlines) have plans that differ only in their Mac id and
-- evaluation instant. The plan JSON (1–2 KB) was stored per Mac, so a fleet-wide change wrote and logged that
-- much per Mac. Now each distinct *shape* — the plan JSON with its macID set to the nil UUID and its evaluatedAt
-- to 1970-01-01T00:00:00Z — is stored once here, under its SHA-256 hex; mac_plans.plan_digest names the Mac's
-- shape, and the Mac's plan is the shape with its id and evaluated_at put back (FleetStore's PlanStore.document).
--
-- Shapes are immutable. Day counts are part of a plan, so a situation gets a new shape every day: the active
-- scheduler deletes, once an hour and between its drains, the shapes more than an hour old that no plan names
-- (PlanStore.deleteUnusedShapes). Only it writes plans, so mac_plans.plan_digest needs no foreign key, whose
-- check would cost a lookup per written plan.
--
-- Existing plans are converted here. A plan written before 0017 was re-rendered by jsonb, so its shape's text
-- (and digest) differs from the scheduler's: such a Mac's plan is written once more at its next evaluation
-- (same content, nothing else changes).

CREATE TABLE plan_shapes (
    plan_digest text        PRIMARY KEY,  -- SHA-256 hex of plan::text
    plan        json        NOT NULL,     -- the domain MacPlan with macID and evaluatedAt blanked
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TEMPORARY TABLE converted_plans ON COMMIT DROP AS
SELECT device_id, shape, encode(sha256(convert_to(shape, 'UTF8')), 'hex') AS digest
FROM (
    SELECT device_id,
           regexp_replace(replace(plan::text, upper(device_id::text), '00000000-0000-0000-0000-000000000000'),
                          '"evaluatedAt":"[^"]*"', '"evaluatedAt":"1970-01-01T00:00:00Z"') AS shape
    FROM mac_plans
) AS blanked;

INSERT INTO plan_shapes (plan_digest, plan)
SELECT DISTINCT ON (digest) digest, shape::json FROM converted_plans ORDER BY digest;

UPDATE mac_plans p SET plan_digest = c.digest FROM converted_plans c WHERE c.device_id = p.device_id;

ALTER TABLE mac_plans DROP COLUMN plan;
