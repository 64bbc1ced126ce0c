build-asan/tests/test_sema_text: tests/unit/test_sema_text.c \
 compiler/parse.h compiler/arena.h compiler/ast.h compiler/span.h \
 compiler/diag.h compiler/sema.h compiler/ir.h runtime/krt.h \
 compiler/sema_text.h
compiler/parse.h:
compiler/arena.h:
compiler/ast.h:
compiler/span.h:
compiler/diag.h:
compiler/sema.h:
compiler/ir.h:
runtime/krt.h:
compiler/sema_text.h:
