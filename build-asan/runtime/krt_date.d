build-asan/runtime/krt_date.o: runtime/krt_date.c runtime/krt_date.h \
 runtime/krt_run.h runtime/krt.h runtime/krt_event.h runtime/krt_log.h
runtime/krt_date.h:
runtime/krt_run.h:
runtime/krt.h:
runtime/krt_event.h:
runtime/krt_log.h:
