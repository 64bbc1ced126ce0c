/*
 * krt_io.h - input (files, decompression, lines) and buffered output;
 * private to runtime/.
 */
#ifndef KRT_IO_H
#define KRT_IO_H

#include <stdatomic.h>
#include <stddef.h>

#include "krt_run.h"

/* ------------------------------------------------------------ input */

/* An open input: a plain file, or one decompressed on the fly. */
struct krt_source;

/*
 * Open 'path' ("-": standard input), decompressing names that end in .gz
 * (gzip or zlib, members concatenated) or .zst (zstd frames).  NULL on
 * failure, with the reason in 'err'.  Close with krt_source_close.
 */
struct krt_source *krt_source_open(const char *path, char *err,
                                   size_t errlen);

/* Up to 'cap' bytes: their count, 0 at the end, -1 on error. */
long krt_source_read(struct krt_source *src, char *buf, size_t cap);

/* Why the last krt_source_read failed. */
const char *krt_source_error(const struct krt_source *src);

void krt_source_close(struct krt_source *src);

/*
 * Make the reads of 'src' give up, failing with EINTR, once '*cancel' is
 * set: they wait for input in slices of 100 ms, looking at it between
 * them (the pipeline's reader, which another thread may ask to stop).
 */
void krt_source_cancel(struct krt_source *src, const atomic_int *cancel);

/* Whether a read of 'src' has input at once (always, for a file). */
bool krt_source_ready(struct krt_source *src);

/*
 * Whether SIGINT or SIGTERM asked the run to stop (krt_run.c): reads
 * then fail with EINTR rather than wait for more input.
 */
bool krt_stop_requested(void);

enum krt_read {
    KRT_READ_LINE,  /* a line, without its '\n' */
    KRT_READ_LONG,  /* a line longer than max_line: its first bytes */
    KRT_READ_END,
    KRT_READ_ERROR  /* 'error' says why */
};

/*
 * Splits a source into lines, reading large blocks into one buffer that
 * grows only to hold the longest line (at most max_line + 1 bytes).  A
 * line handed out points into the buffer and is valid until the next
 * call; of a line longer than max_line only its first max_line + 1 bytes
 * or more are handed out, and the next call skips the rest.  A UTF-8
 * byte order mark opening the source is skipped.
 */
struct krt_reader {
    struct krt_source *src;
    char *buf;
    size_t cap;
    size_t start;   /* first byte not handed out */
    size_t scanned; /* bytes before this hold no '\n' after 'start' */
    size_t fill;    /* bytes held */
    size_t max_line;
    bool eof;
    bool at_start;
    bool skipping;  /* the rest of an overlong line is still to be read */
    krt_u64 bytes;  /* read from the source, in all */
    const char *error;
};

bool krt_reader_init(struct krt_reader *r, size_t max_line);
void krt_reader_start(struct krt_reader *r, struct krt_source *src);
enum krt_read krt_reader_next(struct krt_reader *r, const char **line,
                              size_t *len);
void krt_reader_free(struct krt_reader *r);

/* ----------------------------------------------------------- output */

/*
 * Output buffered for file descriptor 'fd'.  After the first failed
 * write 'err' holds its errno and everything later is dropped.
 */
struct krt_out {
    int fd;
    int err;
    char *buf;
    size_t len;
    size_t cap;
};

bool krt_out_init(struct krt_out *o, int fd);
void krt_out_write(struct krt_out *o, const void *p, size_t n);
void krt_out_u64(struct krt_out *o, krt_u64 v);
bool krt_out_flush(struct krt_out *o);
void krt_out_free(struct krt_out *o);

/* A growable string, for text built once; 'failed' after a failed growth. */
struct krt_buf {
    char *p;
    size_t len;
    size_t cap;
    bool failed;
};

void krt_buf_add(struct krt_buf *b, const char *s, size_t n);
void krt_buf_str(struct krt_buf *b, const char *s);

/* 's' as a JSON string, quotes included; invalid UTF-8 becomes U+FFFD. */
void krt_buf_json(struct krt_buf *b, const char *s);

#endif
