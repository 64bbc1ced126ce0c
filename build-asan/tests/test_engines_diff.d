build-asan/tests/test_engines_diff: tests/unit/test_engines_diff.c \
 compiler/driver.h compiler/arena.h compiler/diag.h compiler/span.h \
 compiler/ir.h runtime/krt.h compiler/emit.h compiler/interp.h \
 compiler/jit.h runtime/krt_date.h runtime/krt_run.h runtime/krt.h \
 runtime/krt_run.h
compiler/driver.h:
compiler/arena.h:
compiler/diag.h:
compiler/span.h:
compiler/ir.h:
runtime/krt.h:
compiler/emit.h:
compiler/interp.h:
compiler/jit.h:
runtime/krt_date.h:
runtime/krt_run.h:
runtime/krt.h:
runtime/krt_run.h:
