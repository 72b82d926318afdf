# hotline — GNU make build.  `make run` and `make test` are the two commands a newcomer needs.
# Sources are found by wildcard, so adding a .c file under src/ or tests/unit/ needs no edit here.

CC      ?= cc
PKGS    := libmicrohttpd jansson sqlite3 libsodium xlsxwriter libpq libexif vips
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla -Wformat=2
# libpq's header lives in /usr/include/postgresql (the other packages' in /usr/include)
# libvips' headers (and glib's under them) as system headers: our warnings are not theirs
CFLAGS_COMMON := -std=c17 $(WARN) -D_GNU_SOURCE -Isrc -Ibuild/gen -pthread -MMD -MP \
                 $(shell pkg-config --cflags libpq 2>/dev/null) \
                 $(patsubst -I%,-isystem %,$(shell pkg-config --cflags vips 2>/dev/null))
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

RELEASE_CFLAGS := $(CFLAGS_COMMON) -O2 -g
ASAN_CFLAGS    := $(CFLAGS_COMMON) -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
                  -fno-sanitize-recover=undefined

SRC      := $(shell find src -name '*.c' | sort)
LIB_SRC  := $(filter-out src/main.c,$(SRC)) build/gen/migrations.c build/gen/pg_migrations.c \
            build/gen/store_dispatch.c
# the store contract's headers: the dispatch to each backend is generated from them
STORE_HEADERS := $(addprefix src/store/,engine.h cases.h catalogue.h people.h analytics.h \
                   knowledge.h calls.h import.h copy.h limits.h attachments.h events.h)
GEN      := build/gen/migrations.c build/gen/pg_migrations.c build/gen/store_backend.h
MIGRATIONS := $(sort $(wildcard src/store/migrations/*.sql))
PG_MIGRATIONS := $(sort $(wildcard src/store/pg/migrations/*.sql))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
CONF_SRC := $(sort $(wildcard tests/store/conformance_*.c))

DB      ?= var/hotline.db
PORT    ?= 8080

.SECONDARY:
.PHONY: all deps deps-test deps-bench run test unit conformance api e2e web-vendor check-banned bench clean asan help fuzz fuzz-replay

all: build/release/hotline

help:
	@echo "make run    install what is missing, build, create the demo city, serve on :$(PORT)"
	@echo "make test   install what is missing, build (also with ASan/UBSan), run every test"
	@echo "make e2e    the browser tests alone (chromium); screenshots in build/screenshots/"
	@echo "make bench  run the benchmarks under bench/"

deps:
	@scripts/install-deps.sh

deps-test:
	@scripts/install-deps.sh --test

deps-bench:
	@scripts/install-deps.sh --bench

deps-ha:
	@scripts/install-deps.sh --ha

# the directory too: removing a migration file must rebuild this as well
build/gen/migrations.c: $(MIGRATIONS) src/store/migrations scripts/embed-sql.sh
	@mkdir -p $(@D)
	scripts/embed-sql.sh $(MIGRATIONS) > $@.tmp && mv $@.tmp $@
build/gen/pg_migrations.c: $(PG_MIGRATIONS) src/store/pg/migrations scripts/embed-sql.sh
	@mkdir -p $(@D)
	scripts/embed-sql.sh --table pg_migrations $(PG_MIGRATIONS) > $@.tmp && mv $@.tmp $@

build/gen/store_backend.h build/gen/store_dispatch.c &: $(STORE_HEADERS) scripts/gen-store-backend.py
	@mkdir -p build/gen
	python3 scripts/gen-store-backend.py build/gen $(STORE_HEADERS)

# --- release build -------------------------------------------------------------------------
REL_OBJ := $(patsubst %.c,build/release/%.o,$(LIB_SRC))
build/release/%.o: %.c | $(GEN)
	@mkdir -p $(@D)
	$(CC) $(RELEASE_CFLAGS) -c $< -o $@
build/release/libhotline.a: $(REL_OBJ)
	ar rcs $@ $^
build/release/hotline: build/release/src/main.o build/release/libhotline.a
	$(CC) $(RELEASE_CFLAGS) $^ -o $@ $(LDLIBS)

# --- sanitizer build (used by every test) ---------------------------------------------------
ASAN_OBJ := $(patsubst %.c,build/asan/%.o,$(LIB_SRC))
build/asan/%.o: %.c | $(GEN)
	@mkdir -p $(@D)
	$(CC) $(ASAN_CFLAGS) -c $< -o $@
build/asan/libhotline.a: $(ASAN_OBJ)
	ar rcs $@ $^
build/asan/hotline: build/asan/src/main.o build/asan/libhotline.a
	$(CC) $(ASAN_CFLAGS) $^ -o $@ $(LDLIBS)
UNIT_BIN := $(patsubst tests/unit/%.c,build/asan/tests/%,$(UNIT_SRC))
build/asan/tests/%: build/asan/tests/unit/%.o build/asan/libhotline.a
	@mkdir -p $(@D)
	$(CC) $(ASAN_CFLAGS) $^ -o $@ $(LDLIBS) -lcmocka

# the store conformance suite (tests/store/): one program per domain, each linked with the
# suite's fixture; runs against the store HOTLINE_TEST_STORE names (unset: SQLite)
CONF_BIN := $(patsubst tests/store/%.c,build/asan/tests/store/%,$(CONF_SRC))
build/asan/tests/store/conformance_%: build/asan/tests/store/conformance_%.o \
                                      build/asan/tests/store/fixture.o build/asan/libhotline.a
	$(CC) $(ASAN_CFLAGS) $^ -o $@ $(LDLIBS) -lcmocka

asan: build/asan/hotline $(UNIT_BIN)

# --- libFuzzer targets (clang): `make fuzz` runs each for FUZZ_SECONDS; `make fuzz-replay`
# (part of `make test`) runs each over its committed corpus in tests/fuzz/corpus/<target>/ ----
FUZZ_CC      := clang
FUZZ_CFLAGS  := $(CFLAGS_COMMON) -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
                -fno-sanitize-recover=undefined
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN     := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
FUZZ_OBJ     := $(patsubst %.c,build/fuzz/%.o,$(LIB_SRC))
FUZZ_SECONDS ?= 60
build/fuzz/%.o: %.c | $(GEN)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@
build/fuzz/libhotline.a: $(FUZZ_OBJ)
	ar rcs $@ $^
build/fuzz/fuzz_%: build/fuzz/tests/fuzz/fuzz_%.o build/fuzz/libhotline.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ -o $@ $(LDLIBS)

fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p build/fuzz-corpus/$$n; \
	  echo "== $$n for $(FUZZ_SECONDS)s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/fuzz-corpus/$$n tests/fuzz/corpus/$$n \
	    2>&1 | tail -3 || exit 1; done

fuzz-replay: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); \
	  $$f -runs=0 tests/fuzz/corpus/$$n >/dev/null 2>build/fuzz/$$n.log \
	    || { cat build/fuzz/$$n.log; exit 1; }; \
	  echo "fuzz-replay: $$n: $$(ls tests/fuzz/corpus/$$n | wc -l) inputs ok"; done

# --- web: files served from web/vendor/ (git-ignored), made from npm packages and data/ -------
WEB_VENDOR := web/vendor/echarts.min.js web/vendor/districts.geojson
web-vendor: $(WEB_VENDOR)
node_modules/.package-lock.json: package-lock.json package.json
	npm ci --no-audit --no-fund
web/vendor/echarts.min.js: node_modules/.package-lock.json
	@mkdir -p $(@D)
	cp node_modules/echarts/dist/echarts.min.js $@
web/vendor/districts.geojson: data/demo/districts.geojson
	@mkdir -p $(@D)
	cp $< $@

# --- the two commands -------------------------------------------------------------------------
# A new demo database gets DEMO_DAYS of generated history (about a minute on 2 cores) and the
# suggestion models trained on it; delete $(DB) to start afresh.
DEMO_DAYS    ?= 90
DEMO_PER_DAY ?= 200
run: deps
	@$(MAKE) --no-print-directory -j$$(nproc) build/release/hotline web-vendor
	@mkdir -p $(dir $(DB))
	@if [ ! -f $(DB) ]; then \
	  build/release/hotline init --demo --db $(DB) && \
	  echo "make run: generating $(DEMO_DAYS) days of demo history into $(DB) ..." && \
	  build/release/hotline generate --db $(DB) --days $(DEMO_DAYS) --per-day $(DEMO_PER_DAY) --threads 64 && \
	  build/release/hotline train --db $(DB) \
	  || { rm -f $(DB) $(DB)-wal $(DB)-shm; exit 1; }; fi
	build/release/hotline serve --db $(DB) --port $(PORT) --web web

test: deps-test
	@$(MAKE) --no-print-directory -j$$(nproc) build/release/hotline asan web-vendor
	@$(MAKE) --no-print-directory check-banned unit conformance fuzz-replay api e2e ha-test

# with a throwaway PostgreSQL cluster for the test_pg_* suites (HOTLINE_TEST_PG), removed after
unit: $(UNIT_BIN)
	@scripts/pg-test-cluster.sh run scripts/run-unit.sh $(UNIT_BIN)

# the store conformance suite against every backend: SQLite, then PostgreSQL on a throwaway cluster
conformance: $(CONF_BIN)
	@RUN_UNIT_LABEL=conformance scripts/run-unit.sh $(CONF_BIN)
	@scripts/pg-test-cluster.sh run sh -c 'HOTLINE_TEST_STORE=$$HOTLINE_TEST_PG \
	  RUN_UNIT_LABEL=conformance-postgres scripts/run-unit.sh "$$@"' conformance $(CONF_BIN)

# the API suite twice: its shared server on SQLite, then on PostgreSQL (a throwaway cluster)
api: build/asan/hotline
	HOTLINE_BIN=$(CURDIR)/build/asan/hotline /usr/bin/python3 -m pytest -q tests/api
	HOTLINE_TEST_BACKEND=postgres HOTLINE_BIN=$(CURDIR)/build/asan/hotline \
	  /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/api

# Browser tests: playwright-core driving Debian's chromium against servers of their own
# (tests/e2e/*.test.mjs); screenshots in build/screenshots/.
e2e: build/asan/hotline build/release/hotline web-vendor
	node tests/e2e/run.mjs

check-banned:
	@scripts/check-banned.sh

# Crash safety: SIGKILL the server 20 times under load; every acknowledged request must survive
# (tests/reliability/crash_test.py; `make test` runs a 5-kill version in tests/api/test_crash.py).
.PHONY: crash-test
crash-test: build/release/hotline
	/usr/bin/python3 tests/reliability/crash_test.py --bin build/release/hotline --kills 20

# Failover (issue 15): etcd, two PostgreSQL nodes under Patroni with a synchronous standby, two
# servers on the multi-host URL, 16 clients registering; the primary's postmaster SIGKILLed 10
# times, every acknowledged request checked (tests/ha/run.py, docs/operations.md "Failover").
.PHONY: ha-test deps-ha
ha-test: deps-ha build/asan/hotline
	/usr/bin/python3 tests/ha/run.py --kills 10

bench: deps-bench build/release/hotline
	bench/run-all.sh

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
