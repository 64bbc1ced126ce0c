build-asan/tests/test_runtime_scan: tests/unit/test_runtime_scan.c \
 tests/unit/runtime_test.h runtime/krt_run.h runtime/krt.h
tests/unit/runtime_test.h:
runtime/krt_run.h:
runtime/krt.h:
