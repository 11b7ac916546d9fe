#!/bin/sh
# Entry point of the Managed OS image: turns every `NAME_FILE=/path` variable into `NAME=<the file's content>`
# (Docker/compose secrets, e.g. DATABASE_URL_FILE=/run/secrets/database_url), then runs the command.
# The services themselves read plain variables only. Setting both NAME and NAME_FILE is refused (exit 78, the
# services' own exit status for invalid configuration). Values are never printed.
set -eu

for name in $(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)_FILE=.*$/\1/p'); do
    file=$(printenv "${name}_FILE")
    if [ -n "$(printenv "$name" || true)" ]; then
        echo "invalid configuration: both $name and ${name}_FILE are set; set only one" >&2
        exit 78
    fi
    if [ ! -r "$file" ]; then
        echo "invalid configuration: ${name}_FILE names $file, which cannot be read" >&2
        exit 78
    fi
    # Command substitution drops the trailing newline(s) a secrets file usually ends with.
    value=$(cat "$file")
    export "$name=$value"
    unset "${name}_FILE"
done

exec "$@"
