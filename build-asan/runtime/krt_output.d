build-asan/runtime/krt_output.o: runtime/krt_output.c runtime/krt_io.h \
 runtime/krt_run.h runtime/krt.h runtime/krt_event.h
runtime/krt_io.h:
runtime/krt_run.h:
runtime/krt.h:
runtime/krt_event.h:
