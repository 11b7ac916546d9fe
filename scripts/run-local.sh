#!/usr/bin/env bash
# Runs the Managed OS demo in one command: installs system packages, builds, starts a throwaway PostgreSQL
# (scripts/with-postgres.sh; with DATABASE_URL set, that database is used instead), applies migrations, loads
# the bundled Apple catalog, creates an admin token, starts the five services (status-ingest twice, behind a
# local nginx that mirrors deploy/nginx/nginx.conf), seeds a demo fleet through library-api and starts the Mac
# simulator. It prints the URLs and the admin token, then a one-line fleet compliance summary every 5 seconds.
# Ctrl-C stops everything (services, proxy, simulator); the database is stopped and deleted.
#
#   scripts/run-local.sh        (or: make run)
#
# Settings (environment):
#   DEMO_MACS=2000                 Macs in the demo fleet (0: no fleet, no simulator; the services only)
#   DEMO_NOW=2026-08-20T12:00:00Z  the scheduler's and the gateway's pinned clock and the simulated Macs'
#                                  starting time (the bundled catalog's releases expired on 2026-11-20)
#   DEMO_SPEED=60                  how much faster than real time the simulated Macs download and install
#   DEMO_FAILURE_RATE=0.05         share of simulated installations that fail
#   DEMO_PROXY_PORT=8090           the proxy's port (NanoMDM's -dm would be http://127.0.0.1:8090/ddm/)
#   MANAGED_OS_BIN_DIR=<folder>    skips the build and runs the executables found there
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--with-database" ]; then
    scripts/install-dependencies.sh
    if [ -z "${MANAGED_OS_BIN_DIR:-}" ]; then swift build; fi
    exec scripts/with-postgres.sh "$0" --with-database
fi

# From here on DATABASE_URL is set (exported by with-postgres.sh).
bin=${MANAGED_OS_BIN_DIR:-$(swift build --show-bin-path)}
demo_macs=${DEMO_MACS:-2000}
demo_now=${DEMO_NOW:-2026-08-20T12:00:00Z}
demo_speed=${DEMO_SPEED:-60}
demo_failure_rate=${DEMO_FAILURE_RATE:-0.05}
proxy_port=${DEMO_PROXY_PORT:-8090}
workdir=$(mktemp -d /tmp/managed-os-demo.XXXXXX)
chmod 755 "$workdir"
logs="$workdir/logs"
mkdir -p "$logs"

# name:port (status-ingest runs twice: two replicas behind the proxy).
services=(
    "library-api:8080"
    "declaration-publisher:8081"
    "status-ingest:8082"
    "status-ingest:8085"
    "self-service-gateway:8083"
    "scheduler:8084"
)

pids=()
stopped=0
# Stops every process this script started (also when a step fails: the EXIT trap), once.
stop() {
    if [ "$stopped" = 1 ]; then return; fi
    stopped=1
    trap - INT TERM EXIT
    echo "stopping…" >&2
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    echo "stopped (logs kept in $logs)" >&2
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap 'stop' EXIT

"$bin/library-api" migrate
# The key an MDM server would sign forwarded DDM requests and status reports with (NanoMDM's -dm HMAC
# key); the simulator signs with it, declaration-publisher and status-ingest refuse unsigned requests.
export DDM_HMAC_KEY STATUS_HMAC_KEY
DDM_HMAC_KEY=$(openssl rand -hex 32)
STATUS_HMAC_KEY=$DDM_HMAC_KEY
SCHEDULER_NOW=$demo_now "$bin/scheduler" catalog refresh
token=$("$bin/library-api" tokens create --scope write --name "demo-admin-$(date +%s)")

for entry in "${services[@]}"; do
    name=${entry%%:*}
    port=${entry##*:}
    if [ "$name" = scheduler ]; then
        HTTP_PORT=$port SCHEDULER_NOW=$demo_now SCHEDULER_TICK_SECONDS=5 "$bin/$name" 2>"$logs/$name-$port.log" &
    elif [ "$name" = self-service-gateway ]; then
        HTTP_PORT=$port SELF_SERVICE_NOW=$demo_now "$bin/$name" 2>"$logs/$name-$port.log" &
    else
        HTTP_PORT=$port "$bin/$name" 2>"$logs/$name-$port.log" &
    fi
    pids+=($!)
done

# Wait until every service answers /healthz.
for entry in "${services[@]}"; do
    name=${entry%%:*}
    port=${entry##*:}
    for _ in $(seq 1 300); do
        if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
        sleep 0.2
    done
    if ! curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
        echo "$name on port $port did not become healthy; see $logs/$name-$port.log" >&2
        exit 1
    fi
done

# The proxy: nginx with deploy/nginx/nginx.conf's routes, rewritten for this machine (a local port, files in
# the work folder, the two status-ingest replicas as an upstream group, the other services on 127.0.0.1).
nginx_bin=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true)
proxy=""
if [ -n "$nginx_bin" ]; then
    mkdir -p "$workdir/nginx"
    {
        if [ "$(id -u)" = 0 ]; then echo "user nobody nogroup;"; fi
        sed -e "s|^pid /tmp/nginx.pid;|pid $workdir/nginx/nginx.pid;|" \
            -e "s|^error_log /dev/stderr warn;|error_log $logs/nginx-error.log warn;|" \
            -e "s|access_log /dev/stdout;|access_log $logs/nginx-access.log;|" \
            -e "s|/tmp/nginx-|$workdir/nginx/|" \
            -e "/^ *resolver/d" \
            -e "s|listen 8080;|listen 127.0.0.1:$proxy_port;|" \
            -e "s|http://status-ingest:8082|http://status_ingest|" \
            -e "s|http://declaration-publisher:8081|http://127.0.0.1:8081|" \
            -e "s|http://self-service-gateway:8083|http://127.0.0.1:8083|" \
            -e "s|http://library-api:8080|http://127.0.0.1:8080|" \
            -e "s|^http {|http {\n    upstream status_ingest { server 127.0.0.1:8082; server 127.0.0.1:8085; }|" \
            deploy/nginx/nginx.conf
    } >"$workdir/nginx/nginx.conf"
    "$nginx_bin" -p "$workdir/nginx" -c "$workdir/nginx/nginx.conf" -g 'daemon off;' 2>>"$logs/nginx-error.log" &
    pids+=($!)
    for _ in $(seq 1 100); do
        if curl -fsS "http://127.0.0.1:$proxy_port/proxy-healthz" >/dev/null 2>&1; then proxy="http://127.0.0.1:$proxy_port"; break; fi
        sleep 0.1
    done
    if [ -z "$proxy" ]; then echo "nginx did not start (see $logs/nginx-error.log); going on without it" >&2; fi
fi
if [ -n "$proxy" ]; then
    ddm_args=(--ddm-url "$proxy/ddm/")
else
    # Substitute without nginx: the simulator sends DDM reads to declaration-publisher and spreads its status
    # reports over both status-ingest replicas itself.
    ddm_args=(--ddm-url http://127.0.0.1:8081/ --status-url http://127.0.0.1:8082/ --status-url http://127.0.0.1:8085/)
fi

if [ "$demo_macs" -gt 0 ]; then
    echo "seeding the demo fleet ($demo_macs Macs) through library-api…"
    "$bin/mac-simulator" seed --api-url http://127.0.0.1:8080 --token "$token" --macs "$demo_macs" --now "$demo_now"
    "$bin/mac-simulator" run "${ddm_args[@]}" --hmac-key "$DDM_HMAC_KEY" --macs "$demo_macs" --now "$demo_now" --speed "$demo_speed" \
        --failure-rate "$demo_failure_rate" 2>"$logs/mac-simulator.log" &
    pids+=($!)
fi

echo
echo "Managed OS is running (Ctrl-C stops everything; logs in $logs):"
for entry in "${services[@]}"; do
    name=${entry%%:*}
    port=${entry##*:}
    printf '  %-22s http://127.0.0.1:%s   (/healthz, /metrics)\n' "$name" "$port"
done
if [ -n "$proxy" ]; then
    echo "  proxy (nginx)          $proxy   (/ddm/ for NanoMDM's -dm, /v1 admin API, / Self Service page)"
else
    echo "  proxy                  none (nginx not installed): the simulator talks to the services directly"
fi
echo "  admin token            $token"
echo "  try:                   curl -H 'Authorization: Bearer $token' http://127.0.0.1:8080/v1/compliance/summary"
echo "  clock                  scheduler and Self Service pinned to $demo_now (DEMO_NOW); simulated Macs at ${demo_speed}x"
echo

"$bin/mac-simulator" watch --api-url http://127.0.0.1:8080 --token "$token" --interval 5 &
pids+=($!)

# Returns when Ctrl-C runs `stop`, or when a process exits on its own; then the others are stopped.
set +e
wait -n "${pids[@]}"
status=$?
set -e
echo "a process exited with status $status; stopping the others" >&2
stop
exit "$status"
