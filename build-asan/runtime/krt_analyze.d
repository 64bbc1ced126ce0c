build-asan/runtime/krt_analyze.o: runtime/krt_analyze.c \
 runtime/krt_analyze.h runtime/krt_event.h runtime/krt_run.h \
 runtime/krt.h
runtime/krt_analyze.h:
runtime/krt_event.h:
runtime/krt_run.h:
runtime/krt.h:
