# One image holding all five Managed OS executables; docker-compose.yml picks the command per service.

# Build stage: the Swift toolchain plus libpq headers.
FROM swift:6.3-bookworm AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libpq-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
# Resolve dependencies in their own layer, so source edits do not refetch packages.
COPY Package.swift ./
RUN swift package resolve
COPY Shared ./Shared
COPY Services ./Services
COPY Benchmarks ./Benchmarks
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib \
    && mkdir -p /staging/bin \
    && bin="$(swift build -c release --show-bin-path)" \
    && cp "$bin/library-api" "$bin/scheduler" "$bin/declaration-publisher" \
          "$bin/status-ingest" "$bin/self-service-gateway" /staging/bin/ \
    && find "$bin" -maxdepth 1 -name '*.resources' -exec cp -R {} /staging/bin/ \;

# Runtime stage: Debian slim with libpq (and its OpenSSL) only.
FROM debian:bookworm-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpq5 ca-certificates curl tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin managedos
WORKDIR /app
COPY --from=build /staging/bin/ /app/
ENV HTTP_HOST=0.0.0.0 \
    LOG_LEVEL=info \
    PATH="/app:${PATH}"
USER managedos
# Each service listens on HTTP_PORT; compose sets it, and the check follows it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${HTTP_PORT:-8080}/healthz" || exit 1
CMD ["library-api"]
