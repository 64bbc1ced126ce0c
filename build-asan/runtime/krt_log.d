build-asan/runtime/krt_log.o: runtime/krt_log.c runtime/krt_log.h \
 runtime/krt_run.h runtime/krt.h
runtime/krt_log.h:
runtime/krt_run.h:
runtime/krt.h:
