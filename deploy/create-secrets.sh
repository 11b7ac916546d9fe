#!/usr/bin/env bash
# Creates the secrets docker-compose.yml mounts (deploy/secrets/*, git-ignored), each only if missing:
#   postgres_password  the database password (PostgreSQL's POSTGRES_PASSWORD_FILE)
#   database_url       the services' DATABASE_URL, with that password
#   ddm_hmac_key       the key NanoMDM signs forwarded check-ins with (-dm-send-hmac-key); read by
#                      declaration-publisher (DDM_HMAC_KEY) and status-ingest (STATUS_HMAC_KEY)
#   mdm_api_key        NanoMDM's API key (-api), for declaration-publisher's MDM_API_KEY; empty = commands
#                      stay queued until you put the key here
# Existing files are kept, so rerunning is safe. Rotate a secret by deleting its file and rerunning.
set -euo pipefail
folder="$(cd "$(dirname "$0")" && pwd)/secrets"
mkdir -p "$folder"
chmod 700 "$folder"
umask 022  # the containers' non-root users read the mounted files; the folder keeps other host users out

random() { openssl rand -hex 32; }

if [ ! -s "$folder/postgres_password" ]; then
    random >"$folder/postgres_password"
    rm -f "$folder/database_url"
    echo "created $folder/postgres_password"
fi
if [ ! -s "$folder/database_url" ]; then
    printf 'postgres://managedos:%s@postgres:5432/managedos\n' "$(cat "$folder/postgres_password")" \
        >"$folder/database_url"
    echo "created $folder/database_url"
fi
if [ ! -s "$folder/ddm_hmac_key" ]; then
    random >"$folder/ddm_hmac_key"
    echo "created $folder/ddm_hmac_key (give NanoMDM the same value: -dm-send-hmac-key)"
fi
if [ ! -e "$folder/mdm_api_key" ]; then
    : >"$folder/mdm_api_key"
    echo "created $folder/mdm_api_key (empty: put NanoMDM's -api key here to deliver commands)"
fi
