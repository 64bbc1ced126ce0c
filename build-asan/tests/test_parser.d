build-asan/tests/test_parser: tests/unit/test_parser.c compiler/ast.h \
 compiler/arena.h compiler/span.h compiler/diag.h compiler/parse.h \
 compiler/ast.h compiler/diag.h build-asan/compiler/parser.h \
 compiler/arena.h compiler/span.h compiler/text.h
compiler/ast.h:
compiler/arena.h:
compiler/span.h:
compiler/diag.h:
compiler/parse.h:
compiler/ast.h:
compiler/diag.h:
build-asan/compiler/parser.h:
compiler/arena.h:
compiler/span.h:
compiler/text.h:
