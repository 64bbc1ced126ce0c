build-asan/compiler/sema_text.o: compiler/sema_text.c \
 compiler/sema_text.h compiler/arena.h compiler/ast.h compiler/span.h \
 compiler/diag.h compiler/ir.h runtime/krt.h compiler/ecs.h \
 runtime/krt_analyze.h
compiler/sema_text.h:
compiler/arena.h:
compiler/ast.h:
compiler/span.h:
compiler/diag.h:
compiler/ir.h:
runtime/krt.h:
compiler/ecs.h:
runtime/krt_analyze.h:
