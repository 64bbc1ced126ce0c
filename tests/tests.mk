# tests/tests.mk - building the test programs (included by the Makefile).
#
# Each tests/unit/test_NAME.c is one cmocka program, linked against the
# compiler and runtime libraries.

TEST_SRC  := $(wildcard tests/unit/test_*.c)
TEST_BIN  := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null) $(LIBS)

.PHONY: tests-build
tests-build: $(TEST_BIN)

$(BUILD)/tests/%: tests/unit/%.c $(LIBKQLC) $(LIBKRT) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(ALL_CFLAGS) -MMD -MP -o $@ $< \
	    $(LIBKQLC) $(LIBKRT) $(TEST_LIBS)

# What tests/run.sh runs: the test programs and kqlc of this build.  The
# sanitizer build's also have their sanitizers' reports collected (each
# one fails the test that caused it).
TEST_ENV := KQLC_BUILD=$(BUILD) KQLC_BIN=$(BIN)
ifeq ($(SANITIZE),1)
TEST_ENV += KQLC_SANITIZE=1
endif
