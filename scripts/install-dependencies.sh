#!/usr/bin/env bash
# Installs the system packages the product needs to build, test and run locally (Debian, as root).
# Idempotent: installs only what is missing. With --bench, also what the benchmarks drive load with.
set -euo pipefail
needed=()
command -v pkg-config >/dev/null 2>&1 || needed+=(pkg-config)
dpkg -s libpq-dev >/dev/null 2>&1 || needed+=(libpq-dev)
dpkg -s libssl-dev >/dev/null 2>&1 || needed+=(libssl-dev)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || needed+=(postgresql postgresql-contrib)
command -v openssl >/dev/null 2>&1 || needed+=(openssl)
command -v curl >/dev/null 2>&1 || needed+=(curl)
# headless browser for the Self Service page's end-to-end test
command -v chromium >/dev/null 2>&1 || needed+=(chromium)
# validates docker-compose.yml in the tests (no Docker engine needed: `docker-compose config`)
command -v docker-compose >/dev/null 2>&1 || needed+=(docker-compose)
# benchmarks only (`--bench`): wrk drives the HTTP services, nginx answers the static same-run reference
if [ "${1:-}" = "--bench" ]; then
    command -v wrk >/dev/null 2>&1 || needed+=(wrk)
    command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || needed+=(nginx-light)
fi
if [ ${#needed[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "missing packages: ${needed[*]} (run this script as root, or install them)" >&2
        exit 1
    fi
    echo "installing: ${needed[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
fi
