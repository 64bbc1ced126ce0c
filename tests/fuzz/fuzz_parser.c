/*
 * fuzz_parser.c - libFuzzer target: the KQL front end on arbitrary
 * bytes, and what follows it when they parse.
 *
 * Each input is a query.  It is parsed (diagnostics printed, carets and
 * all, to /dev/null), printed as Kibana's JSON, typed against ECS,
 * dumped as IR and emitted as C; then the reference interpreter runs it
 * over a few events that give every field it reads values of each kind.
 * A crash, a sanitizer report or a failed assertion is a finding; what
 * the answers are is the business of the differential tests.
 *
 *     make fuzz FUZZ_SECONDS=60      (see the Makefile's fuzz section)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "emit.h"
#include "interp.h"
#include "ir.h"
#include "krt_date.h"
#include "krt_run.h"
#include "parse.h"
#include "sema.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The most fields a program run by the interpreter reads. */
#define MAX_FIELDS 64

/* Where every printed thing goes: formatted, then dropped. */
static FILE *sink;

/* The values each field of an event gets, one array per event. */
static const char *const values[] = {
    "[\"root\",26,\"192.0.2.7\",\"2001:db8::1\",true,null]",
    "[\"2024-01-02T03:04:05.678Z\",1704164645678,\"-0.0\",1e308,\"x y-z\"]",
    "[{\"name\":\"cmd.exe\",\"port\":26},[\"\",\"\\u00e9*\\\\\"],false]",
    "\"The Quick brown-fox's 3.14 jumps\"",
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sink = fopen("/dev/null", "w");
    if (!sink)
        abort();
    krt_log_setup(KRT_LOG_ERROR, sink);
    return 0;
}

/* A growing NUL-terminated line of text. */
struct text_buf {
    char *p;
    size_t n, cap;
};

static void
buf_put(struct text_buf *b, const char *s, size_t n)
{
    if (b->cap - b->n < n + 1) {
        while (b->cap - b->n < n + 1)
            b->cap = b->cap ? b->cap * 2 : 256;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

/* 'path' as a JSON string into 'out', or false when it holds a control
 * character (the event is then skipped). */
static bool
put_key(struct text_buf *out, const char *path)
{
    buf_put(out, "\"", 1);
    for (const char *s = path; *s; s++) {
        if ((unsigned char)*s < 0x20)
            return false;
        if (*s == '"' || *s == '\\')
            buf_put(out, "\\", 1);
        buf_put(out, s, 1);
    }
    buf_put(out, "\"", 1);
    return true;
}

/*
 * Run the interpreter on every rule of 'p' over events whose fields all
 * hold the values of one line of 'values'.
 */
static void
run_interp(struct arena *a, const struct ir_program *p)
{
    const struct krt_program *prog = interp_program(a, p);
    char why[256];
    struct krt_i64_range *dates = krt_dates_resolve(prog, 1704164645678,
                                                    why, sizeof why);
    struct krt_scanner *sc = krt_scanner_new(prog->fields, prog->nfields);

    /* a pattern such as '*' names thousands of fields: slow, not new */
    if (!dates || !sc || prog->nfields > MAX_FIELDS) {
        free(dates);
        krt_scanner_free(sc);
        return;
    }
    krt_scanner_set_dates(sc, dates, prog->ndates);
    for (size_t k = 0; k < sizeof values / sizeof values[0]; k++) {
        struct text_buf line = { 0 };
        struct krt_event *ev;
        struct krt_scan_error err;
        bool ok = true;

        buf_put(&line, "{", 1);
        for (krt_u32 f = 0; ok && f < prog->nfields; f++) {
            if (f)
                buf_put(&line, ",", 1);
            ok = put_key(&line, prog->fields[f].path);
            buf_put(&line, ":", 1);
            buf_put(&line, values[k], strlen(values[k]));
        }
        buf_put(&line, "}", 1);
        if (ok && krt_scan_line(sc, line.p, line.n, &ev, &err)
                      == KRT_SCAN_EVENT) {
            for (size_t r = 0; r < p->rules.n; r++) {
                const struct ir_rule *rule = p->rules.items[r];
                fprintf(sink, "%d", interp_eval(rule->root, ev));
            }
        }
        free(line.p);
    }
    krt_scanner_free(sc);
    free(dates);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct diag_source src = { "<fuzz>", text, size, 0, NULL, 0 };
    struct ir_program p = { 0 };
    struct parse_error perr;
    struct ast_query q;
    struct arena a;
    struct diag d;

    arena_init(&a);
    diag_init(&d, sink);
    if (parse_query(&a, &d, &src, text, size, &q, &perr)) {
        struct ir_rule *r = arena_alloc(&a, sizeof *r);

        ast_print_json(sink, &q);
        ast_print_tree(sink, &q);
        r->name = "fuzz";
        r->rule_id = "fuzz";
        r->severity = "low";
        r->tactics = arena_alloc(&a, sizeof(struct ir_tactic));
        r->query = text;
        r->query_len = size;
        r->src = &src;
        r->root = sema_query(&a, &d, &src, &p, &q);
        if (r->root) {
            ptrvec_push(&a, &p.rules, r);
            p.origin = "fuzz";
            ir_dump(sink, &p);
            emit_c(sink, &p);
            run_interp(&a, &p);
        }
    }
    arena_free(&a);
    return 0;
}
