/*
 * krt_run.c - a detector's run: every input line by line through the
 * scanner and the rules into the output, with the counters and the
 * summary at the end.
 */
#include "krt_run.h"

#include <assert.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "krt_date.h"
#include "krt_event.h"
#include "krt_io.h"
#include "krt_log.h"
#include "krt_run_int.h"
#include "krt_select.h"

/*
 * The SIGINT or SIGTERM that asked the run to stop, 0 when none did.  The
 * handler only sets it (async-signal-safe); the read loop checks it
 * between lines, and a read waiting for input gives up on it
 * (krt_stop_requested), so the run ends as at the end of its input:
 * output flushed, counters printed.
 */
static volatile sig_atomic_t stop_signal;

/* The default event function: each rule's own match. */
static void
match_rules(struct krt_run *run, struct krt_event *ev, void *ctx)
{
    const struct krt_program *prog = run->prog;
    const krt_u32 *sel;
    krt_u32 nsel;

    (void)ctx;
    /* Rule selection (krt_select.c): only the rules whose gates the
     * event passes and those with none, in rule order. */
    if (krt_select_rules(ev, prog, &sel, &nsel)) {
        for (krt_u32 k = 0; k < nsel; k++) {
            if (prog->rules[sel[k]].match && prog->rules[sel[k]].match(ev))
                krt_run_alert(run, sel[k]);
        }
        return;
    }
    for (krt_u32 i = 0; i < prog->nrules; i++) {
        if (prog->rules[i].match && prog->rules[i].match(ev))
            krt_run_alert(run, i);
    }
}

/* ------------------------------------------------------------ setup */

static void
json_or_null(struct krt_buf *b, const char *s)
{
    if (s)
        krt_buf_json(b, s);
    else
        krt_buf_str(b, "null");
}

static bool
build_rule_json(struct krt_buf *b, const struct krt_rule *r)
{
    char score[48];

    krt_buf_str(b, "{\"rule\":{\"name\":");
    json_or_null(b, r->name);
    krt_buf_str(b, ",\"rule_id\":");
    json_or_null(b, r->rule_id);
    krt_buf_str(b, ",\"severity\":");
    json_or_null(b, r->severity);
    snprintf(score, sizeof score, ",\"risk_score\":%d,\"threat\":[",
             r->risk_score);
    krt_buf_str(b, score);
    for (krt_u32 t = 0; t < r->ntactics; t++) {
        krt_buf_str(b, t ? ",{\"tactic\":{\"id\":" : "{\"tactic\":{\"id\":");
        json_or_null(b, r->tactics[t].id);
        krt_buf_str(b, ",\"name\":");
        json_or_null(b, r->tactics[t].name);
        krt_buf_str(b, "}}");
    }
    krt_buf_str(b, "]},\"source\":{\"file\":");
    return !b->failed;
}

static bool
build_alert_prefixes(struct krt_run *run)
{
    const struct krt_program *prog = run->prog;

    run->rule_json = calloc(prog->nrules ? prog->nrules : 1,
                            sizeof *run->rule_json);
    run->rule_alerts = calloc(prog->nrules ? prog->nrules : 1,
                              sizeof *run->rule_alerts);
    if (!run->rule_json || !run->rule_alerts)
        return false;
    for (krt_u32 i = 0; i < prog->nrules; i++) {
        if (!build_rule_json(&run->rule_json[i], &prog->rules[i]))
            return false;
    }
    return true;
}

/* Whether field 'f' is data_stream.dataset, which --dataset supplies. */
static bool
is_dataset(const struct krt_field *f)
{
    return f->type == KRT_CONSTANT_KEYWORD
           && strcmp(f->path, "data_stream.dataset") == 0;
}

/*
 * --dataset: the default of every constant_keyword data_stream.dataset,
 * in scanner 'sc'.  False when out of memory.
 */
static bool
set_dataset(const struct krt_run *run, struct krt_scanner *sc)
{
    const struct krt_program *prog = run->prog;
    const char *ds = run->opt->dataset;

    for (krt_u32 f = 0; ds && f < prog->nfields; f++) {
        if (is_dataset(&prog->fields[f])
            && !krt_scanner_set_default(sc, f, ds, strlen(ds)))
            return false;
    }
    return true;
}

/* Say so when --dataset changes nothing. */
static void
note_dataset(const struct krt_run *run)
{
    const struct krt_program *prog = run->prog;

    for (krt_u32 f = 0; f < prog->nfields; f++) {
        if (is_dataset(&prog->fields[f]))
            return;
    }
    if (run->opt->dataset)
        KRT_LOG(KRT_LOG_INFO, "%s: note: no rule reads data_stream.dataset;"
                " --dataset changes nothing", run->opt->name);
}

struct krt_scanner *
krt_run_scanner(const struct krt_run *run)
{
    struct krt_scanner *sc = krt_scanner_new(run->prog->fields,
                                             run->prog->nfields);

    if (sc && !set_dataset(run, sc)) {
        krt_scanner_free(sc);
        return NULL;
    }
    if (sc && run->dates)
        krt_scanner_set_dates(sc, run->dates, run->prog->ndates);
    return sc;
}

static bool
prepare(struct krt_run *run)
{
    snprintf(run->long_reason, sizeof run->long_reason,
             "line longer than %zu bytes", run->opt->max_line);
    note_dataset(run);
    run->sc = krt_run_scanner(run);
    return run->sc && krt_reader_init(&run->rd, run->opt->max_line)
           && krt_out_init(&run->out, run->opt->out_fd)
           && build_alert_prefixes(run);
}

static void
release(struct krt_run *run)
{
    for (krt_u32 i = 0; run->rule_json && i < run->prog->nrules; i++)
        free(run->rule_json[i].p);
    free(run->rule_json);
    free(run->rule_alerts);
    free(run->file_json.p);
    krt_out_free(&run->out);
    krt_reader_free(&run->rd);
    krt_scanner_free(run->sc);
    free(run->dates);
}

/*
 * Work out the date ranges that read the clock, once, before any event:
 * at --now, or else now.  False, with a message, when one cannot be (its
 * date math leaves the dates a long holds at this clock).
 */
static bool
set_clock(struct krt_run *run)
{
    const struct krt_options *opt = run->opt;
    char err[512];

    if (run->prog->ndates == 0)
        return true;
    run->dates = krt_dates_resolve(run->prog, opt->has_now ? opt->now
                                                           : krt_clock_ms(),
                                   err, sizeof err);
    if (!run->dates) {
        KRT_LOG(KRT_LOG_ERROR, "%s: error: %s", opt->name, err);
        return false;
    }
    krt_scanner_set_dates(run->sc, run->dates, run->prog->ndates);
    return true;
}

/* ----------------------------------------------------------- output */

void
krt_run_alert(struct krt_run *run, krt_u32 rule)
{
    assert(rule < run->prog->nrules);
    if (run->worker) {
        krt_pipe_alert(run->worker, rule);
        return;
    }
    run->c.alerts++;
    run->rule_alerts[rule]++;
    krt_run_write_alert(run, rule);
}

void
krt_run_write_alert(struct krt_run *run, krt_u32 rule)
{
    struct krt_out *o = &run->out;

    if (run->opt->format == KRT_FORMAT_ALERT) {
        krt_out_write(o, run->rule_json[rule].p, run->rule_json[rule].len);
        krt_out_write(o, run->file_json.p, run->file_json.len);
        krt_out_u64(o, run->line_no);
        krt_out_write(o, "},\"event\":", 10);
        krt_out_write(o, run->line, run->len);
        krt_out_write(o, "}\n", 2);
        return;
    }
    if (run->shown || run->opt->format == KRT_FORMAT_COUNT)
        return;
    run->shown = true;
    if (run->opt->format == KRT_FORMAT_EVENT) {
        krt_out_write(o, run->line, run->len);
    } else {
        if (run->opt->nfiles > 1) {
            krt_out_write(o, run->file_name, strlen(run->file_name));
            krt_out_write(o, ":", 1);
        }
        krt_out_u64(o, run->line_no);
    }
    krt_out_write(o, "\n", 1);
}

