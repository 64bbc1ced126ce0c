/*
 * krt_run.h - the detector runtime as a host program sees it.
 *
 * krt.h is all that generated code includes.  This header serves the
 * programs that drive the runtime: a detector's main() (krt_main), and
 * the kqlc compiler, whose JIT and reference interpreter reuse the event
 * scanner, the value parsers and the whole input and output loop.
 *
 * Ownership, in short: the caller's field tables, rule tables, option
 * strings and lines are borrowed and must outlive their use; everything
 * the runtime hands back a pointer to belongs to the object it came from
 * (an event lives until its scanner scans the next line or is freed).
 */
#ifndef KRT_RUN_H
#define KRT_RUN_H

#include <stdio.h>

#include "krt.h"

/* ------------------------------------------------------------ values */

/* What a value of an event is, as JSON wrote it. */
enum krt_kind {
    KRT_V_STRING,
    KRT_V_NUMBER,
    KRT_V_TRUE,
    KRT_V_FALSE,
    KRT_V_NULL,
    KRT_V_OBJECT
};

/* krt_value.flags */
#define KRT_VF_ESCAPED 1u /* the string holds backslash escapes */
#define KRT_VF_LEAF 2u    /* the object holds a non-null scalar somewhere */

/*
 * One value of a field, never decoded by the scanner.  'text' points
 * into the scanned line (or at a default given to the scanner): for a
 * string, the bytes between the quotes with escapes still in place; for
 * a number, true, false or null, the token as written; for an object,
 * its opening brace (len 1).  An object value stands for "the field is
 * an object here"; only krt_exists looks at it, through KRT_VF_LEAF.
 */
struct krt_value {
    const char *text;
    krt_u32 len;
    krt_u32 next;        /* private: index of the field's next value */
    unsigned char kind;  /* enum krt_kind */
    unsigned char flags; /* KRT_VF_* */
    krt_u32 elem;        /* private: innermost element of a nested field
                            it lies in (krt_event.h), or none */
};

/*
 * The values of field 'field' in document order: the first, then each
 * next; NULL when there is none (or no more).  The pointers live as long
 * as the event.  While krt_nested_any evaluates one element of a nested
 * field, only the values inside that element are given.
 */
const struct krt_value *krt_value_first(const struct krt_event *ev,
                                        krt_u32 field);
const struct krt_value *krt_value_next(const struct krt_event *ev,
                                       const struct krt_value *v);

/*
 * The text of scalar 'v' of event 'ev': a string with its escapes
 * decoded, any other scalar as written.  False for null and objects.
 * '*text' may point into the event's own buffer: it is valid until the
 * next call on the same event or until the event goes.
 */
bool krt_value_text(struct krt_event *ev, const struct krt_value *v,
                    const char **text, size_t *len);

/* ----------------------------------------------------------- scanner */

/* Deepest nesting of objects and arrays a line may have. */
#define KRT_MAX_DEPTH 1000

struct krt_scanner;

enum krt_scan_status {
    KRT_SCAN_EVENT,     /* a JSON object: '*ev' holds its fields */
    KRT_SCAN_BLANK,     /* empty or white space only */
    KRT_SCAN_MALFORMED, /* not an object, or not JSON: see the error */
    KRT_SCAN_NOMEM      /* out of memory; the line was not evaluated */
};

/*
 * Why a line is malformed: 'col' counts bytes from 1 (krt_char_column
 * turns it into characters); 'reason' is a static string, or one the
 * scanner holds until its next krt_scan_line.
 */
struct krt_scan_error {
    size_t col;
    const char *reason;
};

/*
 * Byte column 'col' (from 1) of the 'len' bytes of 'line' as a column in
 * characters (UTF-8 code points, from 1), as diagnostics count them:
 * one more than the bytes before it that start a character.  A column
 * past the end counts as just past the last character.
 */
size_t krt_char_column(const char *line, size_t len, size_t col);

/*
 * A scanner that extracts the 'nfields' fields of 'fields' from each
 * line it is given.  'fields' (the array and its strings) is borrowed and
 * must outlive the scanner.  A path with an empty part ("a..b") is never
 * found.  NULL when out of memory.  Free with krt_scanner_free.
 */
struct krt_scanner *krt_scanner_new(const struct krt_field *fields,
                                    krt_u32 nfields);
void krt_scanner_free(struct krt_scanner *sc);

/*
 * How a scanner finds a line's structure.  Every path gives the same
 * answers.  The reference path walks the line byte by byte and is the
 * one that reports malformed lines; the others first try a structural
 * scan by blocks of 64 bytes (portable C, or SSE2, AVX2 or AVX-512 where
 * the CPU has them) and leave to the reference path every line they do
 * not take as it is (krt_fast.h).  A new scanner takes the environment
 * variable KQLC_SCAN (reference, portable, sse2, avx2, avx512) when it
 * names a path this CPU has, and otherwise the fastest it has
 * (KRT_PATH_AUTO).
 */
enum krt_scan_path {
    KRT_PATH_AUTO,
    KRT_PATH_REFERENCE,
    KRT_PATH_PORTABLE,
    KRT_PATH_SSE2,
    KRT_PATH_AVX2,
    KRT_PATH_AVX512
};

/* Use 'path'; false, the path unchanged, when this CPU lacks it or out
 * of memory. */
bool krt_scanner_set_path(struct krt_scanner *sc, enum krt_scan_path path);

/* The path in use (never KRT_PATH_AUTO). */
enum krt_scan_path krt_scanner_path(const struct krt_scanner *sc);

/* Lines the structural scan took whole, without the reference path. */
krt_u64 krt_scanner_fast_lines(const struct krt_scanner *sc);

/*
 * Give field 'field' the string 'text' (copied; taken as is, not as JSON)
 * in every event that has no non-null scalar value of its own at that
 * field's path.  False when out of memory or 'field' is out of range.
 */
bool krt_scanner_set_default(struct krt_scanner *sc, krt_u32 field,
                             const char *text, size_t len);

/*
 * Validate the 'len' bytes of 'line' as one JSON object (RFC 8259, with
 * at most KRT_MAX_DEPTH levels and, as Elasticsearch parses, no object
 * holding a key twice) and collect the values of the scanner's fields in
 * one pass.  On KRT_SCAN_EVENT, '*ev' is the scanner's event:
 * it points into 'line', which must stay unchanged while the event is
 * used, and it is reused by the next call.  On KRT_SCAN_MALFORMED and
 * KRT_SCAN_NOMEM '*err' says where and why.  Allocates only when a line
 * needs more room than any line before it.
 */
enum krt_scan_status krt_scan_line(struct krt_scanner *sc, const char *line,
                                   size_t len, struct krt_event **ev,
                                   struct krt_scan_error *err);

/* ----------------------------------------------------------- parsers */

/*
 * Parse the 'len' bytes of 's' as an address, as Elasticsearch reads
 * an ip field: a dotted quad without leading zeros, or IPv6 in any
 * textual form, where a '%' starts a scope id that is ignored.  IPv4
 * comes out IPv4-mapped.  False, with '*out' untouched, for anything
 * else.
 */
bool krt_parse_ip(const char *s, size_t len, struct krt_ip *out);

enum krt_int_status {
    KRT_INT_OK,
    KRT_INT_RANGE, /* a number, but outside the type's range */
    KRT_INT_NAN    /* no number at all */
};

/*
 * Parse the 'len' bytes of 's', a string value of an integer field of
 * type 'type' (KRT_LONG, KRT_INTEGER, KRT_SHORT, KRT_BYTE; any other
 * type reads as KRT_LONG), as Elasticsearch's document parser does: for
 * long, a sign, digits, a fraction, an exponent, as Java's BigDecimal
 * reads them, exactly, then truncated toward zero; for the others, as
 * Double.parseDouble reads them, held to the type's range, then cast
 * toward zero ("NaN" is 0).  '*out' is set only on KRT_INT_OK.
 */
enum krt_int_status krt_parse_int(const char *s, size_t len, krt_u32 type,
                                  krt_i64 *out);

/* A number read by krt_parse_number: the integer part, whether a
 * non-zero fraction was dropped, and the sign of the whole value. */
struct krt_number {
    krt_i64 value;
    bool fraction;
    bool negative;
};

/*
 * A query value of an integer field, as Elasticsearch's mappers read
 * one (parse(Object)): as krt_parse_int, except that the range check of
 * a byte is the byte's own and "NaN" is refused.  It keeps what
 * truncation drops: a term query with a fraction matches nothing on an
 * integer field, and a fractional range bound moves toward the range
 * (the compiler needs both).
 */
