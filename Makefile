# Tally — `make demo` runs the period report on the sample data; `make test` runs the tests.
SWIFT ?= swift
# Seconds per fuzz target: `make fuzz` (FUZZ_TIME=600 make fuzz), and the short pass of `make test`.
FUZZ_TIME ?= 60
FUZZ_CHECK_TIME ?= 15

# The engines `tally run --engine` drives, pinned (EngineDriver.swift names the same version),
# in a project-local environment: `make engines` installs them, `make test` first.
DUCKDB_VERSION = 2.0.1
ENGINES = .engines/venv
PYTHON ?= python3

.PHONY: deps engines build release test fuzz demo clean

# libedit-dev provides <histedit.h>; install it when it is missing (Debian).
deps:
	@if ! pkg-config --exists libedit 2>/dev/null; then \
		echo "installing libedit-dev…"; \
		(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libedit-dev pkg-config; \
	fi

# Quick when already there: a stamp per pinned version.
engines: $(ENGINES)/.duckdb-$(DUCKDB_VERSION)

$(ENGINES)/.duckdb-$(DUCKDB_VERSION):
	@if ! $(PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1; then \
		echo "installing python3-venv…"; \
		(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv; \
	fi
	$(PYTHON) -m venv $(ENGINES)
	$(ENGINES)/bin/python3 -m pip install --quiet --disable-pip-version-check duckdb==$(DUCKDB_VERSION)
	touch $@

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --static-swift-stdlib

test: deps engines
	$(SWIFT) build
	$(SWIFT) test --disable-swift-testing
	SWIFT=$(SWIFT) Fuzz/run $(FUZZ_CHECK_TIME)

# Each libFuzzer target (Fuzz/) for FUZZ_TIME seconds; a crash is saved in Fuzz/crashes/TARGET/.
fuzz: deps
	SWIFT=$(SWIFT) Fuzz/run $(FUZZ_TIME)

demo: release
	.build/release/tally demo

clean:
	rm -rf .build .build-fuzz .engines