/* ------------------------------------------------------------ lines */

void
krt_run_malformed(struct krt_run *run, size_t col, const char *reason)
{
    struct krt_counters *c = &run->c;

    c->malformed++;
    if (c->nfirst < KRT_FIRST_MALFORMED)
        c->first_malformed[c->nfirst++] = (struct krt_line_ref){
            run->file, run->line_no };
    if (++run->file_malformed <= KRT_SHOWN_PER_FILE)
        KRT_LOG(KRT_LOG_WARN, "%s:%llu:%zu: warning: malformed event: %s",
                run->file_name, run->line_no, col, reason);
}

/*
 * Count a malformed line and report the first ones of each file, at byte
 * column 'col' of 'line', which the message counts in characters.
 */
static void
malformed(struct krt_run *run, const char *line, size_t len, size_t col,
          const char *reason)
{
    krt_run_malformed(run, krt_char_column(line, len, col), reason);
}

static void
evaluate(struct krt_run *run, const char *line, size_t len)
{
    struct krt_event *ev;
    struct krt_scan_error err;

    if (len > 0 && line[len - 1] == '\r')
        len--;
    switch (krt_scan_line(run->sc, line, len, &ev, &err)) {
    case KRT_SCAN_EVENT:
        run->c.events++;
        run->line = line;
        run->len = len;
        run->shown = false;
        run->on_event(run, ev, run->ctx);
        run->stop = run->out.err != 0;
        if (ev->nomem) {
            /* A verdict of this event may be wrong: say so and stop. */
            KRT_LOG(KRT_LOG_ERROR, "%s:%llu: error: out of memory while "
                    "evaluating the event", run->file_name, run->line_no);
            run->status = 2;
            run->stop = true;
        }
        break;
    case KRT_SCAN_BLANK:
        run->c.blank++;
        break;
    case KRT_SCAN_MALFORMED:
        malformed(run, line, len, err.col, err.reason);
        break;
    case KRT_SCAN_NOMEM:
        malformed(run, line, len, err.col, err.reason);
        KRT_LOG(KRT_LOG_ERROR, "%s: error: out of memory", run->opt->name);
        run->status = 2;
        run->stop = true;
        break;
    }
}

/* ------------------------------------------------------------ files */

const char *
krt_run_file_name(const struct krt_options *opt, int file)
{
    if (file < 0 || strcmp(opt->files[file], "-") == 0)
        return "<stdin>";
    return opt->files[file];
}

bool
krt_run_start_file(struct krt_run *run, int file)
{
    run->file = file;
    run->file_name = krt_run_file_name(run->opt, file);
    run->line_no = 0;
    run->file_malformed = 0;
    run->file_json.len = 0;
    krt_buf_json(&run->file_json, run->file_name);
    krt_buf_str(&run->file_json, ",\"line\":");
    return !run->file_json.failed;
}

static void
read_lines(struct krt_run *run)
{
    const char *line;
    size_t len;

    while (!run->stop && !stop_signal) {
        enum krt_read r = krt_reader_next(&run->rd, &line, &len);

        if (r == KRT_READ_END)
            return;
        if (r == KRT_READ_ERROR && stop_signal)
            return; /* the read the signal interrupted: no error */
        if (r == KRT_READ_ERROR) {
            KRT_LOG(KRT_LOG_ERROR, "%s: error: cannot read '%s': %s",
                    run->opt->name, run->file_name, run->rd.error);
            run->status = 2;
            return;
        }
        run->c.lines++;
        run->line_no++;
        if (r == KRT_READ_LONG)
            malformed(run, line, len, run->opt->max_line + 1,
                      run->long_reason);
        else
            evaluate(run, line, len);
    }
}

static void
run_file(struct krt_run *run, int file)
{
    char err[160];
    struct krt_source *src;

    if (!krt_run_start_file(run, file)) {
        run->stop = true;
        run->status = 2;
        return;
    }
    src = krt_source_open(file < 0 ? "-" : run->opt->files[file], err,
                          sizeof err);
    if (!src) {
        KRT_LOG(KRT_LOG_ERROR, "%s: error: cannot open '%s': %s",
                run->opt->name, run->file_name, err);
        run->status = 2;
        return;
    }
    krt_reader_start(&run->rd, src);
    read_lines(run);
    krt_source_close(src);
    krt_run_end_file(run);
}

void
krt_run_end_file(struct krt_run *run)
{
    if (run->file_malformed > KRT_SHOWN_PER_FILE)
        KRT_LOG(KRT_LOG_WARN, "%s: note: %llu more malformed lines not shown",
                run->file_name, run->file_malformed - KRT_SHOWN_PER_FILE);
}

/* ---------------------------------------------------------- the end */

/* "3, 7" or "a.json:3, b.json:7": where the first malformed lines are. */
static void
first_malformed(const struct krt_run *run, char *buf, size_t cap)
{
    size_t n = 0;

    buf[0] = '\0';
    for (krt_u32 i = 0; i < run->c.nfirst && n < cap; i++) {
        const struct krt_line_ref *r = &run->c.first_malformed[i];
        const char *sep = i ? ", " : "; first malformed: ";
        int w;

        if (run->opt->nfiles > 1)
            w = snprintf(buf + n, cap - n, "%s%s:%llu", sep,
                         krt_run_file_name(run->opt, r->file), r->line);
        else
            w = snprintf(buf + n, cap - n, "%s%llu", sep, r->line);
        n += w > 0 ? (size_t)w : 0;
    }
}

/* With several rules, the alerts of each, one line a rule. */
static void
rule_summary(const struct krt_run *run)
{
    const struct krt_program *prog = run->prog;

    for (krt_u32 i = 0; prog->nrules > 1 && i < prog->nrules; i++) {
        const struct krt_rule *r = &prog->rules[i];

        KRT_LOG(KRT_LOG_INFO, "%s: rule '%s' (%s): %llu alerts",
                run->opt->name, r->name ? r->name : "",
                r->rule_id ? r->rule_id : "", run->rule_alerts[i]);
    }
}

static void
summary(const struct krt_run *run)
{
    const struct krt_counters *c = &run->c;
    char first[1024];

    rule_summary(run);
    first_malformed(run, first, sizeof first);
    KRT_LOG(KRT_LOG_INFO, "%s: %llu lines = %llu events + %llu malformed"
            " + %llu blank, %llu alerts, %llu bytes, %.3f s%s",
            run->opt->name, c->lines, c->events, c->malformed, c->blank,
            c->alerts, c->bytes, c->seconds, first);
}

static double
since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec)
           + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Write what is left; report an output failure other than a closed pipe. */
static void
finish_output(struct krt_run *run)
{
    if (run->opt->format == KRT_FORMAT_COUNT && !run->stop) {
        krt_out_u64(&run->out, run->c.alerts);
        krt_out_write(&run->out, "\n", 1);
    }
    if (krt_out_flush(&run->out) || run->out.err == EPIPE)
        return;
    KRT_LOG(KRT_LOG_ERROR, "%s: error: cannot write the output: %s",
            run->opt->name, strerror(run->out.err));
    run->status = 2;
}

static void
on_stop_signal(int sig)
{
    stop_signal = sig;
}

bool
krt_stop_requested(void)
{
    return stop_signal != 0;
}

/*
 * Catch SIGINT and SIGTERM into 'stop_signal', each unless it was ignored
 * (a job started with it ignored keeps it so); 'old' keeps what to restore.
 * No SA_RESTART: a read(2) blocked on an idle pipe returns EINTR.
 */
static void
catch_stop_signals(struct sigaction old[2])
{
    static const int sigs[2] = { SIGINT, SIGTERM };
    struct sigaction sa;

    stop_signal = 0;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 2; i++) {
        sigaction(sigs[i], NULL, &old[i]);
        if (old[i].sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    }
}

/*
 * Put back the handlers of SIGINT and SIGTERM.  A run a signal stopped
 * returns 128 + its number (130, 143), as a shell reports a program the
 * signal killed, so that a script sees the input was not read to its end.
 */
static int
restore_stop_signals(const struct sigaction old[2], int status)
{
    sigaction(SIGINT, &old[0], NULL);
    sigaction(SIGTERM, &old[1], NULL);
    return stop_signal ? 128 + stop_signal : status;
}

/* The step beyond the query that a rule of each type would take. */
static const char *
type_step(const char *type)
{
    if (strcmp(type, "threshold") == 0)
        return "threshold";
    if (strcmp(type, "new_terms") == 0)
        return "new terms";
    if (strcmp(type, "threat_match") == 0)
        return "indicator match";
    return type;
}

/*
 * LIMIT(rule types): thresholds, new-terms windows and indicator matches
 * need state across events and indices; a detector runs their query
 * alone, and says so once per rule before any alert, even with --quiet.
 */
static void
note_rule_types(const struct krt_run *run)
{
    const struct krt_program *p = run->prog;
    for (krt_u32 i = 0; i < p->nrules; i++) {
        const char *type = p->rules[i].type;
        if (!type || strcmp(type, "query") == 0)
            continue;
        KRT_LOG(KRT_LOG_WARN, "%s: note: rule '%s' is a %s rule: it alerts "
                "on each event its query selects; the %s step does not "
                "run", run->opt->name, p->rules[i].name, type,
                type_step(type));
    }
}

int
krt_run_workers(int threads)
{
    long n = threads;

    if (threads <= 0)
        n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > KRT_MAX_THREADS ? KRT_MAX_THREADS : (int)n;
}

/*
 * Every input, in order: on this thread, or through the pipeline when
 * more threads are asked for (and can be started).
 */
static void
run_files(struct krt_run *run)
{
    const struct krt_options *opt = run->opt;
    int workers = krt_run_workers(opt->threads);

    if (workers > 1 && krt_pipe_run(run, workers))
        return;
    /* File -1 is standard input, read when no file is named. */
    for (int i = opt->nfiles ? 0 : -1;
         i < opt->nfiles && !run->stop && !stop_signal; i++)
        run_file(run, i);
}

int
krt_run(const struct krt_program *prog, const struct krt_options *opt,
        krt_event_fn on_event, void *ctx, struct krt_counters *counters)
{
    struct krt_run run = { 0 };
    struct sigaction old[2];
    struct timespec t0;

    signal(SIGPIPE, SIG_IGN);
    catch_stop_signals(old);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    run.prog = prog;
    run.opt = opt;
    run.on_event = on_event ? on_event : match_rules;
    run.ctx = ctx;
    if (!prepare(&run)) {
        KRT_LOG(KRT_LOG_ERROR, "%s: error: out of memory", opt->name);
        release(&run);
        return restore_stop_signals(old, 2);
    }
    if (!set_clock(&run)) {
        release(&run);
        return restore_stop_signals(old, 2);
    }
    note_rule_types(&run);
    run_files(&run);
    finish_output(&run);
    run.c.bytes = run.rd.bytes;
    run.c.seconds = since(&t0);
    if (stop_signal)
        KRT_LOG(KRT_LOG_WARN, "%s: note: stopped by signal %d before the "
                "end of the input", opt->name, (int)stop_signal);
    if (!opt->quiet && run.out.err != EPIPE)
        summary(&run);
    if (counters)
        *counters = run.c;
    release(&run);
    return restore_stop_signals(old, run.status);
}
