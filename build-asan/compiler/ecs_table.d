build-asan/compiler/ecs_table.o: compiler/ecs_table.c compiler/ecs.h \
 runtime/krt.h
compiler/ecs.h:
runtime/krt.h:
