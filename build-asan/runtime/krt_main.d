build-asan/runtime/krt_main.o: runtime/krt_main.c runtime/krt_run.h \
 runtime/krt.h runtime/krt_date.h runtime/krt_log.h
runtime/krt_run.h:
runtime/krt.h:
runtime/krt_date.h:
runtime/krt_log.h:
