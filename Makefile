# sfdiag - offline diagnosis of Salesforce integration login failures.
#
#   make            build build/sfdiag
#   make demo       install missing dependencies, build, run on samples/
#   make test       install missing dependencies, build, run every test
#   make check      the whole test suite under ASan + UBSan (+ LeakSanitizer)
#   make check-threads  the threaded paths under ThreadSanitizer
#   make bench      speed and memory against peer tools (see README)
#   make install    PREFIX=/usr/local DESTDIR=
#   make deps       apt-get install what the build needs (Debian 12)

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR   = $(PREFIX)/bin
DATADIR  = $(PREFIX)/share/sfdiag
MANDIR   = $(PREFIX)/share/man
COMPDIR  = $(PREFIX)/share/bash-completion/completions

CC      ?= cc
WERROR  ?=
OPT     ?= -O2
WARN     = -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2
# GMime (emails, lib/input/mime.c) and the GLib it is built on: their
# headers as system headers, so that our warnings do not apply to them.
GMIME_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags gmime-3.0 2>/dev/null))
GMIME_LIBS   := $(shell pkg-config --libs gmime-3.0 2>/dev/null)
CPPFLAGS_ALL = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude -Ilib \
           -DSFDIAG_DATADIR='"$(DATADIR)"' -DSFDIAG_SRCDIR='"$(CURDIR)"' $(GMIME_CFLAGS) $(CPPFLAGS)
CFLAGS_ALL = -std=c11 $(OPT) -g $(WARN) $(WERROR) -pthread $(CFLAGS)
LIBS     = -lpcre2-8 -lcsv -lcjson -lz -larchive -lexpat $(GMIME_LIBS) -lpthread

SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
# ThreadSanitizer, with RUN_SPLIT_MIN so small that every sample CSV is read
# as two halves: the golden tests then check that the split changes nothing.
TSAN_FLAGS = -fsanitize=thread -DRUN_SPLIT_MIN=256
# TSan needs a fixed address-space layout on kernels with many random bits.
NO_ASLR = setarch $$(uname -m) -R

# Debian packages the build and the tests need.
DEB_BUILD = gcc make pkg-config libpcre2-dev libcsv-dev libcjson-dev zlib1g-dev \
            libarchive-dev libexpat1-dev libgmime-3.0-dev
DEB_TEST  = python3 python3-jsonschema python3-openpyxl groff-base time binutils cmark-gfm
DEB_LINT  = clang-14 libclang-rt-14-dev cppcheck clang-tidy clang-format
# make bench compares the text reader with ripgrep and the JSON reader with jq
# (bench/README.md).
DEB_BENCH = ripgrep jq

# The library, one folder per pipeline stage (docs/architecture.md), and the
# command-line front-end that links it.
STAGES   = base input rules adapt engine report batch
LIB_SRC  = $(sort $(foreach s,$(STAGES),$(wildcard lib/$(s)/*.c)))
CLI_SRC  = $(sort $(wildcard cli/*.c))
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))

# Three builds, each in its own folder: release, ASan + UBSan, TSan.
obj = $(patsubst %.c,build/$(1)/%.o,$(2))
REL_LIB = build/rel/libsfdiag.a
SAN_LIB = build/san/libsfdiag.a
TSAN_LIB = build/tsan/libsfdiag.a
REL_UNIT = $(UNIT_SRC:tests/unit/%.c=build/rel/unit/%)
SAN_UNIT = $(UNIT_SRC:tests/unit/%.c=build/san/unit/%)

.PHONY: all deps demo test test-release check check-threads unit cli test-install test-html \
        bench install uninstall clean lint FORCE fuzz fuzz-replay limits oom lint-deps format

all: build/sfdiag

build/%/libsfdiag.a:
	@rm -f $@
	$(AR) rcs $@ $^

$(REL_LIB): $(call obj,rel,$(LIB_SRC))
$(SAN_LIB): $(call obj,san,$(LIB_SRC))
$(TSAN_LIB): $(call obj,tsan,$(LIB_SRC))

build/sfdiag: $(call obj,rel,$(CLI_SRC)) $(REL_LIB)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS) $(LIBS)

build/san/sfdiag: $(call obj,san,$(CLI_SRC)) $(SAN_LIB)
	$(CC) $(CFLAGS_ALL) $(SAN_FLAGS) -o $@ $^ $(LDFLAGS) $(LIBS)

build/tsan/sfdiag: $(call obj,tsan,$(CLI_SRC)) $(TSAN_LIB)
	$(CC) $(CFLAGS_ALL) $(TSAN_FLAGS) -o $@ $^ $(LDFLAGS) $(LIBS)

# Header dependencies come from the compiler (-MMD), one .d file per object.
build/rel/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

build/san/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(SAN_FLAGS) -MMD -MP -c -o $@ $<

build/tsan/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(TSAN_FLAGS) -MMD -MP -c -o $@ $<

build/rel/unit/%: tests/unit/%.c tests/unit/*.h $(REL_LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -o $@ $< $(REL_LIB) $(LDFLAGS) $(LIBS)

build/san/unit/%: tests/unit/%.c tests/unit/*.h $(SAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(SAN_FLAGS) -o $@ $< $(SAN_LIB) $(LDFLAGS) $(LIBS)

build/tsan/unit/%: tests/unit/%.c tests/unit/*.h $(TSAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(TSAN_FLAGS) -o $@ $< $(TSAN_LIB) $(LDFLAGS) $(LIBS)

-include $(shell find build -name '*.d' 2>/dev/null)

# The rules loader compiles DATADIR in: rebuild it whenever PREFIX changes, so
# that "make install PREFIX=/usr" after "make" does not install a binary that
# looks for its rules under /usr/local.
build/datadir.stamp: FORCE
	@mkdir -p build
	@echo '$(DATADIR)' | cmp -s - $@ 2>/dev/null || echo '$(DATADIR)' > $@
$(foreach b,rel san tsan,build/$(b)/lib/rules/rules.o): build/datadir.stamp

# Install what is missing, and nothing when everything is there.
deps:
	@missing=""; for p in $(DEB_BUILD) $(DEB_TEST); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# One export, one ticket where several kinds of evidence tell one story, and
# the batch view of every sample ticket.  Exit statuses are shown, not fatal.
demo: deps
	$(MAKE) build/sfdiag
	./build/sfdiag samples/login-history/setup-download.csv; \
	echo "(exit $$?: 0 nothing wrong, 1 findings at --fail-on severity, 2 input error)"; echo
	./build/sfdiag samples/tickets/ticket-ip-change; echo "(exit $$?)"; echo
	./build/sfdiag triage samples/tickets; echo "(exit $$?)"

unit: $(REL_UNIT)
	@fail=0; for t in $(REL_UNIT); do $$t || fail=1; done; exit $$fail

cli: build/sfdiag
	SFDIAG=./build/sfdiag tests/cli/run

# make install into temporary directories; the installed binary finds its rules.
test-install:
	tests/install/run

# The HTML report in headless Chromium (skipped when chromium is missing).
test-html: build/sfdiag
	SFDIAG=./build/sfdiag tests/html/run $(HTML_OUT)

# The whole suite twice: the release build, then ASan + UBSan (make check).
test: deps
	$(MAKE) test-release
	$(MAKE) check
	$(MAKE) check-threads

test-release: build/sfdiag $(REL_UNIT)
	@fail=0; \
	for t in $(REL_UNIT); do $$t || fail=1; done; \
	./build/sfdiag rules test || fail=1; \
	SFDIAG=./build/sfdiag tests/cli/run || fail=1; \
	SFDIAG=./build/sfdiag tests/catalog/run || fail=1; \
	SFDIAG=./build/sfdiag tests/schema/run || fail=1; \
	SFDIAG=./build/sfdiag tests/secrets/run || fail=1; \
	SFDIAG=./build/sfdiag tests/triage/run || fail=1; \
	SFDIAG=./build/sfdiag tests/draft/run || fail=1; \
	SFDIAG=./build/sfdiag tests/md/run || fail=1; \
	SFDIAG=./build/sfdiag tests/html/run || fail=1; \
	tests/install/run || fail=1; \
	SFDIAG=./build/sfdiag tests/limits/run || fail=1; \
	SFDIAG=./build/sfdiag tests/oom/run || fail=1; \
	exit $$fail

check: deps
	$(MAKE) build/san/sfdiag $(SAN_UNIT)
	@fail=0; export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1; \
	for t in $(SAN_UNIT); do $$t || fail=1; done; \
	./build/san/sfdiag rules test || fail=1; \
	SFDIAG=./build/san/sfdiag tests/cli/run || fail=1; \
	SFDIAG=./build/san/sfdiag tests/secrets/run || fail=1; \
	SFDIAG=./build/san/sfdiag tests/triage/run || fail=1; \
	tests/fuzz/replay-all || fail=1; \
	exit $$fail

# The threaded paths under ThreadSanitizer: the prefetch reader (unit test),
# every golden test with every CSV split in two halves, and triage at -j 4
# (tests/cli/triage-mail reads emails on four threads).  GLib, under GMime,
# synchronises with futexes TSan cannot see: tests/tsan/glib.supp leaves out
# races with a frame in GLib or GMime, and G_SLICE=always-malloc makes its
# slice allocator use malloc, which TSan sees.
check-threads: deps
	$(MAKE) build/tsan/sfdiag build/tsan/unit/test_input
	@fail=0; export G_SLICE=always-malloc \
	  TSAN_OPTIONS=halt_on_error=1:exitcode=66:suppressions=$(CURDIR)/tests/tsan/glib.supp; \
	$(NO_ASLR) ./build/tsan/unit/test_input || fail=1; \
	SFDIAG=./build/tsan/sfdiag $(NO_ASLR) tests/cli/run || fail=1; \
	SFDIAG=./build/tsan/sfdiag $(NO_ASLR) tests/triage/run || fail=1; \
	exit $$fail

# Hardening (tests/fuzz, tests/limits, tests/oom; docs in tests/fuzz/README if any).
# make fuzz runs each libFuzzer harness FUZZ_SECONDS (clang); fuzz-replay
# replays every corpus file through a gcc + ASan build; make lint runs
# cppcheck and clang-tidy with the committed configurations.
FUZZ_SECONDS ?= 30

lint-deps:
	@$(MAKE) --no-print-directory deps DEB_TEST="$(DEB_LINT)"

fuzz: lint-deps
	FUZZ_PARALLEL=2 tests/fuzz/run-fuzzers $(FUZZ_SECONDS)

fuzz-replay:
	tests/fuzz/replay-all

limits: build/sfdiag
	SFDIAG=./build/sfdiag tests/limits/run

oom: build/sfdiag
	SFDIAG=./build/sfdiag tests/oom/run

lint: lint-deps
	tools/lint.sh

# Lay out every C file as the committed .clang-format says.
format:
	clang-format -i $$(git ls-files '*.c' '*.h')

# Speed and memory against peer tools (bench/README.md).  BENCH_ARGS=--quick
# for a fast run.
build/csvfloor: bench/csvfloor.c | build/rel
	$(CC) -std=c11 -O2 $(WARN) $(WERROR) -o $@ bench/csvfloor.c -lcsv

build/runrss: bench/runrss.c | build/rel
	$(CC) -std=c11 -O2 -D_DEFAULT_SOURCE $(WARN) $(WERROR) -o $@ bench/runrss.c

bench: build/sfdiag build/csvfloor build/runrss
	@$(MAKE) --no-print-directory deps DEB_TEST="$(DEB_TEST) $(DEB_BENCH)"
	python3 bench/bench.py $(BENCH_ARGS)

# install records the folders it had to make in $(DATADIR)/installed-dirs,
# so that uninstall removes those (once empty) and never a folder that was
# there before.
INSTALL_DIRS = $(BINDIR) $(DATADIR)/rules $(MANDIR)/man1 $(MANDIR)/man5 $(COMPDIR)

install: build/sfdiag
	@made=""; for d in $(INSTALL_DIRS); do \
	  while [ ! -d "$(DESTDIR)$$d" ] && [ "$$d" != / ] && [ "$$d" != . ]; do \
	    made="$$made $$d"; d=$$(dirname "$$d"); done; \
	done; \
	install -d $(addprefix $(DESTDIR),$(INSTALL_DIRS)) && \
	printf '%s\n' $$made | sort -u > $(DESTDIR)$(DATADIR)/installed-dirs
	install -m 755 build/sfdiag $(DESTDIR)$(BINDIR)/sfdiag
	install -m 644 rules/*.rules rules/*.conf $(DESTDIR)$(DATADIR)/rules/
	sed 's|/usr/local/share/sfdiag|$(DATADIR)|g' man/sfdiag.1 > $(DESTDIR)$(MANDIR)/man1/sfdiag.1
	sed 's|/usr/local/share/sfdiag|$(DATADIR)|g' man/sfdiag-rules.5 \
	  > $(DESTDIR)$(MANDIR)/man5/sfdiag-rules.5
	chmod 644 $(DESTDIR)$(MANDIR)/man1/sfdiag.1 $(DESTDIR)$(MANDIR)/man5/sfdiag-rules.5
	install -m 644 completion/sfdiag.bash $(DESTDIR)$(COMPDIR)/sfdiag

uninstall:
	@made=$$(cat $(DESTDIR)$(DATADIR)/installed-dirs 2>/dev/null); \
	rm -f $(DESTDIR)$(BINDIR)/sfdiag $(DESTDIR)$(MANDIR)/man1/sfdiag.1 \
	  $(DESTDIR)$(MANDIR)/man5/sfdiag-rules.5 $(DESTDIR)$(COMPDIR)/sfdiag; \
	rm -rf $(DESTDIR)$(DATADIR); \
	for d in $$(printf '%s\n' $$made | sort -r); do \
	  rmdir "$(DESTDIR)$$d" 2>/dev/null || true; done

clean:
	rm -rf build
