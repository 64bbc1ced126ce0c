build-asan/compiler/cmd_repl.o: compiler/cmd_repl.c compiler/commands.h \
 compiler/driver.h compiler/arena.h compiler/diag.h compiler/span.h \
 compiler/ir.h runtime/krt.h compiler/ecs.h compiler/emit.h \
 compiler/jit.h runtime/krt_date.h runtime/krt_run.h runtime/krt.h \
 runtime/krt_run.h compiler/parse.h compiler/ast.h
compiler/commands.h:
compiler/driver.h:
compiler/arena.h:
compiler/diag.h:
compiler/span.h:
compiler/ir.h:
runtime/krt.h:
compiler/ecs.h:
compiler/emit.h:
compiler/jit.h:
runtime/krt_date.h:
runtime/krt_run.h:
runtime/krt.h:
runtime/krt_run.h:
compiler/parse.h:
compiler/ast.h:
