build-asan/tests/test_runtime_num: tests/unit/test_runtime_num.c \
 tests/unit/runtime_test.h runtime/krt_run.h runtime/krt.h
tests/unit/runtime_test.h:
runtime/krt_run.h:
runtime/krt.h:
