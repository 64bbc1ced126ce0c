/*
 * cmd_check.c - 'kqlc check': every rule of the files through the whole
 * compiler, each rule on its own so that one bad rule hides no other,
 * and a count of the rules that pass, warn and fail.
 *
 * Each rule is parsed, typed, emitted and compiled with libtcc alone.
 * The C compiler is slow to start and fast per line, so the rules that
 * passed are then compiled with cc together, in one program; should cc
 * reject it (a kqlc bug), the batch is halved until the rules whose C
 * it rejects are found.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "driver.h"
#include "emit.h"
#include "jit.h"
#include "mapping.h"
#include "rulefile.h"

enum verdict { V_OK, V_WARNINGS, V_REJECTED, V_SKIPPED };

static const char *const verdict_name[] = {
    [V_OK] = "ok",
    [V_WARNINGS] = "warnings",
    [V_REJECTED] = "rejected",
    [V_SKIPPED] = "skipped",
};

/* One record checked: the rule (what could be read of it), the verdict,
 * and the message that explains it (NULL for a clean rule). */
struct checked {
    const struct rule *r;
    enum verdict v;
    const char *why;
};

/*
 * The state of a check.  Everything lives in the arena.  'first' holds
 * the first message of each severity reported since the current record
 * began, and 'errors' and 'warnings' the diag's counts then.
 */
struct check {
    struct arena a;
    struct diag d;
    FILE *muted;            /* /dev/null, for compiles already reported */
    bool list;
    bool verbose;
    struct ptrvec seen;     /* struct rule *, for duplicate rule_ids */
    struct ptrvec records;  /* struct checked *, in file order */
    int errors, warnings;
    const char *first[3];   /* by enum diag_severity */
    int status;             /* KQLC_USAGE or KQLC_INTERNAL once seen */
    bool no_cc;             /* cc could not run: no more tries */
    const char *mapping_path; /* --mapping FILE, or NULL */
    struct mapping *mapping;  /* its field types, once loaded */
};

static const char check_usage[] =
    "usage: kqlc check [options] RULEFILE...\n"
    "\n"
    "Compile every rule of the files, each on its own, with libtcc and\n"
    "with cc, print the diagnostics, and end with a count of the rules:\n"
    "'N rules: N ok, N with warnings, N rejected'.  Rule files are TOML,\n"
    ".kql, or Kibana exports (.ndjson, .json), whose rules in another\n"
    "language than KQL are skipped and counted apart.  Exit status 0 when\n"
    "no rule was rejected, 1 otherwise.\n"
    "\n"
    "  --list    also print one line per rule on standard output:\n"
    "            VERDICT, FILE:LINE, rule_id, name and the first message,\n"
    "            separated by tabs (VERDICT is ok, warnings, rejected or\n"
    "            skipped)\n"
    "  -Werror   treat warnings as errors\n"
    "  -v        print the time each phase took\n"
    "  --mapping FILE\n"
    "            field types from an Elasticsearch mapping (JSON)\n";

/* The diag's hook: keep the first message of each severity. */
static void
remember(void *ctx, enum diag_severity sev, const char *msg)
{
    struct check *c = ctx;
    if (!c->first[sev])
        c->first[sev] = arena_strdup(&c->a, msg);
}

/* Start a new record: its messages are counted from here. */
static void
record_start(struct check *c)
{
    c->errors = c->d.nerrors;
    c->warnings = c->d.nwarnings;
    c->first[DIAG_ERROR] = c->first[DIAG_WARNING] = NULL;
    c->first[DIAG_NOTE] = NULL;
}

/* The C of the one-rule program 'p', compiled with libtcc and dropped. */
static bool
jit_check(struct check *c, const struct ir_program *p)
{
    char *src = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&src, &len);
    if (!out || !emit_c(out, p) || fclose(out) != 0) {
        diag_plain(&c->d, DIAG_ERROR, "cannot hold the generated code in "
                   "memory");
        free(src);
        return false;
    }
    const struct krt_program *prog;
    struct jit_module *m = jit_compile(&c->d, src, "generated.c", &prog);
    free(src);
    if (!m) {
        c->status = KQLC_INTERNAL;
        return false;
    }
    jit_free(m);
    return true;
}

/* Parse, type, emit and JIT-compile 'r' alone. */
static void
check_rule(struct check *c, const struct rule *r)
{
    struct ir_program p = { 0 };
    p.origin = r->path;
    p.mapping = c->mapping;
    if (driver_add_rule(&c->a, &c->d, &p, r))
        jit_check(c, &p);
}

/* What the record comes to, from its kind and the messages it drew. */
static void
record_end(struct check *c, enum rulefile_record what, const struct rule *r)
{
    struct checked *k = arena_alloc(&c->a, sizeof *k);
    k->r = r;
    if (what == RULEFILE_SKIPPED) {
        k->v = V_SKIPPED;
        k->why = c->first[DIAG_NOTE];
    } else if (what == RULEFILE_BAD || c->d.nerrors > c->errors) {
        k->v = V_REJECTED;
        k->why = c->first[DIAG_ERROR];
    } else if (c->d.nwarnings > c->warnings) {
        k->v = V_WARNINGS;
        k->why = c->first[DIAG_WARNING];
    } else {
        k->v = V_OK;
    }
    ptrvec_push(&c->a, &c->records, k);
    record_start(c);
}

/* rulefile_each's callback: check one record as soon as it is read. */
static void
on_record(void *ctx, enum rulefile_record what, struct rule *r)
{
    struct check *c = ctx;
    if (what == RULEFILE_RULE) {
        driver_warn_duplicate(&c->d, &c->seen, r);
        ptrvec_push(&c->a, &c->seen, r);
        check_rule(c, r);
    }
    record_end(c, what, r);
}

/* ------------------------------------------------------------- cc */

/* Mark rule 'k' rejected: cc refused its C, kept at 'c_path'. */
static void
cc_rejected(struct check *c, struct checked *k, const char *c_path)
{
    record_start(c);
    diag_report(&c->d, &k->r->file, DIAG_ERROR, k->r->at, "internal "
                "error: the C compiler rejected the code generated for "
                "rule '%s' (kept in '%s'); this is a kqlc bug",
                rulefile_display_name(k->r), c_path);
    k->v = V_REJECTED;
    k->why = c->first[DIAG_ERROR];
    c->status = KQLC_INTERNAL;
    record_start(c);
}

/* The 'n' rules of 'batch', already reported on, as one program. */
static void
batch_program(struct check *c, struct checked **batch, size_t n,
              struct ir_program *p)
{
    struct diag quiet;
    diag_init(&quiet, c->muted);
    p->origin = "kqlc check";
    p->mapping = c->mapping;
    for (size_t i = 0; i < n; i++) {
        bool ok = driver_add_rule(&c->a, &quiet, p, batch[i]->r);
        assert(ok && "a rule that compiles alone compiles beside others");
        (void)ok;
    }
}

/* driver_cc, with what it says kept in '*said' (to free), to be shown
 * only when the fault is no code's (no cc, no runtime). */
static int
quiet_cc(struct check *c, const char *c_path, const char *bin, char **said)
{
    struct diag quiet;
    size_t len = 0;
    diag_init(&quiet, open_memstream(said, &len));
    if (!quiet.out)
        arena_oom();
    int rc = driver_cc(&quiet, c_path, bin, c->verbose);
    fclose(quiet.out);
    return rc;
}

/*
 * Compile the 'n' rules of 'batch' together with cc.  When cc rejects
 * them, halve the batch until the rules it rejects are found; the C of
 * each of those is kept for the bug report.  A failure that is not the
 * code's (no cc, no runtime) is reported once and ends the step.
 */
static void
cc_batch(struct check *c, struct checked **batch, size_t n)
{
    struct ir_program p = { 0 };
    char dir[DRIVER_TEMP_MAX], c_path[DRIVER_TEMP_MAX + 16];
    char bin[DRIVER_TEMP_MAX + 16];
    char *said = NULL;

    if (c->no_cc)
        return;
    batch_program(c, batch, n, &p);
    if (driver_temp_c(&p, dir, c_path)) {
        c->status = KQLC_USAGE;
        c->no_cc = true;
        return;
    }
    snprintf(bin, sizeof bin, "%s/detector", dir);
    int rc = quiet_cc(c, c_path, bin, &said);
    unlink(bin);
    if (rc == KQLC_INTERNAL && n == 1) {
        cc_rejected(c, batch[0], c_path);
    } else {
        unlink(c_path);
        rmdir(dir);
    }
    if (rc == KQLC_USAGE) {
        fputs(said, stderr);
        c->status = KQLC_USAGE;
        c->no_cc = true;
    } else if (rc == KQLC_INTERNAL && n > 1) {
        cc_batch(c, batch, n / 2);
        cc_batch(c, batch + n / 2, n - n / 2);
    }
    free(said);
}

/* Every rule that passed so far, compiled by cc in one program. */
static void
cc_check(struct check *c)
{
    struct checked **batch = arena_alloc(&c->a, (c->records.n + 1)
                                         * sizeof *batch);
    size_t n = 0;
    for (size_t i = 0; i < c->records.n; i++) {
        struct checked *k = c->records.items[i];
        if (k->v == V_OK || k->v == V_WARNINGS)
            batch[n++] = k;
    }
    if (n > 0)
        cc_batch(c, batch, n);
}

/* ---------------------------------------------------------- output */

/* 's' on one line: tabs and line ends become spaces; NULL is '-'. */
static void
put_field(const char *s)
{
    if (!s || !*s) {
        fputc('-', stdout);
        return;
    }
    for (; *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, stdout);
}

static void
print_list(const struct check *c)
{
    for (size_t i = 0; i < c->records.n; i++) {
        const struct checked *k = c->records.items[i];
        printf("%s\t%s:%u\t", verdict_name[k->v], k->r->path, k->r->line);
        put_field(k->r->rule_id);
        fputc('\t', stdout);
        put_field(k->r->name);
        fputc('\t', stdout);
        put_field(k->why);
        fputc('\n', stdout);
    }
}

/* The closing count; the exit status. */
static int
summary(const struct check *c)
{
    size_t count[4] = { 0 };
    for (size_t i = 0; i < c->records.n; i++) {
        const struct checked *k = c->records.items[i];
        count[k->v]++;
    }
    fflush(stderr);
    size_t rules = count[V_OK] + count[V_WARNINGS] + count[V_REJECTED]
                 + count[V_SKIPPED];
    printf("%zu rule%s: %zu ok, %zu with warnings, %zu rejected", rules,
           rules == 1 ? "" : "s", count[V_OK], count[V_WARNINGS],
           count[V_REJECTED]);
    if (count[V_SKIPPED])
        printf(", %zu skipped (not KQL)", count[V_SKIPPED]);
    putchar('\n');
    if (c->status != KQLC_OK)
        return c->status;
    return count[V_REJECTED] ? KQLC_REJECTED : KQLC_OK;
}

/* ----------------------------------------------------------- command */

/* Parse the options into 'c' and 'files'; -1 to go on, else a status. */
static int
parse_check_options(int argc, char **argv, struct check *c, char **files,
                    int *nfiles)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(check_usage, stdout);
            return KQLC_OK;
        } else if (!strcmp(a, "--list")) {
            c->list = true;
        } else if (!strcmp(a, "-Werror")) {
            c->d.werror = true;
        } else if (!strcmp(a, "-v")) {
            c->verbose = true;
        } else if (!strcmp(a, "--mapping") && i + 1 < argc) {
            c->mapping_path = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "kqlc: error: unknown option '%s'\n%s", a,
                    check_usage);
            return KQLC_USAGE;
        } else {
            files[(*nfiles)++] = argv[i];
        }
    }
    if (*nfiles == 0) {
        fprintf(stderr, "kqlc: error: check needs rule files\n%s",
                check_usage);
        return KQLC_USAGE;
    }
    return -1;
}

/* Load and check every file, then cc the rules that passed. */
static void
check_files(struct check *c, char **files, int nfiles)
{
    double t0 = driver_now_ms();
    record_start(c);
    for (int i = 0; i < nfiles; i++) {
        if (rulefile_each(&c->a, &c->d, files[i], on_record, c)
            == RULEFILE_IO_ERROR && c->status == KQLC_OK)
            c->status = KQLC_USAGE;
        /* An unreadable file is no rule's fault. */
        record_start(c);
    }
    if (c->verbose)
        fprintf(stderr, "kqlc: load, parse, type and JIT compile: "
                "%.2f ms\n", driver_now_ms() - t0);
    t0 = driver_now_ms();
    cc_check(c);
    if (c->verbose)
        fprintf(stderr, "kqlc: cc: %.2f ms\n", driver_now_ms() - t0);
}

int
cmd_check(int argc, char **argv)
{
    struct check c = { 0 };
    char **files = calloc((size_t)argc + 1, sizeof *files);
    int nfiles = 0;
    diag_init(&c.d, stderr);
    c.d.hook = remember;
    c.d.hook_ctx = &c;
    int status = parse_check_options(argc, argv, &c, files, &nfiles);
    if (status >= 0)
        goto out_files;
    status = driver_load_mapping(c.mapping_path, c.d.werror, &c.mapping);
    if (status != KQLC_OK)
        goto out_files;
    c.muted = fopen("/dev/null", "w");
    if (!c.muted) {
        fprintf(stderr, "kqlc: error: cannot open '/dev/null': %s\n",
                strerror(errno));
        status = KQLC_USAGE;
        goto out_files;
    }
    arena_init(&c.a);
    check_files(&c, files, nfiles);
    if (c.list)
        print_list(&c);
    status = summary(&c);
    arena_free(&c.a);
    fclose(c.muted);
out_files:
    mapping_free(c.mapping);
    free(files);
    return status;
}
