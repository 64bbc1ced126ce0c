build-asan/compiler/main.o: compiler/main.c compiler/commands.h
compiler/commands.h:
