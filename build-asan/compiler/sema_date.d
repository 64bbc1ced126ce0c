build-asan/compiler/sema_date.o: compiler/sema_date.c \
 compiler/sema_date.h compiler/arena.h compiler/ast.h compiler/span.h \
 compiler/ir.h compiler/diag.h runtime/krt.h runtime/krt_date.h \
 runtime/krt_run.h runtime/krt.h
compiler/sema_date.h:
compiler/arena.h:
compiler/ast.h:
compiler/span.h:
compiler/ir.h:
compiler/diag.h:
runtime/krt.h:
runtime/krt_date.h:
runtime/krt_run.h:
runtime/krt.h:
