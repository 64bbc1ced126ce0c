build-asan/tests/test_ecs: tests/unit/test_ecs.c compiler/ecs.h \
 runtime/krt.h
compiler/ecs.h:
runtime/krt.h:
