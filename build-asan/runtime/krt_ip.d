build-asan/runtime/krt_ip.o: runtime/krt_ip.c runtime/krt_run.h \
 runtime/krt.h runtime/krt_event.h
runtime/krt_run.h:
runtime/krt.h:
runtime/krt_event.h:
