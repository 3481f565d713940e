# Tally — `make demo` runs the period report on the sample data; `make test` runs the tests.
SWIFT ?= swift
# Seconds per fuzz target: `make fuzz` (FUZZ_TIME=600 make fuzz), and the short pass of `make test`.
FUZZ_TIME ?= 60
FUZZ_CHECK_TIME ?= 15

# The engines `tally run --engine` drives, pinned (EngineDriver.swift names the same version),
# in a project-local environment: `make engines` installs them, `make test` first.
DUCKDB_VERSION = 2.0.1
# Spark runs on Java 17 (Debian's openjdk-17-jre-headless, installed when java is missing);
# pyspark with what its Spark Connect client needs (pyspark[connect]), each pinned.
PYSPARK_VERSION = 4.0.1
PYSPARK_PINS = pyspark==$(PYSPARK_VERSION) pandas==3.1.1 numpy==2.4.6 pyarrow==26.0.1 grpcio==1.85.3 grpcio-status==1.85.3 \
	protobuf==7.36.2 googleapis-common-protos==1.76.0 py4j==0.10.9.9 python-dateutil==4.0.0 tzdata==2026.6 typing-extensions==4.16.0
ENGINES = .engines/venv
PYTHON ?= python3

.PHONY: deps engines build release test fuzz demo demo-script clean

# libedit-dev provides <histedit.h>; python3 reads the JSON output in an end-to-end test and the
# charts in the SVG tests. Installed when missing (Debian); likewise openpyxl (pip), which reads
# exported workbooks in tests. `sort … pinyin` uses glibc's zh_CN.UTF-8 locale, and its tests
# compare with `sort` in it: made when missing (Debian's package locales has its source).
deps:
	@if ! pkg-config --exists libedit 2>/dev/null || ! command -v python3 >/dev/null; then \
		echo "installing libedit-dev, python3…"; \
		(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libedit-dev pkg-config python3; \
	fi
	@# openpyxl reads the exported workbooks back in the tests (XLSXExportTests); quick when present.
	@if command -v python3 >/dev/null && ! python3 -c 'import openpyxl' 2>/dev/null; then \
		echo "installing openpyxl 3.1.5…"; \
		python3 -m pip install -q openpyxl==3.1.5 2>/dev/null || python3 -m pip install -q --break-system-packages openpyxl==3.1.5; \
	fi
	@if ! locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\?8'; then \
		echo "making the zh_CN.UTF-8 locale…"; \
		if [ ! -e /usr/share/i18n/locales/zh_CN ]; then \
			(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq locales; \
		fi; \
		localedef -i zh_CN -f UTF-8 zh_CN.UTF-8; \
	fi

# Quick when already there: a stamp per pinned version.
engines: $(ENGINES)/.duckdb-$(DUCKDB_VERSION) $(ENGINES)/.pyspark-$(PYSPARK_VERSION)

# python3 comes from deps; its venv module is a package of its own on Debian.
$(ENGINES)/.duckdb-$(DUCKDB_VERSION): | deps
	@if ! $(PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1; then \
		echo "installing python3-venv…"; \
		(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; \
	fi
	$(PYTHON) -m venv $(ENGINES)
	$(ENGINES)/bin/python3 -m pip install --quiet --disable-pip-version-check duckdb==$(DUCKDB_VERSION)
	touch $@

# pyspark's sdist (about 430 MB) builds its wheel once; the stamp keeps later runs quick.
$(ENGINES)/.pyspark-$(PYSPARK_VERSION): | $(ENGINES)/.duckdb-$(DUCKDB_VERSION)
	@if ! command -v java >/dev/null; then \
		echo "installing openjdk-17-jre-headless…"; \
		(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless; \
	fi
	$(ENGINES)/bin/python3 -m pip install --quiet --disable-pip-version-check $(PYSPARK_PINS)
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

# The report `tally demo` runs is built in: regenerate it after editing Examples/period-report.tally.
demo-script:
	python3 Scripts/gen-demo-script.py

clean:
	rm -rf .build .build-fuzz .engines
