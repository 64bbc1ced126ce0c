/*
 * krt_run_int.h - the state of a detector's run, shared by the run on
 * one thread (krt_run.c) and the pipeline of threads (krt_pipe.c);
 * private to runtime/.
 */
#ifndef KRT_RUN_INT_H
#define KRT_RUN_INT_H

#include <stddef.h>

#include "krt_io.h"
#include "krt_run.h"

/* Malformed lines reported one by one in each file; the rest are counted. */
#define KRT_SHOWN_PER_FILE 10

struct krt_pipe_worker;

/*
 * The state of one run.  The run owns the scanner, reader, output and
 * built strings; 'prog' and 'opt' are the caller's.  'line' is the line
 * being evaluated (it lives in the reader's buffer) and 'shown' says
 * whether the formats that write a line once already wrote it.
 *
 * A worker of the pipeline has a run of its own, a copy of the main
 * run's with its own scanner and 'worker' set: krt_run_alert then
 * records the alert for the main run, which writes the results of every
 * block in input order.  Only the main run logs and writes.
 */
struct krt_run {
    const struct krt_program *prog;
    const struct krt_options *opt;
    krt_event_fn on_event;
    void *ctx;
    struct krt_scanner *sc;
    struct krt_i64_range *dates; /* prog->dates at the run's clock */
    struct krt_reader rd;
    struct krt_out out;
    struct krt_counters c;
    krt_u64 *rule_alerts;      /* per rule: its alerts */
    struct krt_buf *rule_json; /* per rule: an alert up to the file name */
    struct krt_buf file_json;  /* the file as JSON, then ,"line": */
    char long_reason[64];
    int file;
    const char *file_name;
    krt_u64 line_no;
    krt_u64 file_malformed;
    const char *line;
    size_t len;
    bool shown;
    bool stop;
    int status;
    struct krt_pipe_worker *worker; /* NULL: the main run */
};

/* A scanner for the run's program with its defaults (--dataset) and its
 * clock; NULL when out of memory. */
struct krt_scanner *krt_run_scanner(const struct krt_run *run);

/* The file numbered 'file' as messages and results name it. */
const char *krt_run_file_name(const struct krt_options *opt, int file);

/* Start file 'file': its name, its line count, its JSON text.  False
 * when out of memory. */
bool krt_run_start_file(struct krt_run *run, int file);

/* The note that ends a file whose malformed lines were not all shown. */
void krt_run_end_file(struct krt_run *run);

/*
 * Count a malformed line, the current one ('run->line_no'), and report
 * it if it is among the first of its file, at column 'col' in characters.
 */
void krt_run_malformed(struct krt_run *run, size_t col, const char *reason);

/* Write what an alert of 'rule' on the current line writes. */
void krt_run_write_alert(struct krt_run *run, krt_u32 rule);

/* The number of workers 'threads' (0: one per core) asks for. */
int krt_run_workers(int threads);

/*
 * Read every input of the main run 'run' with a reader thread and
 * 'workers' worker threads, giving the results a run on one thread
 * gives; false when the threads could not be started (nothing was read:
 * the caller may run on one thread).
 */
bool krt_pipe_run(struct krt_run *run, int workers);

/* Record, for the main run, that 'rule' matched the worker's line. */
void krt_pipe_alert(struct krt_pipe_worker *w, krt_u32 rule);

#endif
