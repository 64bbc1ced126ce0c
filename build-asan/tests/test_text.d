build-asan/tests/test_text: tests/unit/test_text.c compiler/text.h \
 compiler/arena.h compiler/ast.h compiler/span.h
compiler/text.h:
compiler/arena.h:
compiler/ast.h:
compiler/span.h:
