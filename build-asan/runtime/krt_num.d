build-asan/runtime/krt_num.o: runtime/krt_num.c runtime/krt_run.h \
 runtime/krt.h runtime/krt_event.h
runtime/krt_run.h:
runtime/krt.h:
runtime/krt_event.h:
