build-asan/runtime/krt_run.o: runtime/krt_run.c runtime/krt_run.h \
 runtime/krt.h runtime/krt_date.h runtime/krt_event.h runtime/krt_io.h \
 runtime/krt_log.h
runtime/krt_run.h:
runtime/krt.h:
runtime/krt_date.h:
runtime/krt_event.h:
runtime/krt_io.h:
runtime/krt_log.h:
