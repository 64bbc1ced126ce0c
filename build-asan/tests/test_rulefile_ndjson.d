build-asan/tests/test_rulefile_ndjson: tests/unit/test_rulefile_ndjson.c \
 compiler/arena.h compiler/diag.h compiler/span.h compiler/driver.h \
 compiler/arena.h compiler/diag.h compiler/ir.h runtime/krt.h \
 compiler/rulefile.h
compiler/arena.h:
compiler/diag.h:
compiler/span.h:
compiler/driver.h:
compiler/arena.h:
compiler/diag.h:
compiler/ir.h:
runtime/krt.h:
compiler/rulefile.h:
