/*
 * fuzz_rulefile.c - libFuzzer target: the rule-file loaders on arbitrary
 * bytes.
 *
 * The first byte of an input chooses the loader, as a file's name would:
 * 0 a detection-rules TOML file (toml++ through toml_shim.cc), 1 a
 * Kibana export (.ndjson), 2 a rule written over many lines (.json),
 * 3 a bare query (.kql); the other bytes are the file.  Every rule the
 * loader gives is typed (its diagnostics printed, through the file's
 * line and column map, to /dev/null), checked for a repeated rule_id,
 * and the program emitted as C.  A crash, a sanitizer report or a failed
 * assertion is a finding.
 *
 *     make fuzz FUZZ_SECONDS=60      (see the Makefile's fuzz section)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "driver.h"
#include "emit.h"
#include "ir.h"
#include "krt_run.h"
#include "rulefile.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink;

/* The name each loader is chosen by. */
static const char *const names[] = {
    "fuzz.toml", "fuzz.ndjson", "fuzz.json", "fuzz.kql",
};

/* The loaded rules of one input, compiled as they come. */
struct run {
    struct arena *a;
    struct diag *d;
    struct ir_program *p;
    struct ptrvec seen;
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

static void
on_record(void *ctx, enum rulefile_record what, struct rule *r)
{
    struct run *run = ctx;

    fprintf(sink, "%s\n", rulefile_display_name(r));
    if (what != RULEFILE_RULE)
        return;
    driver_warn_duplicate(run->d, &run->seen, r);
    ptrvec_push(run->a, &run->seen, r);
    driver_add_rule(run->a, run->d, run->p, r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ir_program p = { 0 };
    struct arena a;
    struct diag d;
    struct run run = { &a, &d, &p, { 0 } };
    char *text;

    if (size == 0)
        return 0;
    /* the loaders read a file as the arena holds it: a NUL after it */
    text = malloc(size);
    if (!text)
        abort();
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    arena_init(&a);
    diag_init(&d, sink);
    rulefile_each_text(&a, &d, names[data[0] % 4], text, size - 1,
                       on_record, &run);
    if (p.rules.n > 0) {
        p.origin = "fuzz";
        emit_c(sink, &p);
    }
    arena_free(&a);
    free(text);
    return 0;
}
