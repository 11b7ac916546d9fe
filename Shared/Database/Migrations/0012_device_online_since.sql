-- 0012: when a Mac came back online — its first report after 72 hours without one (NULL until that happens;
-- a Mac's very first report is covered by its registration instant).
-- The scheduler's grace period for returning Macs starts at the later of this and the Mac's registration.
-- Kept by a trigger so every writer of device_status (status-ingest replicas, tests) maintains it alike.

ALTER TABLE device_status ADD COLUMN online_since timestamptz;

CREATE FUNCTION device_status_online_since() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        RETURN NEW;
    ELSIF NEW.last_received_at - OLD.last_received_at > interval '72 hours' THEN
        NEW.online_since := NEW.last_received_at;
    ELSE
        NEW.online_since := OLD.online_since;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER device_status_online_since BEFORE INSERT OR UPDATE OF last_received_at ON device_status
    FOR EACH ROW EXECUTE FUNCTION device_status_online_since();
