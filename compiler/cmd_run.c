/*
 * cmd_run.c - 'kqlc run': compile rules in memory and run them over
 * events at once, with the JIT (libtcc) or the reference interpreter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "driver.h"
#include "emit.h"
#include "interp.h"
#include "jit.h"
#include "krt_run.h"
#include "krt_select.h"
#include "mapping.h"

enum engine { ENGINE_JIT, ENGINE_INTERP };

struct run_options {
    struct driver_input in;
    enum engine engine;
    bool werror;
    bool verbose;      /* -v: phase timings on stderr */
    int det_argc;      /* the detector's options and event files */
    char **det_argv;
    const char *mapping;  /* --mapping FILE, or NULL */
};

static const char run_usage[] =
    "usage: kqlc run [--engine jit|interp] RULEFILE... [OPTIONS] [FILE...]\n"
    "       kqlc run [--engine jit|interp] --query 'KQL' [OPTIONS] "
    "[FILE...]\n"
    "\n"
    "Compile the rules in memory and run them over NDJSON events (the\n"
    "files, or standard input), with the output of a built detector.\n"
    "Arguments ending in .toml or .kql are rule files; --rules FILE names\n"
    "one explicitly (a Kibana export, .ndjson, needs it: events are\n"
    "NDJSON too).  Everything else goes to the detector.\n"
    "\n"
    "  --engine jit     compile with libtcc and run (the default)\n"
    "  --engine interp  evaluate with the reference interpreter\n"
    "  --query KQL      run one query instead of rule files\n"
    "  --rules FILE     a rule file, whatever its name\n"
    "  --mapping FILE   field types from an Elasticsearch mapping (JSON)\n"
    "  -Werror          treat warnings as errors\n"
    "  -v               print the time each phase took\n"
    "  --format event|alert|lines|count, --dataset NAME, --quiet,\n"
    "  --threads N:     as for a detector (the JIT compiles once, before\n"
    "                   any thread starts)\n"
    "  --now DATE       the clock 'now' reads (ISO 8601 or epoch ms), as\n"
    "                   for a detector; by default, when the run starts\n";

static bool
is_rule_file(const char *a)
{
    size_t n = strlen(a);
    return (n > 5 && !strcmp(a + n - 5, ".toml"))
        || (n > 4 && !strcmp(a + n - 4, ".kql"));
}

/* Split the arguments; -1 to go on, else an exit status. */
static int
parse_run_options(int argc, char **argv, struct run_options *o)
{
    memset(o, 0, sizeof *o);
    o->in.files = calloc((size_t)argc + 1, sizeof(char *));
    o->det_argv = calloc((size_t)argc + 2, sizeof(char *));
    o->det_argv[o->det_argc++] = "kqlc run";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_next = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(run_usage, stdout);
            return KQLC_OK;
        } else if (!strcmp(a, "--engine") && has_next) {
            const char *e = argv[++i];
            if (strcmp(e, "jit") && strcmp(e, "interp")) {
                fprintf(stderr, "kqlc: error: unknown engine '%s' (jit or "
                        "interp)\n", e);
                return KQLC_USAGE;
            }
            o->engine = !strcmp(e, "jit") ? ENGINE_JIT : ENGINE_INTERP;
        } else if (!strcmp(a, "--query") && has_next) {
            o->in.query = argv[++i];
        } else if (!strcmp(a, "--mapping") && has_next) {
            o->mapping = argv[++i];
        } else if (!strcmp(a, "--rules") && has_next) {
            o->in.files[o->in.nfiles++] = argv[++i];
        } else if (!strcmp(a, "-Werror")) {
            o->werror = true;
        } else if (!strcmp(a, "-v")) {
            o->verbose = true;
        } else if (is_rule_file(a)) {
            o->in.files[o->in.nfiles++] = argv[i];
        } else {
            o->det_argv[o->det_argc++] = argv[i];
        }
    }
    if ((o->in.nfiles == 0) == (o->in.query == NULL)) {
        fprintf(stderr, "kqlc: error: give rule files or --query, not "
                "both or neither\n%s", run_usage);
        return KQLC_USAGE;
    }
    return -1;
}

/* The emitted C, compiled in memory. */
static struct jit_module *
jit_program(const struct ir_program *p, const struct krt_program **prog)
{
    char *c = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&c, &len);
    if (!out || !emit_c(out, p) || fclose(out) != 0) {
        fputs("kqlc: error: cannot hold the generated code in memory\n",
              stderr);
        free(c);
        return NULL;
    }
    struct diag d;
    diag_init(&d, stderr);
    struct jit_module *m = jit_compile(&d, c, "generated.c", prog);
    free(c);
    return m;
}

/* What the interpreter's event hook reads: the rules and their
 * program (for its gates). */
struct interp_ctx {
    const struct ir_program *p;
    const struct krt_program *prog;
};

/* The interpreter's event hook: evaluate the rules the gates select
 * (krt_select.h), or every rule. */
static void
interp_event(struct krt_run *run, struct krt_event *ev, void *ctx)
{
    const struct interp_ctx *c = ctx;
    const krt_u32 *sel;
    krt_u32 nsel;

    if (krt_select_rules(ev, c->prog, &sel, &nsel)) {
        for (krt_u32 k = 0; k < nsel; k++) {
            const struct ir_rule *r = c->p->rules.items[sel[k]];
            if (interp_eval(r->root, ev))
                krt_run_alert(run, sel[k]);
        }
        return;
    }
    for (size_t i = 0; i < c->p->rules.n; i++) {
        const struct ir_rule *r = c->p->rules.items[i];
        if (interp_eval(r->root, ev))
            krt_run_alert(run, (krt_u32)i);
    }
}

static int
run_program(struct arena *a, struct ir_program *p, struct run_options *o)
{
    const struct krt_program *prog = NULL;
    struct jit_module *m = NULL;
    double t0 = driver_now_ms();
    if (o->engine == ENGINE_JIT) {
        m = jit_program(p, &prog);
        if (!m)
            return KQLC_INTERNAL;
    } else {
        prog = interp_program(a, p);
    }
    if (o->verbose)
        fprintf(stderr, "kqlc: %s: %.2f ms\n", o->engine == ENGINE_JIT
                ? "emit and JIT compile" : "interpreter set-up",
                driver_now_ms() - t0);
    struct krt_options opt;
    krt_options_init(&opt, "kqlc run");
    int status = krt_options_parse(&opt, prog, o->det_argc, o->det_argv);
    struct interp_ctx ctx = { p, prog };
    if (status == KRT_RUN_GO)
        status = krt_run(prog, &opt,
                         o->engine == ENGINE_INTERP ? interp_event : NULL,
                         &ctx, NULL);
    jit_free(m);
    return status;
}

int
cmd_run(int argc, char **argv)
{
    struct run_options o;
    int status = parse_run_options(argc, argv, &o);
    if (status >= 0)
        goto out_options;
    struct mapping *m;
    status = driver_load_mapping(o.mapping, o.werror, &m);
    if (status != KQLC_OK)
        goto out_options;
    o.in.mapping = m;
    struct arena a;
    arena_init(&a);
    struct ir_program p;
    struct diag d;
    diag_init(&d, stderr);
    d.werror = o.werror;
    double t0 = driver_now_ms();
    status = driver_compile(&a, &d, &o.in, &p);
    if (o.verbose)
        fprintf(stderr, "kqlc: load, parse and type: %.2f ms\n",
                driver_now_ms() - t0);
    if (status == KQLC_OK)
        status = run_program(&a, &p, &o);
    arena_free(&a);
    mapping_free(m);
out_options:
    free(o.in.files);
    free(o.det_argv);
    return status;
}
