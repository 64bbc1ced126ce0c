build-asan/runtime/krt_entry.o: runtime/krt_entry.c runtime/krt_run.h \
 runtime/krt.h
runtime/krt_run.h:
runtime/krt.h:
