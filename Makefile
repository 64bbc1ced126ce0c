# kqlc - compiles Elastic detection rules written in KQL into detectors.
#
#   make          build bin/kqlc and the runtime library
#   make demo     run the port-26 detector over a sample of our own
#   make test     build and run every test; ends with 'N passed, N failed'
#   make asan-test  the same, on a build with AddressSanitizer and UBSan
#
# Every target first makes sure the Debian packages are installed
# (scripts/install-deps.sh, through sudo when not root).

# ---------------------------------------------------------------- settings

CC       ?= cc
CXX      ?= c++
FLEX     ?= flex
BISON    ?= bison
VERSION  := 0.1.0

BUILD    := build
BIN      := bin

# make asan-test builds the whole tree with AddressSanitizer and UBSan
# (SANITIZE=1) into directories of its own, so a normal build is left as
# it is; the kqlc of that build gives the detectors it builds the same
# flags and links them against its own runtime library.
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
             -fno-omit-frame-pointer -O1 -g
ifeq ($(SANITIZE),1)
BUILD    := build-asan
BIN      := bin-asan
SAN      := $(SAN_FLAGS)
endif

CSTD     := -std=c11
CPPFLAGS := -D_POSIX_C_SOURCE=200809L -DKQLC_VERSION='"$(VERSION)"' \
            -Icompiler -Iruntime -I$(BUILD)/compiler
OPT      := -O2 -g

WARN     := -Wall
WARN     += -Wextra
WARN     += -Wpedantic
# a shadowed name is a bug waiting to happen
WARN     += -Wshadow
# every exported function has a prototype in its header
WARN     += -Wmissing-prototypes
# formats are checked, and non-literal formats refused
WARN     += -Wformat=2
# mixing signed and unsigned in comparisons hides overflow bugs
WARN     += -Wsign-compare
WARN     += -Werror

CFLAGS   ?= $(OPT)
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) $(SAN)
CXXFLAGS ?= -O2 -g
ALL_CXXFLAGS = -std=c++17 -Wall -Wextra -Werror $(CXXFLAGS) $(SAN) \
               $(shell pkg-config --cflags tomlplusplus 2>/dev/null)

LIBS     := $(shell pkg-config --libs jansson tomlplusplus libedit \
              2>/dev/null) \
            -ltcc -lunistring -lzstd -lz -ldl -lm -lstdc++

# Rules shipped with the project; generated/ holds the C emitted for each.
RULES    := $(wildcard rules/*.toml)
GENERATED := $(patsubst rules/%.toml,generated/%.c,$(RULES))

# ------------------------------------------------------------------ sources

COMPILER_SRC := $(filter-out compiler/main.c,$(wildcard compiler/*.c))
COMPILER_CXX := $(wildcard compiler/*.cc)
RUNTIME_SRC  := $(filter-out runtime/krt_entry.c,$(wildcard runtime/*.c))

COMPILER_OBJ := $(COMPILER_SRC:%.c=$(BUILD)/%.o) \
                $(COMPILER_CXX:%.cc=$(BUILD)/%.o) \
                $(BUILD)/compiler/lexer.o $(BUILD)/compiler/parser.o
RUNTIME_OBJ  := $(RUNTIME_SRC:%.c=$(BUILD)/%.o)
ENTRY_OBJ    := $(BUILD)/runtime/krt_entry.o

LIBKQLC      := $(BUILD)/libkqlc.a
LIBKRT       := $(BUILD)/libkrt.a
KQLC         := $(BIN)/kqlc

# -------------------------------------------------------------- top targets

.PHONY: all deps demo test asan-test clean regen-generated update-golden \
        fuzz-diff bench-jit update-corpus fuzz fuzz-build bench
all: deps $(KQLC) $(LIBKRT)

deps:
	@./scripts/install-deps.sh

# ------------------------------------------------------------------ front end

$(BUILD)/compiler/lexer.c $(BUILD)/compiler/lexer.h: compiler/lexer.l | deps
	@mkdir -p $(dir $@)
	$(FLEX) --header-file=$(BUILD)/compiler/lexer.h \
	    -o $(BUILD)/compiler/lexer.c $<

$(BUILD)/compiler/parser.c $(BUILD)/compiler/parser.h: compiler/parser.y | deps
	@mkdir -p $(dir $@)
	$(BISON) -Wall -Werror --header=$(BUILD)/compiler/parser.h \
	    -o $(BUILD)/compiler/parser.c $<

# flex's and bison's output is compiled with our flags too.
$(BUILD)/compiler/lexer.o: $(BUILD)/compiler/lexer.c $(BUILD)/compiler/parser.h
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<
$(BUILD)/compiler/parser.o: $(BUILD)/compiler/parser.c $(BUILD)/compiler/lexer.h
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# krt.h's text for the JIT, which compiles generated code without files.
$(BUILD)/compiler/krt_h.inc: runtime/krt.h
	@mkdir -p $(dir $@)
	od -An -v -tx1 $< | sed -e 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g' >$@
$(BUILD)/compiler/jit.o: $(BUILD)/compiler/krt_h.inc

# kqlc builds detectors as it was built itself: against the libkrt.a of
# its build directory, with its sanitizers.
$(BUILD)/compiler/driver.o: CPPFLAGS += -DKQLC_BUILD_DIR='"$(BUILD)"' \
                                        -DKQLC_CC_FLAGS='"$(SAN)"'

# ---------------------------------------------------------------- objects

$(BUILD)/%.o: %.c | deps $(BUILD)/compiler/parser.h $(BUILD)/compiler/lexer.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/%.o: %.cc | deps
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(ALL_CXXFLAGS) -MMD -MP -c -o $@ $<

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------- libraries

$(LIBKQLC): $(COMPILER_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The entry point (main) is a member of its own: hosts such as kqlc that
# link the runtime for the JIT never pull it in.
$(LIBKRT): $(RUNTIME_OBJ) $(ENTRY_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(KQLC): $(BUILD)/compiler/main.o $(LIBKQLC) $(LIBKRT)
	@mkdir -p $(BIN)
	$(CC) $(ALL_CFLAGS) -o $@ $(BUILD)/compiler/main.o $(LIBKQLC) \
	    $(LIBKRT) $(LIBS)

# --------------------------------------------------------------- generated

# Rewrite generated/ from rules/ (review the diff before committing).
regen-generated: all
	@for r in $(RULES); do \
	    out=generated/$$(basename $$r .toml).c; \
	    $(KQLC) emit $$r -o $$out || exit 1; \
	    echo "wrote $$out"; \
	done

# -------------------------------------------------------------------- demo

demo: all
	@./scripts/demo.sh

# -------------------------------------------------------------------- tests

include tests/tests.mk

test: all tests-build
	@$(TEST_ENV) ./tests/run.sh

# Every test again, on the build with sanitizers (build-asan/, bin-asan/).
asan-test:
	@$(MAKE) --no-print-directory SANITIZE=1 test

# Figures for the JIT (compile latency, speed against the native
# detector), written to bench/RESULTS.md.
bench-jit: all
	sh bench/jit.sh

# The three engines on many more random queries and events than make test
# runs: make fuzz-diff N=1000 SEED=7
fuzz-diff: all tests-build
	KQLC_DIFF_ROUNDS=$(or $(N),200) KQLC_DIFF_SEED=$(or $(SEED),1000) \
	    $(BUILD)/tests/test_engines_diff

# Rewrite the corpus test's pinned counts and rejected rules for review:
# make update-corpus && git diff tests/e2e/data
update-corpus: all
	KQLC_UPDATE_CORPUS=1 sh tests/e2e/corpus.sh

# Rewrite one golden expectation (NAME=case, or NAME=all) for review:
# make update-golden NAME=unterminated-quote && git diff tests/golden
update-golden: all tests-build
	KQLC_UPDATE_GOLDEN=$(NAME) $(BUILD)/tests/test_parser

# ------------------------------------------------------------------ fuzzing

# make fuzz: the libFuzzer targets of tests/fuzz/ (the KQL parser, the
# rule-file loaders, the event scanner against jansson), FUZZ_SECONDS
# each, one after another; fails when any finds a crash or a difference
# (kept in build-fuzz/crashes/).  It builds the compiler and the runtime
# a third time, with clang, coverage and ASan/UBSan, into build-fuzz/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := parser rulefile scan
FUZZ_DIR     := build-fuzz
FUZZ_SAN     := -fsanitize=fuzzer-no-link,address,undefined \
                -fno-sanitize-recover=undefined -fno-omit-frame-pointer \
                -fsanitize-coverage-ignorelist=tests/fuzz/coverage-ignore.txt
FUZZ_VARS    := BUILD=$(FUZZ_DIR) BIN=$(FUZZ_DIR)/bin CC=clang CXX=clang++ \
                SAN='$(FUZZ_SAN)' CFLAGS='-O1 -g' CXXFLAGS='-O1 -g'

fuzz:
	@./scripts/install-deps.sh fuzz
	@$(MAKE) --no-print-directory $(FUZZ_VARS) fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Run with $(FUZZ_VARS) (make fuzz does): BUILD is then build-fuzz.
fuzz-build: $(FUZZ_TARGETS:%=$(BUILD)/fuzz_%)

# Linked by clang++: UBSan's checks in toml++ need its C++ runtime.
$(BUILD)/tests/fuzz/%.o: CPPFLAGS += -Itests/unit
.SECONDARY: $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/fuzz_%.o)
$(BUILD)/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(LIBKQLC) $(LIBKRT)
	$(CXX) $(SAN) -fsanitize=fuzzer -o $@ $< $(LIBKQLC) $(LIBKRT) $(LIBS)

# ---------------------------------------------------------------- benchmark

# bench/gen, the benchmark's event generator; make test checks it too
# (tests/e2e/bench_gen.sh).
BENCH_GEN := $(BUILD)/bench/gen

$(BENCH_GEN): bench/gen.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $<

tests-build: $(BENCH_GEN)

# The detectors against cat, wc -l, jq and DuckDB, and against input
# size and rule count: writes bench/RESULTS.md and bench/*.png.
# BENCH_EVENTS, BENCH_RUNS, BENCH_STREAM_GB and BENCH_DATA change what
# it runs (bench/run.sh); it installs what only it needs.
bench: all $(BENCH_GEN)
	@./scripts/install-deps.sh bench
	@sh bench/run.sh

# ------------------------------------------------------------------- clean

clean:
	rm -rf build bin build-asan bin-asan
