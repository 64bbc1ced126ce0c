build-asan/compiler/sema.o: compiler/sema.c compiler/sema.h \
 compiler/arena.h compiler/ast.h compiler/span.h compiler/diag.h \
 compiler/ir.h runtime/krt.h compiler/ecs.h runtime/krt_run.h \
 runtime/krt.h compiler/sema_date.h compiler/sema_text.h
compiler/sema.h:
compiler/arena.h:
compiler/ast.h:
compiler/span.h:
compiler/diag.h:
compiler/ir.h:
runtime/krt.h:
compiler/ecs.h:
runtime/krt_run.h:
runtime/krt.h:
compiler/sema_date.h:
compiler/sema_text.h:
