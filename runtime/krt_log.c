/*
 * krt_log.c - where the runtime's messages go.
 */
#include "krt_log.h"

#include <stdarg.h>

int krt_log_level = KRT_LOG_INFO;

static FILE *log_stream;

void
krt_log_setup(int level, FILE *stream)
{
    krt_log_level = level;
    log_stream = stream;
}

void
krt_log_write(const char *fmt, ...)
{
    FILE *out = log_stream ? log_stream : stderr;
    va_list ap;

    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
}
