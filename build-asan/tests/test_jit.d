build-asan/tests/test_jit: tests/unit/test_jit.c compiler/jit.h \
 compiler/diag.h compiler/span.h runtime/krt.h runtime/krt_run.h \
 runtime/krt.h
compiler/jit.h:
compiler/diag.h:
compiler/span.h:
runtime/krt.h:
runtime/krt_run.h:
runtime/krt.h:
