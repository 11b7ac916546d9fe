-- 0009: the Self Service gateway finds a Mac by the SHA-256 digest of its bearer credential on every
-- request, so the digest is indexed (a fleet of 100,000 Macs must not be scanned per request).

CREATE INDEX devices_self_service_credential ON devices (self_service_credential_hash)
    WHERE self_service_credential_hash IS NOT NULL;
