build-asan/compiler/driver.o: compiler/driver.c compiler/driver.h \
 compiler/arena.h compiler/diag.h compiler/span.h compiler/ir.h \
 runtime/krt.h compiler/emit.h compiler/parse.h compiler/ast.h \
 compiler/rulefile.h compiler/sema.h
compiler/driver.h:
compiler/arena.h:
compiler/diag.h:
compiler/span.h:
compiler/ir.h:
runtime/krt.h:
compiler/emit.h:
compiler/parse.h:
compiler/ast.h:
compiler/rulefile.h:
compiler/sema.h:
