build-asan/compiler/interp.o: compiler/interp.c compiler/interp.h \
 compiler/ir.h compiler/arena.h compiler/diag.h compiler/span.h \
 runtime/krt.h
compiler/interp.h:
compiler/ir.h:
compiler/arena.h:
compiler/diag.h:
compiler/span.h:
runtime/krt.h:
