# DispatchHub: `make run` starts the platform, `make test` runs every suite, `make check` the unit and
# integration suites only (the inner loop). All install what is missing first (scripts/setup.sh), so
# they work on a fresh Debian 12 machine.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
# The integration tests mostly wait on the server, PostgreSQL or a relay: ctest runs twice as many
# at once as there are cores.
CTEST_JOBS ?= $(shell echo $$(( $$(nproc) * 2 )))
DATA_DIR ?= ./var

.PHONY: all setup configure build build-backend build-server build-web run check test test-backend test-web test-e2e test-deploy sanitize clean chaos fuzz load bench lint

all: build

setup:
	@bash scripts/setup.sh

build: setup build-backend build-web

configure:
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -Wno-dev >/dev/null

# Everything: the binary, the test suites and the benchmarks.
build-backend: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Only the `dispatchhub` binary (what `make run` starts).
build-server: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target dispatchhub

build-web:
	@if [ -f web/package.json ]; then cd web && npm run --silent build; fi

# Builds only what it runs: the binary and the web UI.
run: setup build-server build-web
	@DATA_DIR=$(DATA_DIR) bash scripts/run.sh

# The inner loop: unit and integration suites, no sanitizers, no browser, no web or deploy tests.
check: setup configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target dispatchhub dh_unit_tests dh_integration_tests dh_fuzz_replay
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(CTEST_JOBS) --timeout 900 -L '^(unit|integration)$$'

# C++ formatting (.clang-format) and the web UI's linter and type check; the first part of `make test`
# after the build.
lint: setup
	@bash scripts/lint.sh

# Every part (setup/build, backend, sanitize, web, e2e, deploy), each run even when an earlier one
# failed, then the wall time and result of each; fails when any part failed.
test:
	@MAKE="$(MAKE)" bash scripts/test-all.sh

test-backend:
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(CTEST_JOBS) --timeout 900

test-web:
	@if [ -f web/package.json ]; then cd web && npm test --silent; fi

# Browser end-to-end: Debian's chromium driven by playwright-core against a throwaway server.
test-e2e:
	@command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || { echo "test-e2e: chromium is missing (make setup installs it)"; exit 1; }
	@bash tests/e2e/run.sh

# The AWS reference deployment: synthesises the CDK app offline and checks the template
# (scripts/setup.sh has already run `npm ci` in deploy/aws).
test-deploy:
	@if [ -f deploy/aws/package.json ]; then cd deploy/aws && npm test --silent; fi

clean:
	rm -rf $(BUILD_DIR) build-fuzz build-asan web/dist

# Fault injection against real processes (tests/chaos): worker kill -9, PostgreSQL crashes, a
# faulty SMTP relay, server kill -9 after 201, 2 API + 3 worker processes. Needs root, like the
# integration tests. Figures and commands: docs/reliability.md.
chaos: build-backend
	@bash tests/chaos/run.sh

# HTTP load with wrk (tests/load): login, vendor list, vendor create, dispatch status.
load: build-backend
	@bash tests/load/run.sh

# ASan + UBSan, part of `make test`: with GCC (build-asan), the server, the worker, the whole unit
# and integration suites and every fuzz target over its seed corpus, failing on any sanitizer report.
sanitize:
	@JOBS=$(JOBS) CTEST_JOBS=$(CTEST_JOBS) bash tests/sanitize/suites.sh

# libFuzzer targets (tests/fuzz), built with clang in build-fuzz; FUZZ_SECONDS each (default 30).
FUZZ_SECONDS ?= 30
fuzz:
	@FUZZ_SECONDS=$(FUZZ_SECONDS) JOBS=$(JOBS) bash tests/fuzz/run.sh

bench: build-backend
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target smtp_bench delay_proxy
	@bash bench/vendors_import_bench.sh
	@bash bench/dispatch_e2e.sh
	@bash bench/smtp_throughput.sh $(BUILD_DIR)
	@bash bench/api_bench.sh

# ---- install ---------------------------------------------------------------------------------------
# `make build && sudo make install` puts the binary, web UI, systemd units and runbook in place;
# DESTDIR stages into a directory (packaging), PREFIX moves everything (units follow it).
# install does not build, so it can run as root on a build made by another user.
PREFIX ?= /usr/local
DESTDIR ?=
SYSTEMD_UNIT_DIR ?= /etc/systemd/system
SHARE_DIR = $(DESTDIR)$(PREFIX)/share/dispatchhub

.PHONY: install
install:
	@test -x $(BUILD_DIR)/dispatchhub || { echo "install: no $(BUILD_DIR)/dispatchhub; run 'make build' first"; exit 1; }
	install -D -m 0755 $(BUILD_DIR)/dispatchhub $(DESTDIR)$(PREFIX)/bin/dispatchhub
	@if [ -f web/dist/index.html ]; then \
	  rm -rf $(SHARE_DIR)/web && install -d $(SHARE_DIR)/web && cp -R web/dist/. $(SHARE_DIR)/web/ && \
	  echo "installed web UI in $(SHARE_DIR)/web"; \
	else echo "install: no web/dist (run 'make build-web'); the API is served without the UI"; fi
	install -D -m 0644 docs/operations.md $(DESTDIR)$(PREFIX)/share/doc/dispatchhub/operations.md
	install -D -m 0644 deploy/dispatchhub.env.example $(DESTDIR)$(PREFIX)/share/doc/dispatchhub/dispatchhub.env.example
	install -d $(DESTDIR)$(SYSTEMD_UNIT_DIR)
	@for unit in dispatchhub.service dispatchhub-worker.service; do \
	  sed 's|/usr/local|$(PREFIX)|g' deploy/systemd/$$unit > $(DESTDIR)$(SYSTEMD_UNIT_DIR)/$$unit && \
	  chmod 0644 $(DESTDIR)$(SYSTEMD_UNIT_DIR)/$$unit && echo "installed $(DESTDIR)$(SYSTEMD_UNIT_DIR)/$$unit"; \
	done
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then \
	  id dispatchhub >/dev/null 2>&1 || useradd --system --home-dir /var/lib/dispatchhub --shell /usr/sbin/nologin dispatchhub; \
	  install -d -m 0755 /etc/dispatchhub; \
	  [ -f /etc/dispatchhub/dispatchhub.env ] || install -m 0640 -g dispatchhub deploy/dispatchhub.env.example /etc/dispatchhub/dispatchhub.env; \
	  systemctl daemon-reload 2>/dev/null || true; \
	  echo "install: edit /etc/dispatchhub/dispatchhub.env, then: systemctl enable --now dispatchhub"; \
	fi
