#!/usr/bin/env bash
# Runs Managed OS locally in one command: installs system packages, builds, starts a throwaway PostgreSQL
# (scripts/with-postgres.sh; with DATABASE_URL set, that database is used instead), applies migrations and
# starts all five services in the background on their default ports. Ctrl-C stops the services gracefully,
# then the database is stopped and deleted.
#
#   scripts/run-local.sh        (or: make run)
#
# MANAGED_OS_BIN_DIR=<folder> skips the build and runs the executables found there.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--with-database" ]; then
    scripts/install-dependencies.sh
    if [ -z "${MANAGED_OS_BIN_DIR:-}" ]; then swift build; fi
    exec scripts/with-postgres.sh "$0" --with-database
fi

# From here on DATABASE_URL is set (exported by with-postgres.sh).
bin=${MANAGED_OS_BIN_DIR:-$(swift build --show-bin-path)}
services=(
    "library-api:8080"
    "declaration-publisher:8081"
    "status-ingest:8082"
    "self-service-gateway:8083"
    "scheduler:8084"
)

"$bin/library-api" migrate

pids=()
stop() {
    trap - INT TERM
    echo "stopping services…" >&2
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    exit "${1:-0}"
}
trap 'stop 0' INT TERM

for entry in "${services[@]}"; do
    name=${entry%%:*}
    port=${entry##*:}
    HTTP_PORT=$port "$bin/$name" &
    pids+=($!)
done

# Wait until every service answers /healthz (or one of them has exited).
for entry in "${services[@]}"; do
    name=${entry%%:*}
    port=${entry##*:}
    for _ in $(seq 1 100); do
        if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
        sleep 0.2
    done
done

echo
echo "Managed OS is running (Ctrl-C stops it):"
for entry in "${services[@]}"; do
    name=${entry%%:*}
    port=${entry##*:}
    printf '  %-22s http://127.0.0.1:%s   (/healthz, /metrics)\n' "$name" "$port"
done
echo

# Returns when Ctrl-C runs `stop`, or when a service exits (Ctrl-C reaches the services too, and they stop
# gracefully with status 0); then the others are stopped.
set +e
wait -n "${pids[@]}"
status=$?
set -e
if [ "$status" -ne 0 ]; then
    echo "a service exited with status $status; stopping the others" >&2
    stop "$status"
fi
stop 0
