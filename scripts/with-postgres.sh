#!/usr/bin/env bash
# Runs a command against PostgreSQL. With DATABASE_URL set, that database is used as it is.
# Otherwise a throwaway cluster is created in a temporary folder (initdb + pg_ctl on a free port,
# TLS on with a freshly generated CA and server certificate), DATABASE_URL and the TLS paths are
# exported to the command, and the cluster is stopped and deleted when the command ends — also
# when it fails. The command's exit status is returned.
#
#   scripts/with-postgres.sh swift test
#
# Exported: DATABASE_URL, TEST_PG_CA_FILE (the CA that signed the server certificate),
# TEST_PG_PORT, TEST_PG_DATA (the cluster folder), TEST_PG_BIN (the server binaries).
set -euo pipefail

if [ -n "${DATABASE_URL:-}" ]; then
    exec "$@"
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "PostgreSQL server binaries not found; run scripts/install-dependencies.sh" >&2
    exit 1
fi

workdir=$(mktemp -d /tmp/managed-os-pg.XXXXXX)
chmod 755 "$workdir"
data="$workdir/data"
run_as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = 0 ]; then chown postgres "$workdir"; fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

cleanup() {
    run_as_postgres "$bindir/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$workdir"
}
trap cleanup EXIT INT TERM

run_as_postgres "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null

# TLS: a throwaway CA and a server certificate for 127.0.0.1 / localhost.
tls="$workdir/tls"
mkdir -p "$tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=managed-os-test-ca" \
    -keyout "$tls/ca.key" -out "$tls/ca.crt" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$tls/server.key" -out "$tls/server.csr" >/dev/null 2>&1
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$tls/san.ext"
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial \
    -days 2 -extfile "$tls/san.ext" -out "$tls/server.crt" >/dev/null 2>&1
cp "$tls/server.crt" "$tls/server.key" "$data/"
chmod 600 "$data/server.key"
if [ "$(id -u)" = 0 ]; then chown postgres "$data/server.crt" "$data/server.key"; fi
chmod 644 "$tls/ca.crt"

cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$workdir'
max_connections = 1000
shared_buffers = 256MB
fsync = on
synchronous_commit = on
# The deployment's WAL settings (docker-compose.yml), so benchmarks measure the configuration that is shipped.
wal_compression = lz4
max_wal_size = 4GB
checkpoint_timeout = 15min
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
log_min_messages = warning
CONF

run_as_postgres "$bindir/pg_ctl" -D "$data" -l "$workdir/server.log" -w -t 60 start >/dev/null

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
export TEST_PG_CA_FILE="$tls/ca.crt"
export TEST_PG_PORT="$port"
export TEST_PG_DATA="$data"
export TEST_PG_BIN="$bindir"
export TEST_PG_SOCKET_DIR="$workdir"
echo "throwaway PostgreSQL on 127.0.0.1:$port (data in $data)" >&2

set +e
"$@"
status=$?
set -e
exit $status