enum krt_int_status krt_parse_number(const char *s, size_t len,
                                     krt_u32 type, struct krt_number *out);

/* ------------------------------------------------------------ logging */

enum krt_log_level {
    KRT_LOG_ERROR,
    KRT_LOG_WARN,
    KRT_LOG_INFO,
    KRT_LOG_DEBUG
};

/*
 * Where the runtime's messages go (stderr when 'stream' is NULL) and the
 * most verbose level written (KRT_LOG_INFO unless set).
 */
void krt_log_setup(int level, FILE *stream);

/* ------------------------------------------------------- the detector */

enum krt_format {
    KRT_FORMAT_EVENT, /* each matching line, as read */
    KRT_FORMAT_ALERT, /* one JSON alert per match per rule */
    KRT_FORMAT_LINES, /* the line number of each matching line */
    KRT_FORMAT_COUNT  /* the number of alerts, once, at the end */
};

/* Longest line read; a longer one is malformed and skipped unread. */
#define KRT_MAX_LINE ((size_t)256 << 20)

/*
 * How to run.  Strings and 'files' are borrowed.  A file "-" is
 * standard input, and so is the input when 'nfiles' is 0.  Names ending
 * in .gz and .zst are decompressed.
 */
struct krt_options {
    const char *name;       /* the program, for messages */
    enum krt_format format;
    const char *dataset;    /* default data_stream.dataset, or NULL */
    bool quiet;             /* no summary */
    char **files;
    int nfiles;
    size_t max_line;        /* KRT_MAX_LINE unless a test wants less */
    int out_fd;             /* where results go: standard output */
    bool has_now;           /* --now was given ... */
    krt_i64 now;            /* ... as these milliseconds since the epoch */
    int threads;            /* workers; 1 by default, 0: one per core */
};

/* Most worker threads a run starts. */
#define KRT_MAX_THREADS 64

/* A line: 'file' indexes krt_options.files (-1: standard input). */
struct krt_line_ref {
    int file;
    krt_u64 line;
};

#define KRT_FIRST_MALFORMED 5

/*
 * What a run saw.  lines == events + malformed + blank, always.  'bytes'
 * counts input after decompression.
 */
struct krt_counters {
    krt_u64 lines;
    krt_u64 events;
    krt_u64 malformed;
    krt_u64 blank;
    krt_u64 alerts;
    krt_u64 bytes;
    double seconds;
    krt_u32 nfirst;
    struct krt_line_ref first_malformed[KRT_FIRST_MALFORMED];
};

struct krt_run;

/*
 * Called once per event, in input order; it calls krt_run_alert for each
 * rule that matches.  'ev' is valid during the call only.
 */
typedef void (*krt_event_fn)(struct krt_run *run, struct krt_event *ev,
                             void *ctx);

/* Options as krt_main starts from; 'argv0' names the program. */
void krt_options_init(struct krt_options *opt, const char *argv0);

/* krt_options_parse's answer when the run should go on. */
#define KRT_RUN_GO (-1)

/*
 * Read the detector's command line (argv[0] is the program) into 'opt',
 * which borrows argv's strings; the files, in order, are gathered at
 * argv[1] onwards (argv is reordered), so options may follow them.
 * KRT_RUN_GO to go on; otherwise the exit status: 0 after --help or
 * --version (written to stdout), 2 after a usage error (reported on the
 * log).
 */
int krt_options_parse(struct krt_options *opt,
                      const struct krt_program *prog, int argc, char **argv);

/*
 * Read every input of 'opt', scan each line for the fields of 'prog',
 * hand each event to 'on_event' (NULL: call each rule's match function),
 * write results and, unless quiet, a summary on the log: with several
 * rules, one line per rule with its alerts, then one line of totals.
 * Rule metadata for alerts comes from prog->rules.  Ignores SIGPIPE for
 * the whole process: a closed output ends the run quietly.  Returns the
 * exit status (0, or 2 when an input could not be read or output could
 * not be written) and fills '*counters' when not NULL.
 */
int krt_run(const struct krt_program *prog, const struct krt_options *opt,
            krt_event_fn on_event, void *ctx, struct krt_counters *counters);

/* Record that rule number 'rule' matched the current event. */
void krt_run_alert(struct krt_run *run, krt_u32 rule);

/* The detector's whole command line; returns the exit status. */
int krt_main(const struct krt_program *prog, int argc, char **argv);

#endif
