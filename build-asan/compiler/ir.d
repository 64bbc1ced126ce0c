build-asan/compiler/ir.o: compiler/ir.c compiler/ir.h compiler/arena.h \
 compiler/diag.h compiler/span.h runtime/krt.h runtime/krt_date.h \
 runtime/krt_run.h runtime/krt.h
compiler/ir.h:
compiler/arena.h:
compiler/diag.h:
compiler/span.h:
runtime/krt.h:
runtime/krt_date.h:
runtime/krt_run.h:
runtime/krt.h:
