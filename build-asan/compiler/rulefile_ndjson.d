build-asan/compiler/rulefile_ndjson.o: compiler/rulefile_ndjson.c \
 compiler/rulefile.h compiler/arena.h compiler/diag.h compiler/span.h \
 compiler/text.h compiler/ast.h
compiler/rulefile.h:
compiler/arena.h:
compiler/diag.h:
compiler/span.h:
compiler/text.h:
compiler/ast.h:
