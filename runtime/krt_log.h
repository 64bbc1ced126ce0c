/*
 * krt_log.h - the runtime's one levelled logging macro; private to
 * runtime/.  Messages go to stderr (or where krt_log_setup says), one a
 * line; the level is checked before anything is formatted.
 */
#ifndef KRT_LOG_H
#define KRT_LOG_H

#include <stdio.h>

#include "krt_run.h"

extern int krt_log_level;

#define KRT_LOG(level, ...)                                               \
    do {                                                                  \
        if ((level) <= krt_log_level)                                     \
            krt_log_write(__VA_ARGS__);                                   \
    } while (0)

/* Write one message and a newline; use KRT_LOG instead. */
void krt_log_write(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
