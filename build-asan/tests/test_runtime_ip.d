build-asan/tests/test_runtime_ip: tests/unit/test_runtime_ip.c \
 tests/unit/runtime_test.h runtime/krt_run.h runtime/krt.h
tests/unit/runtime_test.h:
runtime/krt_run.h:
runtime/krt.h:
