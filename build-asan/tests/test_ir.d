build-asan/tests/test_ir: tests/unit/test_ir.c compiler/ir.h \
 compiler/arena.h compiler/diag.h compiler/span.h runtime/krt.h
compiler/ir.h:
compiler/arena.h:
compiler/diag.h:
compiler/span.h:
runtime/krt.h:
