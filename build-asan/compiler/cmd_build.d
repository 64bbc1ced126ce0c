build-asan/compiler/cmd_build.o: compiler/cmd_build.c compiler/commands.h \
 compiler/driver.h compiler/arena.h compiler/diag.h compiler/span.h \
 compiler/ir.h runtime/krt.h compiler/emit.h
compiler/commands.h:
compiler/driver.h:
compiler/arena.h:
compiler/diag.h:
compiler/span.h:
compiler/ir.h:
runtime/krt.h:
compiler/emit.h:
