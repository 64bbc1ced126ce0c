build-asan/runtime/krt_scan.o: runtime/krt_scan.c runtime/krt_run.h \
 runtime/krt.h runtime/krt_date.h runtime/krt_event.h
runtime/krt_run.h:
runtime/krt.h:
runtime/krt_date.h:
runtime/krt_event.h:
