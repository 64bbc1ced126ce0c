build-asan/tests/test_lexer: tests/unit/test_lexer.c \
 build-asan/compiler/parser.h compiler/arena.h compiler/ast.h \
 compiler/arena.h compiler/span.h compiler/span.h compiler/text.h \
 compiler/ast.h build-asan/compiler/lexer.h
build-asan/compiler/parser.h:
compiler/arena.h:
compiler/ast.h:
compiler/arena.h:
compiler/span.h:
compiler/span.h:
compiler/text.h:
compiler/ast.h:
build-asan/compiler/lexer.h:
