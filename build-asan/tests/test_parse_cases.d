build-asan/tests/test_parse_cases: tests/unit/test_parse_cases.c \
 compiler/ast.h compiler/arena.h compiler/span.h compiler/diag.h \
 compiler/parse.h compiler/ast.h compiler/diag.h
compiler/ast.h:
compiler/arena.h:
compiler/span.h:
compiler/diag.h:
compiler/parse.h:
compiler/ast.h:
compiler/diag.h:
