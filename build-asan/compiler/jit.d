build-asan/compiler/jit.o: compiler/jit.c compiler/jit.h compiler/diag.h \
 compiler/span.h runtime/krt.h compiler/arena.h \
 build-asan/compiler/krt_h.inc
compiler/jit.h:
compiler/diag.h:
compiler/span.h:
runtime/krt.h:
compiler/arena.h:
build-asan/compiler/krt_h.inc:
