build-asan/compiler/cmd_run.o: compiler/cmd_run.c compiler/commands.h \
 compiler/driver.h compiler/arena.h compiler/diag.h compiler/span.h \
 compiler/ir.h runtime/krt.h compiler/emit.h compiler/interp.h \
 compiler/jit.h runtime/krt_run.h runtime/krt.h
compiler/commands.h:
compiler/driver.h:
compiler/arena.h:
compiler/diag.h:
compiler/span.h:
compiler/ir.h:
runtime/krt.h:
compiler/emit.h:
compiler/interp.h:
compiler/jit.h:
runtime/krt_run.h:
runtime/krt.h:
