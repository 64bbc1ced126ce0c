build-asan/tests/test_rulefile: tests/unit/test_rulefile.c \
 compiler/arena.h compiler/diag.h compiler/span.h compiler/rulefile.h \
 compiler/arena.h compiler/diag.h
compiler/arena.h:
compiler/diag.h:
compiler/span.h:
compiler/rulefile.h:
compiler/arena.h:
compiler/diag.h:
