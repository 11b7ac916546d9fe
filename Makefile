# Managed OS: build, test, run and benchmark. Every target works on a fresh Debian machine with Swift 6
# (system packages are installed by scripts/install-dependencies.sh, which needs root when some are missing).

SWIFT ?= swift
# Release builds for benchmarks live apart from the debug build, so a benchmark build never waits on (or
# invalidates) the debug build the tests use.
RELEASE_SCRATCH ?= .build-release
FORMAT_PATHS := Package.swift Shared Services Tools Tests Benchmarks

.PHONY: test test-faults build run bench bench-summary bench-growth bench-db bench-evaluation bench-status-ingest bench-self-service bench-scheduler bench-library-api bench-declaration-publisher format lint

# Suites that start service processes or push thousands of reports: run one at a time after the rest,
# so their timing does not starve (or get starved by) the hundreds of small tests running in parallel.
PROCESS_SUITES := StatusIngestProcessScaleOutTests|EndToEndTests|StatusScaleOutTests|ServiceExecutableTests|SlowClientTests
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

## bench: every benchmark, then the growth table and the summary of every target at the top of BENCHMARKS.md
bench: bench-db bench-evaluation bench-status-ingest bench-self-service bench-scheduler bench-library-api bench-declaration-publisher bench-growth bench-summary

## bench-summary: gathers every target from the sections of BENCHMARKS.md into its summary table (met or not)
bench-summary:
	$(SWIFT) build -c release --scratch-path $(RELEASE_SCRATCH) --product managed-os-bench-summary
	$$($(SWIFT) build -c release --scratch-path $(RELEASE_SCRATCH) --show-bin-path)/managed-os-bench-summary --markdown BENCHMARKS.md

GROWTH_SIZES ?= 10000 100000 1000000

## bench-growth: status-ingest and the scheduler at 10k, 100k and 1M Macs (GROWTH_SIZES), one growth row each
bench-growth:
	scripts/install-dependencies.sh --bench
	$(SWIFT) build -c release --scratch-path $(RELEASE_SCRATCH) --product managed-os-bench-status-ingest
	$(SWIFT) build -c release --scratch-path $(RELEASE_SCRATCH) --product managed-os-bench-scheduler
	for macs in $(GROWTH_SIZES); do \
		scripts/with-postgres.sh $$($(SWIFT) build -c release --scratch-path $(RELEASE_SCRATCH) --show-bin-path)/managed-os-bench-status-ingest --growth-only --macs $$macs --markdown BENCHMARKS.md || exit 1; \
		scripts/with-postgres.sh $$($(SWIFT) build -c release --scratch-path $(RELEASE_SCRATCH) --show-bin-path)/managed-os-bench-scheduler --growth-only --macs $$macs --markdown BENCHMARKS.md || exit 1; \
	done

## bench-db: database and bus benchmarks (release build) beside pgbench, against a throwaway PostgreSQL
bench-db:
	scripts/install-dependencies.sh --bench
	$(SWIFT) build -c release --scratch-path $(RELEASE_SCRATCH) --product managed-os-bench-db
	scripts/with-postgres.sh $$($(SWIFT) build -c release --scratch-path $(RELEASE_SCRATCH) --show-bin-path)/managed-os-bench-db --markdown BENCHMARKS.md

## bench-evaluation: domain evaluation benchmark (release build, no database)
bench-evaluation:
	$(SWIFT) build -c release --scratch-path $(RELEASE_SCRATCH) --product managed-os-bench-evaluation
	$$($(SWIFT) build -c release --scratch-path $(RELEASE_SCRATCH) --show-bin-path)/managed-os-bench-evaluation --markdown BENCHMARKS.md

## bench-status-ingest: status-ingest reports/s and p99 beside pgbench upserts (release build), throwaway PostgreSQL
bench-status-ingest:
	scripts/install-dependencies.sh --bench
	$(SWIFT) build -c release --scratch-path $(RELEASE_SCRATCH) --product managed-os-bench-status-ingest
	scripts/with-postgres.sh $$($(SWIFT) build -c release --scratch-path $(RELEASE_SCRATCH) --show-bin-path)/managed-os-bench-status-ingest --markdown BENCHMARKS.md

## bench-self-service: GET /v1/me/updates req/s and p50/p99 for a 100,000-Mac fleet beside /healthz (release build)
bench-self-service:
	scripts/install-dependencies.sh --bench
	$(SWIFT) build -c release --scratch-path $(RELEASE_SCRATCH) --product managed-os-bench-self-service
	scripts/with-postgres.sh $$($(SWIFT) build -c release --scratch-path $(RELEASE_SCRATCH) --show-bin-path)/managed-os-bench-self-service --markdown BENCHMARKS.md

## bench-library-api: library-api compliance views and preview over 100,000 Macs (release build), throwaway PostgreSQL
bench-library-api:
	scripts/install-dependencies.sh --bench
	$(SWIFT) build -c release --scratch-path $(RELEASE_SCRATCH) --product managed-os-bench-library-api
	scripts/with-postgres.sh $$($(SWIFT) build -c release --scratch-path $(RELEASE_SCRATCH) --show-bin-path)/managed-os-bench-library-api --markdown BENCHMARKS.md

## format: rewrite sources with the checked-in .swift-format
format:
	$(SWIFT) format format --in-place --parallel -r $(FORMAT_PATHS)

## lint: fail on any formatting difference
lint:
	$(SWIFT) format lint --strict --parallel -r $(FORMAT_PATHS)

## bench-scheduler: 100,000 Macs — new release and blueprint-wide change until every plan is written (release build)
bench-scheduler:
	scripts/install-dependencies.sh --bench
	$(SWIFT) build -c release --scratch-path $(RELEASE_SCRATCH) --product managed-os-bench-scheduler
	scripts/with-postgres.sh $$($(SWIFT) build -c release --scratch-path $(RELEASE_SCRATCH) --show-bin-path)/managed-os-bench-scheduler --markdown BENCHMARKS.md

## bench-declaration-publisher: GET declaration-items req/s and p50/p99 for 100,000 Macs beside /healthz (release build)
bench-declaration-publisher:
	scripts/install-dependencies.sh --bench
	$(SWIFT) build -c release --scratch-path $(RELEASE_SCRATCH) --product managed-os-bench-declaration-publisher
	scripts/with-postgres.sh $$($(SWIFT) build -c release --scratch-path $(RELEASE_SCRATCH) --show-bin-path)/managed-os-bench-declaration-publisher --markdown BENCHMARKS.md
