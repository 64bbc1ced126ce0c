build-asan/compiler/cmd_check.o: compiler/cmd_check.c compiler/commands.h \
 compiler/driver.h compiler/arena.h compiler/diag.h compiler/span.h \
 compiler/ir.h runtime/krt.h compiler/emit.h compiler/jit.h \
 compiler/rulefile.h
compiler/commands.h:
compiler/driver.h:
compiler/arena.h:
compiler/diag.h:
compiler/span.h:
compiler/ir.h:
runtime/krt.h:
compiler/emit.h:
compiler/jit.h:
compiler/rulefile.h:
