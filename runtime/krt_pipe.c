/*
 * krt_pipe.c - a run on several threads, with the results of a run on
 * one thread, byte for byte.
 *
 * A reader thread reads the inputs, in order, into blocks of whole
 * lines (about a megabyte each; a longer line makes its block longer, up
 * to the longest line a run takes), numbered in input order.  Worker
 * threads each take the next block, scan and evaluate its lines with a
 * scanner of their own, and keep what the run on one thread would have
 * written or logged for each line as records: alerts, malformed lines,
 * failures, with the counts of events and blank lines before each.  The
 * main thread takes the blocks back in input order and replays their
 * records through the same output and messages as the run on one thread
 * (file names and line numbers included), then hands the block back to
 * the reader.  A ring of twice as many blocks as workers, and two more,
 * bounds the memory: the reader waits for a block to come back.
 *
 * Stopping: the main thread stops where the run on one thread would (an
 * output it cannot write, out of memory, a SIGINT or SIGTERM) and tells
 * the other threads to quit; the reader waits for input on a pipe in
 * slices of 100 ms, so that it sees the request even while no input
 * comes.  SIGINT and SIGTERM go to the main and reader threads only.
 */
#include "krt_run_int.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "krt_event.h"
#include "krt_log.h"

/* Bytes a block holds, unless a line is longer. */
#define BLOCK_BYTES ((size_t)1 << 20)

/* What one line left to write or log, in the order it left it. */
enum rec_kind {
    REC_ALERT,       /* 'rule' matched */
    REC_MALFORMED,   /* at column 'col' (in characters), for 'reason' */
    REC_NOMEM_SCAN,  /* as REC_MALFORMED, then out of memory: stop */
    REC_NOMEM_EVENT  /* out of memory while evaluating: stop */
};

/*
 * A record of line number 'line' of its block (from 0).  For an alert,
 * 'off' and 'len' place the line in the block; for a malformed line,
 * 'off' places its reason in the block's 'text'.  'events' and 'blank'
 * count the block's lines of each kind before this line.
 */
struct rec {
    enum rec_kind kind;
    krt_u32 rule;
    krt_u64 line;
    size_t off;
    size_t len;
    size_t col;
    krt_u64 events;
    krt_u64 blank;
};

enum block_state {
    BLOCK_FREE,   /* the reader's to fill */
    BLOCK_FILLED, /* waiting for a worker */
    BLOCK_TAKEN,  /* a worker's */
    BLOCK_DONE    /* waiting for the main thread */
};

/*
 * A block: bytes of one file, whole lines, the last ended by a newline
 * unless the file ends there.  The reader fills the first part, a worker
 * the second; each part is read by the others only after the state says
 * it is complete (under the pipe's lock).
 */
struct block {
    enum block_state state;
    char *buf;
    size_t cap;
    size_t len;
    int file;
    bool first;     /* the first block of its file */
    bool last;      /* its last */
    bool end;       /* past the last file: the run ends here */
    bool long_line; /* 'buf' is the head of a line longer than max_line */
    bool open_error;
    bool read_error;
    char error[160];

    krt_u64 lines;
    krt_u64 events;
    krt_u64 blank;
    struct rec *recs;
    size_t nrecs;
    size_t caprecs;
    struct krt_buf text;
    bool nomem; /* a record could not be kept: out of memory */
};

struct krt_pipe;

/* A worker thread: a run of its own and the block and line in hand. */
struct krt_pipe_worker {
    struct krt_pipe *pipe;
    struct krt_run run;
    struct block *b;
    krt_u64 line;
    size_t off;
    size_t len;
    pthread_t thread;
    bool started;
};

/*
 * The pipeline.  'filled' blocks have been handed out by the reader,
 * 'claimed' taken by workers; block number n lives in blocks[n % nblocks].
 * 'quit' asks every thread to stop; 'reading' is cleared when the reader
 * is done.
 */
struct krt_pipe {
    struct krt_run *run;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    struct block *blocks;
    size_t nblocks;
    krt_u64 filled;
    krt_u64 claimed;
    atomic_int quit;
    bool reading;
    krt_u64 bytes;
    struct krt_pipe_worker *workers;
    int nworkers;
    pthread_t reader;
};

/* ------------------------------------------------------------- sync */

/* Wait for a change, at most 100 ms: a stop signal is then seen. */
static void
wait_change(struct krt_pipe *p)
{
    struct timespec t;

    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_nsec += 100 * 1000 * 1000;
    if (t.tv_nsec >= 1000 * 1000 * 1000) {
        t.tv_sec++;
        t.tv_nsec -= 1000 * 1000 * 1000;
    }
    pthread_cond_timedwait(&p->changed, &p->lock, &t);
}

static bool
quitting(struct krt_pipe *p)
{
    return atomic_load(&p->quit) != 0;
}

/* Set block 'b' to 'state' and tell the others. */
static void
set_state(struct krt_pipe *p, struct block *b, enum block_state state)
{
    pthread_mutex_lock(&p->lock);
    b->state = state;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
}

/* ----------------------------------------------------------- reader */

/*
 * What the reader carries from block to block: the source open, the
 * bytes of a line begun in the block before ('rest'), and whether the
 * rest of an overlong line is still to be skipped.
 */
struct reading {
    struct krt_source *src;
    int file;
    char *rest;
    size_t nrest;
    size_t caprest;
    bool at_start;
    bool skipping;
    bool eof;
};

/* The next block to fill, NULL when the run is quitting. */
static struct block *
next_free(struct krt_pipe *p)
{
    struct block *b = &p->blocks[p->filled % p->nblocks];

    pthread_mutex_lock(&p->lock);
    while (b->state != BLOCK_FREE && !quitting(p))
        wait_change(p);
    pthread_mutex_unlock(&p->lock);
    if (quitting(p))
        return NULL;
    b->len = 0;
    b->first = b->last = b->end = false;
    b->long_line = b->open_error = b->read_error = false;
    b->error[0] = '\0';
    return b;
}

/* Hand block 'b' to the workers. */
static void
hand_out(struct krt_pipe *p, struct block *b)
{
    pthread_mutex_lock(&p->lock);
    b->state = BLOCK_FILLED;
    p->filled++;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
}

/* Make room for 'n' more bytes in 'b'; false when out of memory. */
static bool
grow_block(struct block *b, size_t n)
{
    size_t cap = b->cap ? b->cap : BLOCK_BYTES;
    char *buf;

    while (cap - b->len < n)
        cap *= 2;
    if (cap == b->cap)
        return true;
    buf = realloc(b->buf, cap);
    if (!buf)
        return false;
    b->buf = buf;
    b->cap = cap;
    return true;
}

static void
read_failed(struct block *b, const char *why)
{
    b->read_error = true;
    snprintf(b->error, sizeof b->error, "%s", why);
}

/*
 * Read once into 'b'; false on a read error (recorded in 'b').  A byte
 * order mark opening the source is dropped, and so is the rest of an
 * overlong line being skipped.
 */
static bool
read_some(struct krt_pipe *p, struct reading *r, struct block *b)
{
    long n = krt_source_read(r->src, b->buf + b->len, b->cap - b->len);

    if (n < 0) {
        read_failed(b, krt_source_error(r->src));
        return false;
    }
    p->bytes += (krt_u64)n;
    r->eof = n == 0;
    b->len += (size_t)n;
    if (r->at_start && (b->len >= 3 || r->eof)) {
        r->at_start = false;
        if (b->len >= 3 && memcmp(b->buf, "\xef\xbb\xbf", 3) == 0)
            memmove(b->buf, b->buf + 3, b->len -= 3);
    }
    if (r->skipping && !r->at_start) {
        char *nl = memchr(b->buf, '\n', b->len);
        size_t drop = nl ? (size_t)(nl - b->buf) + 1 : b->len;

        memmove(b->buf, b->buf + drop, b->len - drop);
        b->len -= drop;
        r->skipping = nl == NULL;
    }
    return true;
}

/* Keep the bytes of 'b' past its last newline for the next block. */
static bool
keep_rest(struct reading *r, struct block *b, size_t from)
{
    size_t n = b->len - from;

    if (n > r->caprest) {
        char *rest = realloc(r->rest, n);
        if (!rest)
            return false;
        r->rest = rest;
        r->caprest = n;
    }
    if (n)
        memcpy(r->rest, b->buf + from, n);
    r->nrest = n;
    b->len = from;
    return true;
}

/* The last newline of the 'len' bytes at 's', or NULL. */
static char *
last_newline(char *s, size_t len)
{
    while (len > 0) {
        if (s[--len] == '\n')
            return s + len;
    }
    return NULL;
}

/*
 * Fill block 'b' with whole lines of the file being read: the bytes kept
 * from the block before, then more, until the block is full, or holds a
 * line and the source has nothing more at once (a pipe a line at a time
 * gets each line seen at once), or the file ends.  A line longer than
 * max_line makes a block of its own, 'long_line', holding its head; the
 * rest of it is skipped.  False on a read error or out of memory
 * (recorded in 'b').
 */
static bool
fill_lines(struct krt_pipe *p, struct reading *r, struct block *b)
{
    size_t max_line = p->run->opt->max_line;

    if (!grow_block(b, r->nrest + 1)) {
        read_failed(b, "out of memory");
        return false;
    }
    if (r->nrest)
        memcpy(b->buf, r->rest, r->nrest);
    b->len = r->nrest;
    r->nrest = 0;
    for (;;) {
        char *nl;

        if (!read_some(p, r, b))
            return false;
        if (r->eof)
            return true;
        nl = last_newline(b->buf, b->len);
        if (nl && (b->len == b->cap || !krt_source_ready(r->src)))
            return keep_rest(r, b, (size_t)(nl - b->buf) + 1)
                   || (read_failed(b, "out of memory"), false);
        if (!nl && b->len > max_line) {
            b->long_line = true;
            r->skipping = true;
            return true;
        }
        if (b->len == b->cap
            && !grow_block(b, b->len < max_line + 1 ? b->len : 1)) {
            read_failed(b, "out of memory");
            return false;
        }
    }
}

/* Read file 'file' into blocks; false when the run is quitting. */
static bool
read_file(struct krt_pipe *p, int file)
{
    const struct krt_options *opt = p->run->opt;
    struct reading r = { NULL, file, NULL, 0, 0, true, false, false };
    struct block *b = next_free(p);
    bool ok = true;

    if (!b)
        return false;
    b->file = file;
    b->first = true;
    r.src = krt_source_open(file < 0 ? "-" : opt->files[file], b->error,
                            sizeof b->error);
    if (!r.src) {
        b->open_error = b->last = true;
        hand_out(p, b);
        return true;
    }
    krt_source_cancel(r.src, &p->quit);
    for (;;) {
        ok = fill_lines(p, &r, b);
        b->last = !ok || (r.eof && r.nrest == 0);
        hand_out(p, b);
        if (b->last)
            break;
        b = next_free(p);
        if (!b)
            break;
        b->file = file;
    }
    krt_source_close(r.src);
    free(r.rest);
    return b != NULL;
}

static void *
reader_main(void *arg)
{
    struct krt_pipe *p = arg;
    const struct krt_options *opt = p->run->opt;
    struct block *b;

    /* File -1 is standard input, read when no file is named. */
    for (int i = opt->nfiles ? 0 : -1; i < opt->nfiles; i++) {
        if (!read_file(p, i))
            break;
    }
    b = next_free(p);
    if (b) {
        b->end = true;
        hand_out(p, b);
    }
    pthread_mutex_lock(&p->lock);
    p->reading = false;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* ---------------------------------------------------------- workers */

/* A new record of the worker's line; NULL when out of memory. */
static struct rec *
add_rec(struct krt_pipe_worker *w, enum rec_kind kind)
{
    struct block *b = w->b;
    struct rec *r;

    if (b->nrecs == b->caprecs) {
        size_t cap = b->caprecs ? b->caprecs * 2 : 64;
        struct rec *recs = realloc(b->recs, cap * sizeof *recs);

        if (!recs) {
            b->nomem = true;
            return NULL;
        }
        b->recs = recs;
        b->caprecs = cap;
    }
    r = &b->recs[b->nrecs++];
    *r = (struct rec){ kind, 0, w->line, w->off, w->len, 0, b->events,
                       b->blank };
    return r;
}

void
krt_pipe_alert(struct krt_pipe_worker *w, krt_u32 rule)
{
    struct rec *r = add_rec(w, REC_ALERT);

    if (r)
        r->rule = rule;
}

/* A malformed line, at byte column 'col' of the line, for 'reason'. */
static void
add_malformed(struct krt_pipe_worker *w, enum rec_kind kind,
              const char *line, size_t len, size_t col, const char *reason)
{
    struct block *b = w->b;
    size_t off = b->text.len;
    struct rec *r;

    krt_buf_add(&b->text, reason, strlen(reason) + 1);
    r = add_rec(w, kind);
    if (b->text.failed)
        b->nomem = true;
    if (!r)
        return;
    r->off = off;
    r->col = krt_char_column(line, len, col);
}

/*
 * Scan and evaluate the worker's line 'line', as the run on one thread
 * does (krt_run.c: evaluate); false to stop the block.
 */
static bool
evaluate(struct krt_pipe_worker *w, const char *line, size_t len)
{
    struct krt_run *run = &w->run;
    struct block *b = w->b;
    struct krt_event *ev;
    struct krt_scan_error err;

    if (len > run->opt->max_line) {
        add_malformed(w, REC_MALFORMED, line, len, run->opt->max_line + 1,
                      run->long_reason);
        return true;
    }
    if (len > 0 && line[len - 1] == '\r')
        len--;
    w->len = len;
    switch (krt_scan_line(run->sc, line, len, &ev, &err)) {
    case KRT_SCAN_EVENT:
        run->on_event(run, ev, run->ctx);
        b->events++;
        if (ev->nomem) {
            add_rec(w, REC_NOMEM_EVENT);
            return false;
        }
        return true;
    case KRT_SCAN_BLANK:
        b->blank++;
        return true;
    case KRT_SCAN_MALFORMED:
        add_malformed(w, REC_MALFORMED, line, len, err.col, err.reason);
        return true;
    default:
        add_malformed(w, REC_NOMEM_SCAN, line, len, err.col, err.reason);
        return false;
    }
}

/* The lines of block 'b', one by one; a long line's head is one line. */
static void
work(struct krt_pipe_worker *w, struct block *b)
{
    const char *s = b->buf, *end = b->buf + b->len;

    w->b = b;
    b->lines = b->events = b->blank = 0;
    b->nrecs = 0;
    b->text.len = 0;
    b->text.failed = b->nomem = false;
    for (w->line = 0; s < end && !b->nomem; w->line++) {
        const char *nl = b->long_line ? NULL : memchr(s, '\n',
                                                       (size_t)(end - s));
        size_t len = (size_t)((nl ? nl : end) - s);

        w->off = (size_t)(s - b->buf);
        b->lines++;
        if (!evaluate(w, s, len))
            break;
        s = nl ? nl + 1 : end;
    }
}

/* The next block for a worker, NULL when there is none. */
static struct block *
next_filled(struct krt_pipe *p)
{
    struct block *b = NULL;

    pthread_mutex_lock(&p->lock);
    while (p->claimed == p->filled && p->reading && !quitting(p))
        wait_change(p);
    if (p->claimed < p->filled && !quitting(p)) {
        b = &p->blocks[p->claimed++ % p->nblocks];
        b->state = BLOCK_TAKEN;
    }
    pthread_mutex_unlock(&p->lock);
    return b;
}

static void *
worker_main(void *arg)
{
    struct krt_pipe_worker *w = arg;
    struct block *b;

    while ((b = next_filled(w->pipe)) != NULL) {
        work(w, b);
        set_state(w->pipe, b, BLOCK_DONE);
    }
    return NULL;
}

/* -------------------------------------------------------- main side */

/* Stop the run after record 'r', on a line that was an event or not. */
static void
stop_after(struct krt_run *run, const struct rec *r, bool event,
           krt_u64 base)
{
    run->c.lines += r->line + 1;
    run->c.events += r->events + event;
    run->c.blank += r->blank;
    run->line_no = base + r->line + 1;
    run->stop = true;
}

/*
 * The alerts of one event line, from record 'i' on, and the failure
 * that may follow them; the index past them.
 */
static size_t
replay_alerts(struct krt_run *run, const struct block *b, size_t i,
              krt_u64 base)
{
    const struct rec *first = &b->recs[i];

    run->line = b->buf + first->off;
    run->len = first->len;
    run->shown = false;
    for (; i < b->nrecs && b->recs[i].kind == REC_ALERT
           && b->recs[i].line == first->line; i++) {
        run->c.alerts++;
        run->rule_alerts[b->recs[i].rule]++;
        krt_run_write_alert(run, b->recs[i].rule);
    }
    if (i < b->nrecs && b->recs[i].kind == REC_NOMEM_EVENT
        && b->recs[i].line == first->line)
        return i; /* the failure is the line's too */
    if (run->out.err)
        stop_after(run, first, true, base);
    return i;
}

/* Replay the records of block 'b' through the run's output and log. */
static void
replay(struct krt_run *run, const struct block *b)
{
    krt_u64 base = run->line_no;
    size_t i = 0;

    while (i < b->nrecs && !run->stop) {
        const struct rec *r = &b->recs[i];

        run->line_no = base + r->line + 1;
        switch (r->kind) {
        case REC_ALERT:
            i = replay_alerts(run, b, i, base);
            continue;
        case REC_MALFORMED:
            krt_run_malformed(run, r->col, b->text.p + r->off);
            break;
        case REC_NOMEM_SCAN:
            krt_run_malformed(run, r->col, b->text.p + r->off);
            KRT_LOG(KRT_LOG_ERROR, "%s: error: out of memory",
                    run->opt->name);
            run->status = 2;
            stop_after(run, r, false, base);
            break;
        case REC_NOMEM_EVENT:
            KRT_LOG(KRT_LOG_ERROR, "%s:%llu: error: out of memory while "
                    "evaluating the event", run->file_name, run->line_no);
            run->status = 2;
            stop_after(run, r, true, base);
            break;
        }
        i++;
    }
    if (run->stop)
        return;
    run->c.lines += b->lines;
    run->c.events += b->events;
    run->c.blank += b->blank;
    run->line_no = base + b->lines;
}

/*
 * What block 'b' brings to the main run, in input order.  '*open' says
 * whether a file was started and not yet ended (its note, when some of
 * its malformed lines were not shown, is still to come).
 */
static void
take_block(struct krt_run *run, const struct block *b, bool *open)
{
    if (b->first && !krt_run_start_file(run, b->file)) {
        run->stop = true;
        run->status = 2;
        return;
    }
    if (b->open_error) {
        KRT_LOG(KRT_LOG_ERROR, "%s: error: cannot open '%s': %s",
                run->opt->name, run->file_name, b->error);
        run->status = 2;
        return;
    }
    *open = true;
    if (b->nomem) {
        KRT_LOG(KRT_LOG_ERROR, "%s: error: out of memory", run->opt->name);
        run->status = 2;
        run->stop = true;
        return;
    }
    replay(run, b);
    if (run->stop)
        return;
    if (b->read_error && !krt_stop_requested()) {
        KRT_LOG(KRT_LOG_ERROR, "%s: error: cannot read '%s': %s",
                run->opt->name, run->file_name, b->error);
        run->status = 2;
    }
    if (b->last) {
        krt_run_end_file(run);
        *open = false;
    }
}

/*
 * The blocks back, in input order, until the end or a stop.  A run on
 * one thread stopped inside a file ends it all the same: so does this.
 */
static void
take_blocks(struct krt_pipe *p)
{
    struct krt_run *run = p->run;
    bool open = false;

    for (krt_u64 n = 0; !run->stop && !krt_stop_requested(); n++) {
        struct block *b = &p->blocks[n % p->nblocks];
        bool end;

        pthread_mutex_lock(&p->lock);
        while (b->state != BLOCK_DONE && !krt_stop_requested()
               && (p->reading || n < p->filled))
            wait_change(p);
        end = b->state != BLOCK_DONE;
        pthread_mutex_unlock(&p->lock);
        if (end || b->end || krt_stop_requested())
            break;
        take_block(run, b, &open);
        set_state(p, b, BLOCK_FREE);
    }
    if (open)
        krt_run_end_file(run);
}

/* ---------------------------------------------------------- set-up */

static void
free_pipe(struct krt_pipe *p)
{
    for (int i = 0; p->workers && i < p->nworkers; i++)
        krt_scanner_free(p->workers[i].run.sc);
    free(p->workers);
    for (size_t i = 0; p->blocks && i < p->nblocks; i++) {
        free(p->blocks[i].buf);
        free(p->blocks[i].recs);
        free(p->blocks[i].text.p);
    }
    free(p->blocks);
    pthread_cond_destroy(&p->changed);
    pthread_mutex_destroy(&p->lock);
}

/* The blocks and the workers' runs; false when out of memory. */
static bool
make_pipe(struct krt_pipe *p, struct krt_run *run, int workers)
{
    p->run = run;
    p->nworkers = workers;
    p->nblocks = 2 * (size_t)workers + 2;
    p->blocks = calloc(p->nblocks, sizeof *p->blocks);
    p->workers = calloc((size_t)workers, sizeof *p->workers);
    if (!p->blocks || !p->workers)
        return false;
    for (size_t i = 0; i < p->nblocks; i++) {
        if (!grow_block(&p->blocks[i], BLOCK_BYTES))
            return false;
    }
    for (int i = 0; i < workers; i++) {
        struct krt_pipe_worker *w = &p->workers[i];

        w->pipe = p;
        w->run = *run;
        w->run.worker = w;
        w->run.sc = krt_run_scanner(run);
        if (!w->run.sc)
            return false;
    }
    return true;
}

/*
 * Start the workers with SIGINT and SIGTERM blocked, then the reader
 * with them as the caller has them; false when a thread could not start.
 */
static bool
start_threads(struct krt_pipe *p)
{
    sigset_t stop, old;
    bool ok = true;

    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, &old);
    p->reading = true; /* before any worker looks */
    for (int i = 0; i < p->nworkers && ok; i++) {
        ok = pthread_create(&p->workers[i].thread, NULL, worker_main,
                            &p->workers[i]) == 0;
        p->workers[i].started = ok;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (ok && pthread_create(&p->reader, NULL, reader_main, p) != 0)
        ok = false;
    return ok;
}

static void
stop_threads(struct krt_pipe *p, bool reader)
{
    pthread_mutex_lock(&p->lock);
    atomic_store(&p->quit, 1);
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    if (reader)
        pthread_join(p->reader, NULL);
    for (int i = 0; i < p->nworkers; i++) {
        if (p->workers[i].started)
            pthread_join(p->workers[i].thread, NULL);
    }
}

bool
krt_pipe_run(struct krt_run *run, int workers)
{
    struct krt_pipe p;
    bool ok;

    memset(&p, 0, sizeof p);
    atomic_init(&p.quit, 0);
    if (pthread_mutex_init(&p.lock, NULL) != 0)
        return false;
    if (pthread_cond_init(&p.changed, NULL) != 0) {
        pthread_mutex_destroy(&p.lock);
        return false;
    }
    ok = make_pipe(&p, run, workers) && start_threads(&p);
    if (!ok) {
        stop_threads(&p, false);
        free_pipe(&p);
        return false;
    }
    take_blocks(&p);
    stop_threads(&p, true);
    run->rd.bytes += p.bytes;
    free_pipe(&p);
    return true;
}
