# streamutils: make builds bin/, make check runs the tests twice (plain and
# under AddressSanitizer + UndefinedBehaviorSanitizer).

PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man
CC ?= cc
CFLAGS ?= -O3 -g -flto=auto
LDFLAGS ?= -flto=auto
WARN = -std=c11 -Wall -Wextra -Werror
LDLIBS = -lz -lm
BUILD ?= build
BINDIR ?= bin

TOOLS = swindow swatermark scheckpoint skeyby scsv
CORE = util num dsum tm tz map heap rec ctl scan snap op
CORE_OBJ = $(CORE:%=$(BUILD)/%.o)
HDR = $(wildcard src/*.h)

all: $(TOOLS:%=$(BINDIR)/%)

$(BUILD)/%.o: src/%.c $(HDR)
	@mkdir -p $(BUILD)
	$(CC) $(WARN) $(CFLAGS) -c -o $@ $<

$(BUILD)/libcore.a: $(CORE_OBJ)
	rm -f $@
	ar rcs $@ $(CORE_OBJ)

# Each tool is its own .c on the core; swindow has parts of its own.
SWINDOW_OBJ = agg swindow_store swindow_assign swindow_fire
$(BINDIR)/swindow: $(SWINDOW_OBJ:%=$(BUILD)/%.o)
$(BINDIR)/scheckpoint: $(BUILD)/scheckpoint_source.o $(BUILD)/scheckpoint_sink.o
$(BINDIR)/skeyby: $(BUILD)/skeyby_merge.o $(BUILD)/skeyby_files.o
$(BINDIR)/scsv: $(BUILD)/scsv_read.o $(BUILD)/scsv_write.o
$(BINDIR)/scsv: LDLIBS += -lcsv
$(BINDIR)/%: $(BUILD)/%.o $(BUILD)/libcore.a
	@mkdir -p $(BINDIR)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BUILD)/libcore.a \
	    $(LDLIBS)

# The differential test of the scanner against jansson.
$(BUILD)/scandiff: tests/scandiff.c $(BUILD)/libcore.a
	$(CC) $(WARN) $(CFLAGS) -Isrc -o $@ tests/scandiff.c \
	    $(BUILD)/libcore.a -ljansson $(LDLIBS)

# The same with the scanner's byte-at-a-time paths only, which machines
# without SSE2 or little-endian words take.
$(BUILD)/scandiff-plain: tests/scandiff.c src/scan.c src/scan.h
	$(CC) $(WARN) $(CFLAGS) -DSCAN_NO_SWAR -Isrc -o $@ tests/scandiff.c \
	    src/scan.c -ljansson $(LDLIBS)

ASAN = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all

# bats speaks TAP; the last line adds the plain count that CI reads.
test: all $(BUILD)/scandiff $(BUILD)/scandiff-plain
	@rc=0; SU_BIN=$(CURDIR)/$(BINDIR) SU_BUILD=$(CURDIR)/$(BUILD) \
	    bats tests > $(BUILD)/tests.tap 2>&1 || rc=$$?; \
	cat $(BUILD)/tests.tap; \
	echo "tests: $$(grep -c '^ok' $(BUILD)/tests.tap) passed," \
	    "$$(grep -c '^not ok' $(BUILD)/tests.tap) failed"; \
	exit $$rc

check: deps
	$(MAKE) test
	$(MAKE) test BUILD=build-asan BINDIR=build-asan/bin CFLAGS="$(ASAN)"
	$(MAKE) flags

# Warning-free under other optimisation levels and sanitizers too (their
# analyses differ): each set builds once, apart.
FLAGSETS = -O0;-O1;-O2;-Os;-O2 -fsanitize=address,undefined;-O3 -fsanitize=undefined
flags:
	@echo '$(FLAGSETS)' | tr ';' '\n' | while read -r f; do \
	    echo "flags: $$f"; rm -rf $(BUILD)/flags; \
	    $(MAKE) -s BUILD=$(BUILD)/flags BINDIR=$(BUILD)/flags/bin \
	        CFLAGS="$$f" LDFLAGS= all $(BUILD)/flags/scandiff \
	        $(BUILD)/flags/scandiff-plain || exit 1; \
	done
	@rm -rf $(BUILD)/flags

deps:
	@sh ./bootstrap

# The randomized model test (tests/model) for as long as asked, on the
# sanitizer build; a failure prints its seed and a minimized command.
# Then the numbers against Python's exact arithmetic, at the same seed.
# Then the kill/rerun chaos test, longer than make check runs it: every
# mode over 300,000 events until 30 kills have cut a run short.
SECONDS = 60
SEED = $(shell date +%s)
stress: deps all
	$(MAKE) BUILD=build-asan BINDIR=build-asan/bin CFLAGS="$(ASAN)" all
	python3 tests/model/stress.py --bin build-asan/bin --seed $(SEED) \
	    --seconds $(SECONDS)
	python3 tests/numcheck.py build-asan/bin $(SEED) 20000
	python3 tests/numcheck.py build-asan/bin $(SEED) 20000 few-bits
	for m in group one pipe time grow keyby rescale; do \
	    tests/chaos.sh $(BINDIR) 300000 30 $$m $(SEED) || exit 1; \
	done

# The suite again with every tool under valgrind: a leak or a memory error
# makes the tool exit 99 and print to stderr, so the test fails.
valgrind: all $(BUILD)/scandiff $(BUILD)/scandiff-plain
	@mkdir -p $(BUILD)/vg
	@for t in $(TOOLS); do \
	    printf '#!/bin/sh\nexec valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 %s "$$@"\n' \
	        "$(CURDIR)/$(BINDIR)/$$t" > $(BUILD)/vg/$$t; \
	    chmod +x $(BUILD)/vg/$$t; \
	done
	SU_BIN=$(CURDIR)/$(BUILD)/vg SU_BUILD=$(CURDIR)/$(BUILD) bats tests

# libFuzzer over the scanner, compared with jansson, for a bounded time.
FUZZ_SECONDS ?= 60
fuzz: src/scan.c src/scan.h fuzz/scan_fuzz.c tests/scandiff.c
	@mkdir -p $(BUILD)/fuzz-corpus
	clang -std=c11 -Wall -Wextra -Werror -g -O1 \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc \
	    -o $(BUILD)/scan_fuzz fuzz/scan_fuzz.c src/scan.c -ljansson
	$(BUILD)/scan_fuzz -max_total_time=$(FUZZ_SECONDS) \
	    $(BUILD)/fuzz-corpus fuzz/corpus

# Scanner throughput against jansson (bench/ has the tool comparisons).
$(BUILD)/scanbench: bench/scanbench.c $(BUILD)/libcore.a
	$(CC) $(WARN) $(CFLAGS) -Isrc -o $@ bench/scanbench.c \
	    $(BUILD)/libcore.a -ljansson $(LDLIBS)

scanbench: $(BUILD)/scanbench
	$(BUILD)/scanbench

# Instructions per event of swindow and swatermark (valgrind), which
# repeat exactly: the measure for a change to the hot path.
instr: all
	bench/instr

demo: deps all
	sh sample/demo.sh

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man7
	cp $(TOOLS:%=$(BINDIR)/%) $(DESTDIR)$(PREFIX)/bin/
	cp $(TOOLS:%=man/%.1) $(DESTDIR)$(MANDIR)/man1/
	cp man/streamutils.7 $(DESTDIR)$(MANDIR)/man7/

lint-man:
	mandoc -Tlint -Wwarning man/*.1 man/*.7

clean:
	rm -rf build build-asan $(BINDIR)

.SECONDARY:

.PHONY: all test check flags deps stress valgrind fuzz scanbench instr demo install lint-man clean
