build-asan/compiler/cmd_parse.o: compiler/cmd_parse.c compiler/arena.h \
 compiler/ast.h compiler/span.h compiler/commands.h compiler/diag.h \
 compiler/parse.h compiler/text.h
compiler/arena.h:
compiler/ast.h:
compiler/span.h:
compiler/commands.h:
compiler/diag.h:
compiler/parse.h:
compiler/text.h:
