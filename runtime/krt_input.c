/*
 * krt_input.c - reading the detector's input: files and standard input,
 * gzip and zstd decompression, and splitting into lines.
 */
#include "krt_io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define SOURCE_IN_SIZE (256 * 1024)
#define READER_FIRST_CAP (1024 * 1024)

enum codec {
    CODEC_PLAIN,
    CODEC_GZIP,
    CODEC_ZSTD
};

/*
 * 'in' holds compressed bytes not yet decompressed ('zin' says which for
 * zstd; zlib's stream says so itself).  'in_frame' is true between the
 * first byte of a gzip member or zstd frame and its end, so that input
 * ending there is known to be truncated.
 */
struct krt_source {
    int fd;
    enum codec codec;
    bool eof;
    bool in_frame;
    unsigned char *in;
    z_stream zs;
    ZSTD_DStream *zd;
    ZSTD_inBuffer zin;
    char error[160];
    bool regular;              /* a regular file: reads never wait */
    const atomic_int *cancel;  /* krt_source_cancel's, or NULL */
};

static bool
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/*
 * read(2), again after a signal, unless the signal asked the run to stop:
 * then -1 with errno EINTR, so that a detector waiting on an idle pipe
 * ends at once.  (A stop signal that comes between the check and read()
 * is seen when read() returns, or at the next signal.)
 */
static long
read_fd(int fd, void *buf, size_t cap)
{
    ssize_t n;

    do {
        if (krt_stop_requested()) {
            errno = EINTR;
            return -1;
        }
        n = read(fd, buf, cap);
    } while (n < 0 && errno == EINTR);
    return (long)n;
}

static bool
start_codec(struct krt_source *src)
{
    if (src->codec == CODEC_PLAIN)
        return true;
    src->in = malloc(SOURCE_IN_SIZE);
    if (!src->in)
        return false;
    if (src->codec == CODEC_GZIP)
        return inflateInit2(&src->zs, 15 + 32) == Z_OK; /* gzip or zlib */
    src->zd = ZSTD_createDStream();
    return src->zd && !ZSTD_isError(ZSTD_initDStream(src->zd));
}

struct krt_source *
krt_source_open(const char *path, char *err, size_t errlen)
{
    struct krt_source *src = calloc(1, sizeof *src);
    struct stat st;

    if (!src) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    src->fd = STDIN_FILENO;
    if (strcmp(path, "-") != 0)
        src->fd = open(path, O_RDONLY);
    if (src->fd < 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        free(src);
        return NULL;
    }
    src->regular = fstat(src->fd, &st) == 0 && S_ISREG(st.st_mode);
    src->codec = ends_with(path, ".gz")    ? CODEC_GZIP
                 : ends_with(path, ".zst") ? CODEC_ZSTD
                                           : CODEC_PLAIN;
    if (!start_codec(src)) {
        snprintf(err, errlen, "cannot start decompression");
        krt_source_close(src);
        return NULL;
    }
    return src;
}

void
krt_source_close(struct krt_source *src)
{
    if (!src)
        return;
    if (src->codec == CODEC_GZIP && src->in)
        inflateEnd(&src->zs);
    ZSTD_freeDStream(src->zd);
    free(src->in);
    if (src->fd != STDIN_FILENO)
        close(src->fd);
    free(src);
}

const char *
krt_source_error(const struct krt_source *src)
{
    return src->error;
}

static long
source_fail(struct krt_source *src, const char *why)
{
    snprintf(src->error, sizeof src->error, "%s", why);
    return -1;
}

void
krt_source_cancel(struct krt_source *src, const atomic_int *cancel)
{
    src->cancel = cancel;
}

/*
 * Wait until the source's descriptor has input, looking at the cancel
 * flag every 100 ms; false, with errno EINTR, once it is set or a stop
 * signal came.  Without a flag, or for a file, true at once.
 */
static bool
wait_input(struct krt_source *src)
{
    struct pollfd pfd = { src->fd, POLLIN, 0 };

    if (!src->cancel || src->regular)
        return true;
    for (;;) {
        if (atomic_load(src->cancel) || krt_stop_requested()) {
            errno = EINTR;
            return false;
        }
        if (poll(&pfd, 1, 100) != 0)
            return true; /* input, its end, or an error read(2) reports */
    }
}

bool
krt_source_ready(struct krt_source *src)
{
    struct pollfd pfd = { src->fd, POLLIN, 0 };

    if (src->regular || (src->codec == CODEC_GZIP && src->zs.avail_in > 0)
        || (src->codec == CODEC_ZSTD && src->zin.pos < src->zin.size))
        return true;
    return poll(&pfd, 1, 0) > 0;
}

/* More compressed input: its size, 0 at the end, -1 on error. */
static long
refill(struct krt_source *src)
{
    long n = wait_input(src) ? read_fd(src->fd, src->in, SOURCE_IN_SIZE) : -1;

    if (n < 0)
        return source_fail(src, strerror(errno));
    src->eof = n == 0;
    return n;
}

static long
read_gzip(struct krt_source *src, char *buf, size_t cap)
{
    z_stream *zs = &src->zs;
    long n;
    int ret;

    zs->next_out = (unsigned char *)buf;
    zs->avail_out = (unsigned)cap;
    while (zs->avail_out == cap) {
        if (zs->avail_in == 0 && !src->eof) {
            if ((n = refill(src)) < 0)
                return -1;
            zs->next_in = src->in;
            zs->avail_in = (unsigned)n;
        }
        if (zs->avail_in == 0 && src->eof && !src->in_frame)
            break;
        src->in_frame = true;
        ret = inflate(zs, Z_NO_FLUSH);
        if (ret == Z_STREAM_END) {
            src->in_frame = false;
            inflateReset(zs); /* another member may follow */
        } else if (ret == Z_BUF_ERROR && zs->avail_in == 0 && src->eof) {
            return source_fail(src, "compressed data ends early");
        } else if (ret != Z_OK && ret != Z_BUF_ERROR) {
            return source_fail(src, zs->msg ? zs->msg : "corrupt gzip data");
        }
    }
    return (long)(cap - zs->avail_out);
}

static long
read_zstd(struct krt_source *src, char *buf, size_t cap)
{
    ZSTD_outBuffer out = { buf, cap, 0 };
    long n;
    size_t ret;

    while (out.pos == 0) {
        if (src->zin.pos == src->zin.size && !src->eof) {
            if ((n = refill(src)) < 0)
                return -1;
            src->zin = (ZSTD_inBuffer){ src->in, (size_t)n, 0 };
        }
        if (src->zin.pos == src->zin.size && src->eof && !src->in_frame)
            break;
        ret = ZSTD_decompressStream(src->zd, &out, &src->zin);
        if (ZSTD_isError(ret))
            return source_fail(src, ZSTD_getErrorName(ret));
        src->in_frame = ret != 0;
        if (out.pos == 0 && src->in_frame && src->eof
            && src->zin.pos == src->zin.size)
            return source_fail(src, "compressed data ends early");
    }
    return (long)out.pos;
}

long
krt_source_read(struct krt_source *src, char *buf, size_t cap)
{
    long n;

    switch (src->codec) {
    case CODEC_GZIP:
        return read_gzip(src, buf, cap > 1u << 30 ? 1u << 30 : cap);
    case CODEC_ZSTD:
        return read_zstd(src, buf, cap);
    default:
        n = wait_input(src) ? read_fd(src->fd, buf, cap) : -1;
        return n < 0 ? source_fail(src, strerror(errno)) : n;
    }
}

/* ------------------------------------------------------------ lines */

bool
krt_reader_init(struct krt_reader *r, size_t max_line)
{
    memset(r, 0, sizeof *r);
    r->max_line = max_line < SIZE_MAX / 4 ? max_line : SIZE_MAX / 4;
    r->cap = READER_FIRST_CAP;
    if (r->cap > r->max_line + 1)
        r->cap = r->max_line + 1 < 64 ? 64 : r->max_line + 1;
    r->buf = malloc(r->cap);
    return r->buf != NULL;
}

void
krt_reader_start(struct krt_reader *r, struct krt_source *src)
{
    r->src = src;
    r->start = r->scanned = r->fill = 0;
    r->eof = false;
    r->at_start = true;
    r->skipping = false;
    r->error = NULL;
}

void
krt_reader_free(struct krt_reader *r)
{
    free(r->buf);
    r->buf = NULL;
}

/* Read more after what is held, making room first; false on error. */
static bool
fill_more(struct krt_reader *r)
{
    long n;

    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->fill - r->start);
        r->fill -= r->start;
        r->scanned -= r->start;
        r->start = 0;
    }
    if (r->fill == r->cap) {
        size_t cap = r->cap * 2 > r->max_line + 1 ? r->max_line + 1
                                                  : r->cap * 2;
        char *buf = realloc(r->buf, cap);
        if (!buf) {
            r->error = "out of memory";
            return false;
        }
        r->buf = buf;
        r->cap = cap;
    }
    n = krt_source_read(r->src, r->buf + r->fill, r->cap - r->fill);
    if (n < 0) {
        r->error = krt_source_error(r->src);
        return false;
    }
    r->eof = n == 0;
    r->fill += (size_t)n;
    r->bytes += (krt_u64)n;
    return true;
}

/*
 * Drop the rest of an overlong line, reading on to its end; false on a
 * read error.
 */
static bool
skip_long(struct krt_reader *r)
{
    r->skipping = false;
    r->start = r->scanned = r->fill = 0;
    for (;;) {
        long n = krt_source_read(r->src, r->buf, r->cap);
        char *nl;

        if (n < 0) {
            r->error = krt_source_error(r->src);
            return false;
        }
        if (n == 0) {
            r->eof = true;
            return true;
        }
        r->bytes += (krt_u64)n;
        nl = memchr(r->buf, '\n', (size_t)n);
        if (nl) {
            r->start = r->scanned = (size_t)(nl - r->buf) + 1;
            r->fill = (size_t)n;
            return true;
        }
    }
}

/* Hand out buf[start .. stop) as a line, resuming at 'next'. */
static enum krt_read
take(struct krt_reader *r, size_t stop, size_t next, const char **line,
     size_t *len)
{
    *line = r->buf + r->start;
    *len = stop - r->start;
    r->start = r->scanned = next;
    return *len > r->max_line ? KRT_READ_LONG : KRT_READ_LINE;
}

static void
skip_bom(struct krt_reader *r)
{
    if (r->fill >= 3 && memcmp(r->buf, "\xef\xbb\xbf", 3) == 0)
        r->start = r->scanned = 3;
    r->at_start = false;
}

enum krt_read
krt_reader_next(struct krt_reader *r, const char **line, size_t *len)
{
    if (r->skipping && !skip_long(r))
        return KRT_READ_ERROR;
    for (;;) {
        char *nl;

        if (r->at_start && (r->fill >= 3 || r->eof))
            skip_bom(r);
        nl = r->at_start ? NULL : memchr(r->buf + r->scanned, '\n',
                                         r->fill - r->scanned);
        if (nl) {
            size_t stop = (size_t)(nl - r->buf);
            return take(r, stop, stop + 1, line, len);
        }
        if (!r->at_start)
            r->scanned = r->fill;
        if (r->fill - r->start > r->max_line) {
            /* the head of the line, for messages; the rest goes next */
            *line = r->buf + r->start;
            *len = r->fill - r->start;
            r->skipping = true;
            return KRT_READ_LONG;
        }
        if (r->eof)
            return r->start == r->fill ? KRT_READ_END
                                       : take(r, r->fill, r->fill, line, len);
        if (!fill_more(r))
            return KRT_READ_ERROR;
    }
}
