build-asan/tests/test_analyze: tests/unit/test_analyze.c \
 runtime/krt_analyze.h tests/unit/runtime_test.h runtime/krt_run.h \
 runtime/krt.h
runtime/krt_analyze.h:
tests/unit/runtime_test.h:
runtime/krt_run.h:
runtime/krt.h:
