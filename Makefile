# Managed OS: build, test, run and benchmark. Every target works on a fresh Debian machine with Swift 6
# (system packages are installed by scripts/install-dependencies.sh, which needs root when some are missing).

SWIFT ?= swift
FORMAT_PATHS := Package.swift Shared Services Tools Tests Benchmarks

.PHONY: test test-faults build run bench bench-db bench-evaluation bench-status-ingest bench-self-service bench-scheduler bench-library-api bench-declaration-publisher format lint

# Suites that start service processes or push thousands of reports: run one at a time after the rest,
# so their timing does not starve (or get starved by) the hundreds of small tests running in parallel.
PROCESS_SUITES := StatusIngestProcessScaleOutTests|EndToEndTests|StatusScaleOutTests|ServiceExecutableTests
# Fault suites (Tests/ServiceTests/Faults: kill -9, PostgreSQL restart, MDM outage): only in `make test-faults`
# and the last phase of `make test`, one at a time, on a cluster of their own (they stop and start it), so
# DATABASE_URL is ignored there.
FAULT_SUITES := FaultTests
FAULT_TEST_COMMAND := env -u DATABASE_URL scripts/with-postgres.sh $(SWIFT) test --disable-xctest --skip-build --no-parallel --filter '$(FAULT_SUITES)'

## test: install dependencies, build the executables, run every test against a throwaway PostgreSQL
test:
	scripts/install-dependencies.sh
	$(SWIFT) build
	scripts/with-postgres.sh $(SWIFT) test --disable-xctest --skip '$(PROCESS_SUITES)|$(FAULT_SUITES)'
	scripts/with-postgres.sh $(SWIFT) test --disable-xctest --skip-build --no-parallel --filter '$(PROCESS_SUITES)' --skip '$(FAULT_SUITES)'
	$(FAULT_TEST_COMMAND)

## test-faults: build, then only the fault suites (about 25 minutes in a debug build; see README), own throwaway PostgreSQL
test-faults:
	scripts/install-dependencies.sh
	$(SWIFT) build --build-tests
	$(FAULT_TEST_COMMAND)

## build: debug build of every target
build:
	$(SWIFT) build

## run: the demo: throwaway PostgreSQL, catalog, all five services (status-ingest twice behind nginx), demo fleet and simulated Macs, until Ctrl-C
run:
	scripts/run-local.sh

## bench: every benchmark; each rewrites its own section of BENCHMARKS.md
bench: bench-db bench-evaluation bench-status-ingest bench-self-service bench-scheduler bench-library-api bench-declaration-publisher

## bench-db: database and bus benchmarks (release build) beside pgbench, against a throwaway PostgreSQL
bench-db:
	scripts/install-dependencies.sh
	$(SWIFT) build -c release --product managed-os-bench-db
	scripts/with-postgres.sh $$($(SWIFT) build -c release --show-bin-path)/managed-os-bench-db --markdown BENCHMARKS.md

## bench-evaluation: domain evaluation benchmark (release build, no database)
bench-evaluation:
	$(SWIFT) build -c release --product managed-os-bench-evaluation
	$$($(SWIFT) build -c release --show-bin-path)/managed-os-bench-evaluation --markdown BENCHMARKS.md

## bench-status-ingest: status-ingest reports/s and p99 beside pgbench upserts (release build), throwaway PostgreSQL
bench-status-ingest:
	scripts/install-dependencies.sh
	$(SWIFT) build -c release --product managed-os-bench-status-ingest
	scripts/with-postgres.sh $$($(SWIFT) build -c release --show-bin-path)/managed-os-bench-status-ingest --markdown BENCHMARKS.md

## bench-self-service: GET /v1/me/updates req/s and p50/p99 for a 100,000-Mac fleet beside /healthz (release build)
bench-self-service:
	scripts/install-dependencies.sh
	$(SWIFT) build -c release --product managed-os-bench-self-service
	scripts/with-postgres.sh $$($(SWIFT) build -c release --show-bin-path)/managed-os-bench-self-service --markdown BENCHMARKS.md

## bench-library-api: library-api compliance views and preview over 100,000 Macs (release build), throwaway PostgreSQL
bench-library-api:
	scripts/install-dependencies.sh
	$(SWIFT) build -c release --product managed-os-bench-library-api
	scripts/with-postgres.sh $$($(SWIFT) build -c release --show-bin-path)/managed-os-bench-library-api --markdown BENCHMARKS.md

## format: rewrite sources with the checked-in .swift-format
format:
	$(SWIFT) format format --in-place --parallel -r $(FORMAT_PATHS)

## lint: fail on any formatting difference
lint:
	$(SWIFT) format lint --strict --parallel -r $(FORMAT_PATHS)

## bench-scheduler: 100,000 Macs — new release and blueprint-wide change until every plan is written (release build)
bench-scheduler:
	scripts/install-dependencies.sh
	$(SWIFT) build -c release --product managed-os-bench-scheduler
	scripts/with-postgres.sh $$($(SWIFT) build -c release --show-bin-path)/managed-os-bench-scheduler --markdown BENCHMARKS.md

## bench-declaration-publisher: GET declaration-items req/s and p50/p99 for 100,000 Macs beside /healthz (release build)
bench-declaration-publisher:
	scripts/install-dependencies.sh
	$(SWIFT) build -c release --product managed-os-bench-declaration-publisher
	scripts/with-postgres.sh $$($(SWIFT) build -c release --show-bin-path)/managed-os-bench-declaration-publisher --markdown BENCHMARKS.md
