/*
 * krt_output.c - buffered output to a file descriptor, and the strings
 * built once per run (JSON text of rule metadata and file names).
 */
#include "krt_io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "krt_event.h"

#define OUT_CAP (256 * 1024)

bool
krt_out_init(struct krt_out *o, int fd)
{
    o->fd = fd;
    o->err = 0;
    o->len = 0;
    o->cap = OUT_CAP;
    o->buf = malloc(o->cap);
    return o->buf != NULL;
}

void
krt_out_free(struct krt_out *o)
{
    free(o->buf);
    o->buf = NULL;
}

/* Write 'n' bytes of 'p' through; on failure remember errno. */
static void
write_all(struct krt_out *o, const char *p, size_t n)
{
    while (n > 0 && o->err == 0) {
        ssize_t w = write(o->fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            o->err = errno;
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

bool
krt_out_flush(struct krt_out *o)
{
    write_all(o, o->buf, o->len);
    o->len = 0;
    return o->err == 0;
}

void
krt_out_write(struct krt_out *o, const void *p, size_t n)
{
    if (o->cap - o->len < n) {
        krt_out_flush(o);
        if (n >= o->cap) {
            write_all(o, p, n);
            return;
        }
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
}

void
krt_out_u64(struct krt_out *o, krt_u64 v)
{
    char digits[20];
    size_t i = sizeof digits;

    do {
        digits[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    krt_out_write(o, digits + i, sizeof digits - i);
}

/* ------------------------------------------------------- built text */

void
krt_buf_add(struct krt_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 64;
        char *p;

        while (cap - b->len < n)
            cap *= 2;
        p = realloc(b->p, cap);
        if (!p) {
            b->failed = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

void
krt_buf_str(struct krt_buf *b, const char *s)
{
    krt_buf_add(b, s, strlen(s));
}

/* The JSON escape of control character 'c'. */
static void
escape_control(struct krt_buf *b, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

    switch (c) {
    case '\n': krt_buf_add(b, "\\n", 2); break;
    case '\r': krt_buf_add(b, "\\r", 2); break;
    case '\t': krt_buf_add(b, "\\t", 2); break;
    default: krt_buf_add(b, u, sizeof u);
    }
}

void
krt_buf_json(struct krt_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + strlen(s);

    krt_buf_add(b, "\"", 1);
    while (p < end) {
        size_t n = *p < 0x80 ? 1 : krt_utf8_len(p, end);

        if (*p == '"' || *p == '\\') {
            krt_buf_add(b, "\\", 1);
            krt_buf_add(b, (const char *)p, 1);
        } else if (*p < 0x20) {
            escape_control(b, *p);
        } else if (n == 0) {
            krt_buf_add(b, "\\ufffd", 6);
            n = 1;
        } else {
            krt_buf_add(b, (const char *)p, n);
        }
        p += n;
    }
    krt_buf_add(b, "\"", 1);
}
