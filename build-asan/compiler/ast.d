build-asan/compiler/ast.o: compiler/ast.c compiler/ast.h compiler/arena.h \
 compiler/span.h compiler/text.h
compiler/ast.h:
compiler/arena.h:
compiler/span.h:
compiler/text.h:
