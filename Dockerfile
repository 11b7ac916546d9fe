# One image holding all five Managed OS executables; docker-compose.yml picks the command per service:
#   library-api | scheduler | declaration-publisher | status-ingest | self-service-gateway   [serve | migrate]

# --- Build stage: the official Swift 6 toolchain plus libpq headers. ---------------------------------------
FROM swift:6.3-bookworm AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libpq-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
# Resolve dependencies in their own layer, so source edits do not refetch packages.
COPY Package.swift ./
RUN swift package resolve
# Every target's folder must exist for the manifest to load, so tests and benchmarks are copied too;
# only the five service products are built.
COPY Shared ./Shared
COPY Services ./Services
COPY Benchmarks ./Benchmarks
COPY Tests ./Tests
RUN set -eu; \
    for product in library-api scheduler declaration-publisher status-ingest self-service-gateway; do \
        swift build -c release --static-swift-stdlib --product "$product"; \
    done; \
    bin="$(swift build -c release --show-bin-path)"; \
    mkdir -p /staging/bin; \
    cp "$bin/library-api" "$bin/scheduler" "$bin/declaration-publisher" \
       "$bin/status-ingest" "$bin/self-service-gateway" /staging/bin/; \
    # Bundled resources (migrations, Apple feed snapshots, OpenAPI document) sit next to the executables.
    find "$bin" -maxdepth 1 -name '*.resources' -exec cp -R {} /staging/bin/ \;
COPY deploy/docker-entrypoint.sh /staging/docker-entrypoint.sh

# --- Runtime stage: Debian slim with libpq5 (and the OpenSSL it brings). -----------------------------------
# tzdata: IANA time zones for local enforcement times; ca-certificates: https feeds and the MDM server's API.
# No curl: the health check speaks HTTP through bash's /dev/tcp.
FROM debian:bookworm-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libpq5 ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin managedos
WORKDIR /app
COPY --from=build /staging/bin/ /app/
COPY --from=build /staging/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV HTTP_HOST=0.0.0.0 \
    LOG_LEVEL=info \
    PATH="/app:${PATH}"
USER 10001:10001
# Every service (the scheduler too) serves GET /healthz on HTTP_PORT, which compose sets per service; the
# check follows it (8080, library-api's default, when unset). 200 only when PostgreSQL answers.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${HTTP_PORT:-8080} && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["library-api", "serve"]
