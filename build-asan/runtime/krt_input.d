build-asan/runtime/krt_input.o: runtime/krt_input.c runtime/krt_io.h \
 runtime/krt_run.h runtime/krt.h
runtime/krt_io.h:
runtime/krt_run.h:
runtime/krt.h:
