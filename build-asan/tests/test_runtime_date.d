build-asan/tests/test_runtime_date: tests/unit/test_runtime_date.c \
 runtime/krt_date.h runtime/krt_run.h runtime/krt.h \
 tests/unit/runtime_test.h runtime/krt_run.h
runtime/krt_date.h:
runtime/krt_run.h:
runtime/krt.h:
tests/unit/runtime_test.h:
runtime/krt_run.h:
