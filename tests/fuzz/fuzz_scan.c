/*
 * fuzz_scan.c - libFuzzer target: the event scanner against jansson.
 *
 * An input is split into lines at '\n', as a detector splits its input.
 * Each line goes through the comparison of tests/unit/scan_oracle.h on
 * every scan path this CPU has (the reference scan, and the structural
 * scan in portable C, SSE2, AVX2 and AVX-512, krt_fast.h): with scanners
 * kept for the whole input, over a fixed set of field paths (plain,
 * dotted, nested, non-ASCII), and, when jansson takes the line, with a
 * scanner made for it over every path jansson finds a scalar at and
 * each object above one.  Scanner and jansson must agree on
 * whether the line is malformed (with the documented exceptions the
 * header lists), on why, and on every value at every path.  A
 * difference aborts with the line; so does a malformed line's column
 * outside the line, or a crash or sanitizer report.
 *
 *     make fuzz FUZZ_SECONDS=60      (see the Makefile's fuzz section)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "krt_run.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

#define ORACLE_FAIL(...) fail(__VA_ARGS__)
#include "scan_oracle.h"

/* Paths jansson finds, at most, that a line's own scanner is made for. */
#define MAX_DERIVED 64

#define KW(p) { .path = (p), .type = KRT_KEYWORD }

static const struct krt_field fixed[] = {
    KW("a"), KW("b"), KW("c"), KW("a.b"), KW("b.c"), KW("a.b.c"), KW("x"),
    KW("a.x"), KW("x.a"), KW("\xc3\xa9"), KW("a.\xc3\xa9"), KW("source.ip"),
    KW("destination.port"), KW("event.category"), KW("@timestamp"),
    KW("user.name"),
};

#define NFIXED ((krt_u32)(sizeof fixed / sizeof fixed[0]))

static const enum krt_scan_path paths[] = {
    KRT_PATH_REFERENCE, KRT_PATH_PORTABLE, KRT_PATH_SSE2, KRT_PATH_AVX2,
    KRT_PATH_AVX512,
};

#define NPATHS (sizeof paths / sizeof paths[0])

static void
fail(const char *fmt, ...)
{
    va_list ap;

    fputs("fuzz_scan: the scanner and jansson differ: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

/* Whether 'path' is already one of the first 'n' of 'f'. */
static bool
has_path(const struct krt_field *f, krt_u32 n, const char *path)
{
    for (krt_u32 i = 0; i < n; i++) {
        if (strcmp(f[i].path, path) == 0)
            return true;
    }
    return false;
}

/*
 * Add 'path' and every path above it (cut at its dots) to 'f' (of '*n'
 * fields), each once, copied; false when 'f' is full.
 */
static bool
add_paths(struct krt_field *f, krt_u32 *n, const char *path)
{
    size_t len = strlen(path);

    for (size_t i = 1; i <= len; i++) {
        char *sub;

        if (i < len && path[i] != '.')
            continue;
        sub = strndup(path, i);
        if (!sub)
            abort();
        if (has_path(f, *n, sub)) {
            free(sub);
            continue;
        }
        if (*n == NFIXED + MAX_DERIVED) {
            free(sub);
            return false;
        }
        f[(*n)++] = (struct krt_field){ .path = sub, .type = KRT_KEYWORD };
    }
    return true;
}

/*
 * The line compared with a scanner over the paths jansson finds in it,
 * when jansson takes it and it falls in no class the oracle leaves out.
 */
static void
compare_derived(const char *line, size_t len)
{
    struct krt_field f[NFIXED + MAX_DERIVED];
    struct classes c = classify(line, len);
    struct text alt = { 0 };
    struct oracle o = { 0 };
    struct tally t = { 0 };
    json_error_t e;
    long lone = 0;
    krt_u32 n = NFIXED;
    json_t *j;

    if (c.blank || c.deep || c.huge || c.nul_key)
        return;
    j = oracle_load(line, len, &alt, &lone, &e);
    free(alt.p);
    if (!json_is_object(j) || has_bad_name(j)) {
        json_decref(j);
        return;
    }
    memcpy(f, fixed, sizeof fixed);
    flatten(&o, j, "", true);
    for (size_t i = 0; i < o.n; i++) {
        if (!has_lone_mark(o.items[i].path)
            && !add_paths(f, &n, o.items[i].path))
            break;
    }
    oracle_free(&o);
    json_decref(j);

    struct krt_scanner *sc = krt_scanner_new(f, n);
    struct oracle_fields fs = { f, n };
    if (!sc)
        abort();
    for (size_t i = 0; i < NPATHS; i++) {
        if (krt_scanner_set_path(sc, paths[i]))
            compare_line(sc, &fs, line, len, &t);
    }
    krt_scanner_free(sc);
    for (krt_u32 i = NFIXED; i < n; i++)
        free((char *)f[i].path);
}

/* A malformed line's column lies within it, or just past its end. */
static void
check_column(struct krt_scanner *sc, const char *line, size_t len)
{
    struct krt_event *ev;
    struct krt_scan_error err = { 0, NULL };

    if (krt_scan_line(sc, line, len, &ev, &err) != KRT_SCAN_MALFORMED)
        return;
    if (err.col < 1 || err.col > len + 1 || !err.reason)
        fail("column %zu of a line of %zu bytes", err.col, len);
    if (krt_char_column(line, len, err.col) > err.col)
        fail("character column past byte column %zu", err.col);
}

/* One scanner over the fixed fields for each path this CPU has. */
static struct krt_scanner *scanners[NPATHS];
static size_t nscanners;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (size_t i = 0; i < NPATHS; i++) {
        struct krt_scanner *sc = krt_scanner_new(fixed, NFIXED);

        if (!sc)
            abort();
        if (krt_scanner_set_path(sc, paths[i]))
            scanners[nscanners++] = sc;
        else
            krt_scanner_free(sc);
    }
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct oracle_fields fs = { fixed, NFIXED };
    const char *p = (const char *)data, *end = p + size;
    struct tally t = { 0 };

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl ? nl : end) - p);
        /* a copy of its own, so that a read past the line is caught */
        char *line = malloc(len ? len : 1);

        if (!line)
            abort();
        memcpy(line, p, len);
        for (size_t i = 0; i < nscanners; i++) {
            compare_line(scanners[i], &fs, line, len, &t);
            check_column(scanners[i], line, len);
        }
        compare_derived(line, len);
        free(line);
        p += len + 1;
    }
    return 0;
}
