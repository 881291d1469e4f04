# DispatchHub: `make run` starts the platform, `make test` runs every suite.
# Both install what is missing first (scripts/setup.sh), so they work on a fresh Debian 12 machine.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
DATA_DIR ?= ./var

.PHONY: all setup build build-backend build-web run test test-backend test-web sanitize clean chaos fuzz load bench

all: build

setup:
	@bash scripts/setup.sh

build: setup build-backend build-web

build-backend:
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -Wno-dev >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

build-web:
	@if [ -f web/package.json ]; then cd web && npm run --silent build; fi

run: build
	@DATA_DIR=$(DATA_DIR) bash scripts/run.sh

test: build
	@$(MAKE) --no-print-directory test-backend test-web

test-backend:
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 900

test-web:
	@if [ -f web/package.json ]; then cd web && npm test --silent; fi

clean:
	rm -rf $(BUILD_DIR) web/dist

bench: build-backend
	@bash bench/vendors_import_bench.sh
