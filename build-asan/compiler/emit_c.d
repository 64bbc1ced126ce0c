build-asan/compiler/emit_c.o: compiler/emit_c.c compiler/emit.h \
 compiler/ir.h compiler/arena.h compiler/diag.h compiler/span.h \
 runtime/krt.h compiler/ecs.h runtime/krt_date.h runtime/krt_run.h \
 runtime/krt.h
compiler/emit.h:
compiler/ir.h:
compiler/arena.h:
compiler/diag.h:
compiler/span.h:
runtime/krt.h:
compiler/ecs.h:
runtime/krt_date.h:
runtime/krt_run.h:
runtime/krt.h:
