build-asan/tests/test_sema_date: tests/unit/test_sema_date.c \
 runtime/krt_date.h runtime/krt_run.h runtime/krt.h compiler/parse.h \
 compiler/arena.h compiler/ast.h compiler/span.h compiler/diag.h \
 compiler/sema.h compiler/ir.h runtime/krt.h
runtime/krt_date.h:
runtime/krt_run.h:
runtime/krt.h:
compiler/parse.h:
compiler/arena.h:
compiler/ast.h:
compiler/span.h:
compiler/diag.h:
compiler/sema.h:
compiler/ir.h:
runtime/krt.h:
