-- 0022: device_status's typed columns become plain columns that status-ingest writes.
-- As generated columns (0003, 0015) PostgreSQL derived them from the whole merged status_items on every write,
-- computing the declaration tokens twice (once for their column, once inside relevant_digest): about 60 % of the
-- state update's time at saturation. status-ingest now derives them from the parsed report, once per Mac and
-- batch, and decides in Swift whether something relevant changed (it reads the previous columns under the row
-- lock), so relevant_digest goes.
-- Any other writer (seeds, tests, an operator's SQL) still gets the columns derived from status_items, by the
-- trigger below; status-ingest skips it by setting managed_os.status_columns = 'supplied' in its transaction.

ALTER TABLE device_status DROP COLUMN relevant_digest;
ALTER TABLE device_status
    ALTER COLUMN os_version DROP EXPRESSION,
    ALTER COLUMN build_version DROP EXPRESSION,
    ALTER COLUMN supplemental_build_version DROP EXPRESSION,
    ALTER COLUMN supplemental_extra_version DROP EXPRESSION,
    ALTER COLUMN model_identifier DROP EXPRESSION,
    ALTER COLUMN model_family DROP EXPRESSION,
    ALTER COLUMN install_state DROP EXPRESSION,
    ALTER COLUMN pending_os_version DROP EXPRESSION,
    ALTER COLUMN pending_build_version DROP EXPRESSION,
    ALTER COLUMN target_local_date_time DROP EXPRESSION,
    ALTER COLUMN failure_count DROP EXPRESSION,
    ALTER COLUMN failure_reason DROP EXPRESSION,
    ALTER COLUMN declaration_server_tokens DROP EXPRESSION;
ALTER TABLE device_status ALTER COLUMN declaration_server_tokens SET DEFAULT '{}'::jsonb;
ALTER TABLE device_status ALTER COLUMN declaration_server_tokens SET NOT NULL;

-- The typed columns from status_items, exactly as the generated columns computed them.
CREATE FUNCTION device_status_derive_columns() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.os_version := NEW.status_items->>'device.operating-system.version';
    NEW.build_version := NEW.status_items->>'device.operating-system.build-version';
    NEW.supplemental_build_version := NEW.status_items->>'device.operating-system.supplemental.build-version';
    NEW.supplemental_extra_version := NEW.status_items->>'device.operating-system.supplemental.extra-version';
    NEW.model_identifier := NEW.status_items->>'device.model.identifier';
    NEW.model_family := NEW.status_items->>'device.model.family';
    NEW.install_state := NEW.status_items->>'softwareupdate.install-state';
    NEW.pending_os_version := NEW.status_items->'softwareupdate.pending-version'->>'os-version';
    NEW.pending_build_version := NEW.status_items->'softwareupdate.pending-version'->>'build-version';
    NEW.target_local_date_time := NEW.status_items->'softwareupdate.pending-version'->>'target-local-date-time';
    NEW.failure_count := (NEW.status_items->'softwareupdate.failure-reason'->>'count')::integer;
    NEW.failure_reason := NEW.status_items->'softwareupdate.failure-reason'->>'reason';
    NEW.declaration_server_tokens := status_declaration_tokens(NEW.status_items);
    RETURN NEW;
END
$$;

CREATE TRIGGER device_status_derive_columns BEFORE INSERT OR UPDATE ON device_status
    FOR EACH ROW WHEN (current_setting('managed_os.status_columns', true) IS DISTINCT FROM 'supplied')
    EXECUTE FUNCTION device_status_derive_columns();
