# Tally — `make demo` runs the period report on the sample data; `make test` runs the tests.
SWIFT ?= swift

.PHONY: deps build release test demo clean

# libedit-dev provides <histedit.h>; install it when it is missing (Debian).
deps:
	@if ! pkg-config --exists libedit 2>/dev/null; then \
		echo "installing libedit-dev…"; \
		(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libedit-dev pkg-config; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --static-swift-stdlib

test: deps
	$(SWIFT) build
	$(SWIFT) test --disable-swift-testing

demo: release
	.build/release/tally demo

clean:
	rm -rf .build
