-- 0010: each feed's last body that parsed, so the catalog is rebuilt from the newest good copy of every
-- feed when only one of them changes (a feed that fails leaves its previous body in place).

ALTER TABLE catalog_sources ADD COLUMN body bytea;
