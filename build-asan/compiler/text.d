build-asan/compiler/text.o: compiler/text.c compiler/text.h \
 compiler/arena.h compiler/ast.h compiler/span.h
compiler/text.h:
compiler/arena.h:
compiler/ast.h:
compiler/span.h:
