/*
 * test_runtime_pipe.c - a run on several threads (krt_pipe.c) against
 * the run on one: the same output, messages and counters, on inputs made
 * to cross the pipeline's block edges: lines longer than the line cap
 * and than a block, a byte order mark, CR LF, blank and malformed lines,
 * no final newline, empty and missing files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "runtime_test.h"

enum { PORT, PAD };

static const struct krt_field fields[] = {
    [PORT] = { .path = "destination.port", .type = KRT_LONG },
    [PAD] = { .path = "pad", .type = KRT_KEYWORD },
};

static const struct krt_i64_range port26[] = { { 26, 26 } };
static const struct krt_str padx[] = { { 1, "x" } };

static bool
match_port(struct krt_event *ev)
{
    return krt_any_long_in(ev, PORT, port26, 1);
}

static bool
match_pad(struct krt_event *ev)
{
    return krt_any_kw_in(ev, PAD, padx, 1);
}

static const struct krt_rule rules[] = {
    { .name = "Port 26", .rule_id = "id-1", .severity = "low",
      .risk_score = 21, .match = match_port },
    { .name = "Pad x", .rule_id = "id-2", .severity = "high",
      .risk_score = 73, .match = match_pad },
};

static const struct krt_program prog = {
    .abi = KRT_ABI_VERSION, .generator = "kqlc test", .fields = fields,
    .nfields = 2, .rules = rules, .nrules = 2,
};

/* ---------------------------------------------------------- running */

static char dir[] = "/tmp/krt-pipe-XXXXXX";
static char old_cwd[4096];

static int
setup(void **state)
{
    (void)state;
    if (!getcwd(old_cwd, sizeof old_cwd) || !mkdtemp(dir) || chdir(dir))
        return -1;
    return 0;
}

static int
teardown(void **state)
{
    char cmd[64];

    (void)state;
    if (chdir(old_cwd))
        return -1;
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* All of 'f', from its start, as a string. */
static char *
slurp(FILE *f)
{
    long n;
    char *s;

    fflush(f);
    n = ftell(f);
    s = malloc((size_t)n + 1);
    assert_non_null(s);
    rewind(f);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    return s;
}

struct result {
    int status;
    struct krt_counters c;
    char *out;
    char *log;
};

/* Run the files 'files' in 'format' on 'threads' threads. */
static void
run(struct result *r, char **files, int nfiles, enum krt_format format,
    size_t max_line, int threads)
{
    FILE *out = tmpfile(), *log = tmpfile();
    struct krt_options opt;

    assert_non_null(out);
    assert_non_null(log);
    krt_options_init(&opt, "det");
    opt.files = files;
    opt.nfiles = nfiles;
    opt.format = format;
    opt.quiet = true;
    opt.max_line = max_line;
    opt.threads = threads;
    opt.out_fd = fileno(out);
    krt_log_setup(KRT_LOG_INFO, log);
    r->status = krt_run(&prog, &opt, NULL, NULL, &r->c);
    krt_log_setup(KRT_LOG_INFO, NULL);
    r->out = slurp(out);
    r->log = slurp(log);
    fclose(out);
    fclose(log);
}

/* The run on 2 and 3 threads gives what the run on one gives. */
static void
same(char **files, int nfiles, enum krt_format format, size_t max_line,
     struct result *one)
{
    run(one, files, nfiles, format, max_line, 1);
    for (int t = 2; t <= 3; t++) {
        struct result r;

        run(&r, files, nfiles, format, max_line, t);
        assert_int_equal(r.status, one->status);
        assert_string_equal(r.out, one->out);
        assert_string_equal(r.log, one->log);
        assert_true(r.c.lines == one->c.lines);
        assert_true(r.c.events == one->c.events);
        assert_true(r.c.malformed == one->c.malformed);
        assert_true(r.c.blank == one->c.blank);
        assert_true(r.c.alerts == one->c.alerts);
        assert_true(r.c.bytes == one->c.bytes);
        assert_int_equal(r.c.nfirst, one->c.nfirst);
        for (krt_u32 i = 0; i < r.c.nfirst; i++) {
            assert_int_equal(r.c.first_malformed[i].file,
                             one->c.first_malformed[i].file);
            assert_true(r.c.first_malformed[i].line
                        == one->c.first_malformed[i].line);
        }
        free(r.out);
        free(r.log);
    }
}

static void
result_free(struct result *r)
{
    free(r->out);
    free(r->log);
}

/* -------------------------------------------------------- the input */

static krt_u64 seed = 0x853c49e6748fea9bull;

static krt_u32
rnd(krt_u32 n)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (krt_u32)(seed >> 32) % n;
}

/* One line, now and then broken, blank, long or ended by CR. */
static void
put_line(FILE *f, krt_u32 pad)
{
    static const char *const broken[] = {
        "{\"destination.port\":26", "not json", "{\"a\":1,\"a\":2}", "[]",
    };
    krt_u32 r = rnd(40);

    if (r == 0) {
        fputs(broken[rnd(4)], f);
    } else if (r == 1) {
        fputs(r == 1 && rnd(2) ? "" : "  \t", f);
    } else {
        fprintf(f, "{\"destination\":{\"port\":%u},\"pad\":\"", 24 + rnd(4));
        for (krt_u32 i = 0; i < pad; i++)
            fputc('x', f);
        fputs("\"}", f);
        if (r == 2)
            fputc('\r', f);
    }
    fputc('\n', f);
}

/* About 'bytes' bytes of lines, with long ones now and then. */
static void
write_events(const char *name, size_t bytes, bool bom, bool last_newline)
{
    FILE *f = fopen(name, "wb");

    assert_non_null(f);
    if (bom)
        fputs("\xef\xbb\xbf", f);
    while ((size_t)ftell(f) < bytes) {
        krt_u32 r = rnd(100);

        put_line(f, r == 0 ? 2000 + rnd(3000) : r < 50 ? rnd(3) : rnd(300));
    }
    if (!last_newline)
        fputs("{\"destination\":{\"port\":26}}", f);
    assert_int_equal(fclose(f), 0);
}

/* ------------------------------------------------------------- tests */

/* Several megabytes, in every format, with a cap under some lines. */
static void
test_many_lines(void **state)
{
    char *files[] = { "a.ndjson" };
    static const enum krt_format formats[] = {
        KRT_FORMAT_EVENT, KRT_FORMAT_ALERT, KRT_FORMAT_LINES, KRT_FORMAT_COUNT
    };
    struct result one;

    (void)state;
    write_events("a.ndjson", 6u << 20, true, false);
    for (int i = 0; i < 4; i++) {
        same(files, 1, formats[i], 3000, &one);
        assert_true(one.c.malformed > 100);
        assert_true(one.c.alerts > 1000);
        assert_true(one.c.blank > 100);
        result_free(&one);
    }
}

/* Several files, one missing, one empty, one only a byte order mark. */
static void
test_files(void **state)
{
    char *files[] = { "b.ndjson", "missing.ndjson", "empty.ndjson",
                      "bom.ndjson", "c.ndjson", "b.ndjson" };
    FILE *f;
    struct result one;

    (void)state;
    write_events("b.ndjson", 300000, false, true);
    write_events("c.ndjson", 2u << 20, true, true);
    f = fopen("empty.ndjson", "wb");
    assert_non_null(f);
    fclose(f);
    f = fopen("bom.ndjson", "wb");
    assert_non_null(f);
    fputs("\xef\xbb\xbf", f);
    fclose(f);
    same(files, 6, KRT_FORMAT_LINES, KRT_MAX_LINE, &one);
    assert_int_equal(one.status, 2);
    assert_non_null(strstr(one.log, "cannot open 'missing.ndjson'"));
    result_free(&one);
}

/*
 * Lines longer than a block of the pipeline (a megabyte), under and over
 * the cap, at the start, in the middle and at the end of a file.
 */
static void
test_lines_longer_than_a_block(void **state)
{
    char *files[] = { "long.ndjson" };
    FILE *f = fopen("long.ndjson", "wb");
    struct result one;

    (void)state;
    assert_non_null(f);
    for (int k = 0; k < 5; k++) {
        size_t n = (size_t)(k + 1) * 700000;

        fputs("{\"destination\":{\"port\":26},\"pad\":\"", f);
        for (size_t i = 0; i < n; i++)
            fputc('y', f);
        fputs("\"}\n", f);
        for (int i = 0; i < 100; i++)
            put_line(f, 3);
    }
    fputs("{\"pad\":\"", f);
    for (size_t i = 0; i < 2500000; i++)
        fputc('z', f);
    assert_int_equal(fclose(f), 0);
    same(files, 1, KRT_FORMAT_LINES, KRT_MAX_LINE, &one);
    assert_true(one.c.alerts >= 5);
    result_free(&one);
    same(files, 1, KRT_FORMAT_LINES, 1500000, &one);
    assert_true(one.c.malformed >= 4);
    assert_non_null(strstr(one.log, "line longer than 1500000 bytes"));
    result_free(&one);
    same(files, 1, KRT_FORMAT_ALERT, 100, &one);
    result_free(&one);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_lines),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_lines_longer_than_a_block),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
