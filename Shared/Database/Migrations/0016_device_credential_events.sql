-- 0016: a Mac's Self Service credential replaced, revoked or restored publishes a `device` event, whoever
-- changes it (library-api or an operator's SQL). self-service-gateway keeps each Mac's answers in memory by
-- credential (until a `plan` or `device` event names the Mac), so without this a revoked credential could be
-- answered from that memory until the Mac's next change. Published as BusPublisher publishes: under the bus
-- order lock (ids follow commit order), then a notification on the topic's channel.

CREATE FUNCTION devices_publish_credential_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(5570762932680479521);  -- BusPublisher.orderLockKey ("MOS_BUS!")
    INSERT INTO bus_events (topic, entity) VALUES ('device', NEW.id::text);
    PERFORM pg_notify('device', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER devices_credential_changed
    AFTER UPDATE OF self_service_credential_hash, self_service_revoked_at ON devices
    FOR EACH ROW
    WHEN (OLD.self_service_credential_hash IS DISTINCT FROM NEW.self_service_credential_hash
          OR OLD.self_service_revoked_at IS DISTINCT FROM NEW.self_service_revoked_at)
    EXECUTE FUNCTION devices_publish_credential_change();
