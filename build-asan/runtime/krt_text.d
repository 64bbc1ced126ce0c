build-asan/runtime/krt_text.o: runtime/krt_text.c runtime/krt_run.h \
 runtime/krt.h runtime/krt_date.h runtime/krt_event.h
runtime/krt_run.h:
runtime/krt.h:
runtime/krt_date.h:
runtime/krt_event.h:
