build-asan/tests/test_runtime_text: tests/unit/test_runtime_text.c \
 tests/unit/runtime_test.h runtime/krt_run.h runtime/krt.h
tests/unit/runtime_test.h:
runtime/krt_run.h:
runtime/krt.h:
