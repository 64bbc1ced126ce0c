build-asan/compiler/diag.o: compiler/diag.c compiler/diag.h \
 compiler/span.h
compiler/diag.h:
compiler/span.h:
