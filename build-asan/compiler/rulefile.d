build-asan/compiler/rulefile.o: compiler/rulefile.c compiler/rulefile.h \
 compiler/arena.h compiler/diag.h compiler/span.h compiler/toml_shim.h
compiler/rulefile.h:
compiler/arena.h:
compiler/diag.h:
compiler/span.h:
compiler/toml_shim.h:
