# Tally — `make demo` runs the period report on the sample data; `make test` runs the tests.
SWIFT ?= swift
# Seconds per fuzz target: `make fuzz` (FUZZ_TIME=600 make fuzz), and the short pass of `make test`.
FUZZ_TIME ?= 60
FUZZ_CHECK_TIME ?= 15

.PHONY: deps build release test fuzz demo clean

# libedit-dev provides <histedit.h>; install it when it is missing (Debian).
# `sort … pinyin` uses glibc's zh_CN.UTF-8 locale, and its tests compare with `sort` in it: make
# it when it is missing (Debian's package locales has its source). The SVG tests read with python3.
deps:
	@if ! pkg-config --exists libedit 2>/dev/null; then \
		echo "installing libedit-dev…"; \
		(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libedit-dev pkg-config; \
	fi
	@if ! locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\?8'; then \
		echo "making the zh_CN.UTF-8 locale…"; \
		if [ ! -e /usr/share/i18n/locales/zh_CN ]; then \
			(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq locales; \
		fi; \
		localedef -i zh_CN -f UTF-8 zh_CN.UTF-8; \
	fi
	@if ! command -v python3 >/dev/null; then \
		(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --static-swift-stdlib

test: deps
	$(SWIFT) build
	$(SWIFT) test --disable-swift-testing
	SWIFT=$(SWIFT) Fuzz/run $(FUZZ_CHECK_TIME)

# Each libFuzzer target (Fuzz/) for FUZZ_TIME seconds; a crash is saved in Fuzz/crashes/TARGET/.
fuzz: deps
	SWIFT=$(SWIFT) Fuzz/run $(FUZZ_TIME)

demo: release
	.build/release/tally demo

clean:
	rm -rf .build .build-fuzz
