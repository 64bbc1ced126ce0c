build-asan/tests/test_runtime_cli: tests/unit/test_runtime_cli.c \
 runtime/krt_io.h runtime/krt_run.h runtime/krt.h \
 tests/unit/runtime_test.h runtime/krt_run.h
runtime/krt_io.h:
runtime/krt_run.h:
runtime/krt.h:
tests/unit/runtime_test.h:
runtime/krt_run.h:
