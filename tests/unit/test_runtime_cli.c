/*
 * test_runtime_cli.c - the detector's run: input files (plain, gzip,
 * zstd, standard input), output formats, counters, messages, --dataset,
 * the command line, and output failures.  Runs krt_run on a small
 * program written here, in a temporary directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>
#include <zlib.h>
#include <zstd.h>

#include "krt_io.h"
#include "runtime_test.h"

/* ---------------------------------------------------------- program */

enum { PORT, DS, TRANSPORT };

static const struct krt_field fields[] = {
    [PORT] = { "destination.port", KRT_LONG, 0 },
    [DS] = { "data_stream.dataset", KRT_CONSTANT_KEYWORD, 0 },
    [TRANSPORT] = { "network.transport", KRT_KEYWORD, 0 },
};

static const struct krt_i64_range port26[] = { { 26, 26 } };
static const struct krt_str smtp[] = { { 9, "zeek.smtp" } };

static bool
match_port(struct krt_event *ev)
{
    return krt_any_long_in(ev, PORT, port26, 1);
}

static bool
match_dataset(struct krt_event *ev)
{
    return krt_any_kw_in(ev, DS, smtp, 1);
}

static const struct krt_tactic tactics[] = {
    { "TA0011", "Command and \"Control\"" },
    { "TA0010", "Exfil\\tration\n" },
};

static const struct krt_rule rules[] = {
    { "Port 26 \xc3\xa9", "id-1", "low", 21, tactics, 2, match_port, 0 },
    { "Dataset", "id-2", "high", 73, NULL, 0, match_dataset, 0 },
};

static const struct krt_program prog = {
    KRT_ABI_VERSION, "kqlc test", fields, 3, rules, 2, NULL, 0, NULL, 0,
};

/* The same fields with the port rule alone. */
static const struct krt_program prog_port = {
    KRT_ABI_VERSION, "kqlc test", fields, 3, rules, 1, NULL, 0, NULL, 0,
};

/* ---------------------------------------------------------- running */

static char dir[] = "/tmp/krt-cli-XXXXXX";
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

static void
write_file(const char *name, const void *data, size_t len)
{
    FILE *f = fopen(name, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

#define WRITE(name, text) write_file(name, text, sizeof(text) - 1)

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

/* What a run gave: its status, counters, output and messages. */
struct result {
    int status;
    struct krt_counters c;
    char *out;
    char *log;
};

static void
result_free(struct result *r)
{
    free(r->out);
    free(r->log);
}

static void
run_with(struct result *r, const struct krt_program *p,
         struct krt_options *opt, krt_event_fn fn, void *ctx)
{
    FILE *out = tmpfile(), *log = tmpfile();

    assert_non_null(out);
    assert_non_null(log);
    opt->out_fd = fileno(out);
    krt_log_setup(KRT_LOG_INFO, log);
    r->status = krt_run(p, opt, fn, ctx, &r->c);
    krt_log_setup(KRT_LOG_INFO, NULL);
    r->out = slurp(out);
    r->log = slurp(log);
    fclose(out);
    fclose(log);
}

/* Run 'p' as the command line 'args' (NULL-terminated) would. */
static void
run_args(struct result *r, const struct krt_program *p, const char **args)
{
    char *argv[32];
    int argc = 0;
    struct krt_options opt;

    argv[argc++] = "det";
    while (*args)
        argv[argc++] = (char *)*args++;
    argv[argc] = NULL;
    krt_options_init(&opt, argv[0]);
    assert_int_equal(krt_options_parse(&opt, p, argc, argv), KRT_RUN_GO);
    run_with(r, p, &opt, NULL, NULL);
}

#define RUN(r, p, ...)                                                    \
    do {                                                                  \
        const char *args_[] = { __VA_ARGS__, NULL };                      \
        run_args(r, p, args_);                                            \
    } while (0)

static void
expect_counts(const struct result *r, krt_u64 lines, krt_u64 events,
              krt_u64 malformed, krt_u64 blank, krt_u64 alerts)
{
    assert_true(r->c.lines == lines);
    assert_true(r->c.events == events);
    assert_true(r->c.malformed == malformed);
    assert_true(r->c.blank == blank);
    assert_true(r->c.alerts == alerts);
    assert_true(r->c.lines == r->c.events + r->c.malformed + r->c.blank);
}

/* ------------------------------------------------------------ input */

#define MIXED                                                             \
    "{\"destination\":{\"port\":26}}\r\n"                                 \
    "\n"                                                                  \
    "{\"destination.port\":\"25\"}\n"                                     \
    "not json\n"                                                          \
    "  \r\n"                                                              \
    "{\"destination\":{\"port\":[1,\"26.9\"]},\"x\":\"\xc3\xa9\"}\n"      \
    "{\"destination\":{\"port\":26}\n"                                    \
    "{\"data_stream\":{\"dataset\":\"zeek.smtp\"},\"destination.port\":26}"

static void
test_event_format(void **state)
{
    struct result r;

    (void)state;
    WRITE("mixed.ndjson", MIXED);
    RUN(&r, &prog, "--quiet", "mixed.ndjson");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out,
        "{\"destination\":{\"port\":26}}\n"
        "{\"destination\":{\"port\":[1,\"26.9\"]},\"x\":\"\xc3\xa9\"}\n"
        "{\"data_stream\":{\"dataset\":\"zeek.smtp\"},"
        "\"destination.port\":26}\n");
    expect_counts(&r, 8, 4, 2, 2, 4);
    assert_true(r.c.bytes == sizeof(MIXED) - 1);
    assert_int_equal(r.c.nfirst, 2);
    assert_true(r.c.first_malformed[0].line == 4);
    assert_true(r.c.first_malformed[1].line == 7);
    assert_int_equal(r.c.first_malformed[1].file, 0);
    assert_string_equal(r.log,
        "mixed.ndjson:4:1: warning: malformed event: an event must be a JSON"
        " object\n"
        "mixed.ndjson:7:27: warning: malformed event: line ends inside an"
        " object\n");
    result_free(&r);
}

static void
test_summary(void **state)
{
    struct result r;
    char *tail;

    (void)state;
    WRITE("mixed.ndjson", MIXED);
    RUN(&r, &prog, "--format", "count", "mixed.ndjson");
    tail = strstr(r.log, "det: 8 lines = 4 events + 2 malformed + 2 blank,"
                         " 4 alerts, 202 bytes, ");
    assert_non_null(tail);
    assert_non_null(strstr(tail, " s; first malformed: 4, 7\n"));
    result_free(&r);
    RUN(&r, &prog, "--quiet", "mixed.ndjson");
    assert_null(strstr(r.log, "lines ="));
    assert_non_null(strstr(r.log, "warning: malformed event"));
    result_free(&r);
}

static void
test_alert_format(void **state)
{
    struct result r;
    json_error_t e;
    json_t *j;

    (void)state;
    WRITE("in.ndjson", "{\"destination\":{\"port\":26}}\r\n"
                       "{\"data_stream.dataset\":\"zeek.smtp\","
                       " \"destination.port\":\"26\"} \n");
    RUN(&r, &prog, "--format=alert", "in.ndjson");
    assert_string_equal(r.out,
        "{\"rule\":{\"name\":\"Port 26 \xc3\xa9\",\"rule_id\":\"id-1\","
        "\"severity\":\"low\",\"risk_score\":21,\"threat\":["
        "{\"tactic\":{\"id\":\"TA0011\",\"name\":\"Command and \\\"Control"
        "\\\"\"}},{\"tactic\":{\"id\":\"TA0010\",\"name\":\"Exfil\\\\tration"
        "\\n\"}}]},\"source\":{\"file\":\"in.ndjson\",\"line\":1},"
        "\"event\":{\"destination\":{\"port\":26}}}\n"
        "{\"rule\":{\"name\":\"Port 26 \xc3\xa9\",\"rule_id\":\"id-1\","
        "\"severity\":\"low\",\"risk_score\":21,\"threat\":["
        "{\"tactic\":{\"id\":\"TA0011\",\"name\":\"Command and \\\"Control"
        "\\\"\"}},{\"tactic\":{\"id\":\"TA0010\",\"name\":\"Exfil\\\\tration"
        "\\n\"}}]},\"source\":{\"file\":\"in.ndjson\",\"line\":2},"
        "\"event\":{\"data_stream.dataset\":\"zeek.smtp\","
        " \"destination.port\":\"26\"} }\n"
        "{\"rule\":{\"name\":\"Dataset\",\"rule_id\":\"id-2\","
        "\"severity\":\"high\",\"risk_score\":73,\"threat\":[]},"
        "\"source\":{\"file\":\"in.ndjson\",\"line\":2},"
        "\"event\":{\"data_stream.dataset\":\"zeek.smtp\","
        " \"destination.port\":\"26\"} }\n");
    /* each alert is one JSON document a line */
    j = json_loadb(r.out, strcspn(r.out, "\n"), 0, &e);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(json_object_get(
                            j, "rule"), "name")), "Port 26 \xc3\xa9");
    json_decref(j);
    expect_counts(&r, 2, 2, 0, 0, 3);
    result_free(&r);
}

static void
test_lines_and_count_formats(void **state)
{
    struct result r;

    (void)state;
    WRITE("a.ndjson", "{}\n{\"destination.port\":26}\n"
                      "{\"destination.port\":26,\"data_stream.dataset\":"
                      "\"zeek.smtp\"}\n");
    WRITE("b.ndjson", "{\"destination.port\":26}\n");
    RUN(&r, &prog, "--format", "lines", "a.ndjson");
    assert_string_equal(r.out, "2\n3\n");
    result_free(&r);
    RUN(&r, &prog, "a.ndjson", "--format", "lines", "b.ndjson");
    assert_string_equal(r.out, "a.ndjson:2\na.ndjson:3\nb.ndjson:1\n");
    result_free(&r);
    RUN(&r, &prog, "--format", "count", "a.ndjson", "b.ndjson");
    assert_string_equal(r.out, "4\n");
    expect_counts(&r, 4, 4, 0, 0, 4);
    result_free(&r);
    RUN(&r, &prog_port, "--format", "count", "a.ndjson");
    assert_string_equal(r.out, "2\n");
    result_free(&r);
    WRITE("none.ndjson", "");
    RUN(&r, &prog, "--format", "count", "none.ndjson");
    assert_string_equal(r.out, "0\n");
    expect_counts(&r, 0, 0, 0, 0, 0);
    result_free(&r);
}

static void
test_dataset_default(void **state)
{
    struct result r;

    (void)state;
    WRITE("ds.ndjson", "{}\n"
                       "{\"data_stream\":{\"dataset\":\"zeek.dns\"}}\n"
                       "{\"data_stream\":{\"dataset\":null}}\n"
                       "{\"data_stream.dataset\":\"zeek.smtp\"}\n");
    RUN(&r, &prog, "--format", "lines", "ds.ndjson");
    assert_string_equal(r.out, "4\n");
    result_free(&r);
    RUN(&r, &prog, "--format", "lines", "--dataset", "zeek.smtp",
        "ds.ndjson");
    assert_string_equal(r.out, "1\n3\n4\n");
    result_free(&r);
    RUN(&r, &prog, "--format", "lines", "--dataset=zeek.dns", "ds.ndjson");
    assert_string_equal(r.out, "4\n");
    result_free(&r);
}

/* Several files in order; one missing: reported, the others still read. */
static void
test_missing_file(void **state)
{
    struct result r;

    (void)state;
    WRITE("one.ndjson", "{\"destination.port\":26}\n");
    RUN(&r, &prog, "--format", "lines", "one.ndjson", "nope.ndjson",
        "one.ndjson");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "one.ndjson:1\none.ndjson:1\n");
    assert_non_null(strstr(r.log, "det: error: cannot open 'nope.ndjson': "
                                  "No such file or directory\n"));
    expect_counts(&r, 2, 2, 0, 0, 2);
    result_free(&r);
    RUN(&r, &prog, ".");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.log, "det: error: cannot read '.': "));
    result_free(&r);
}

/* At most ten malformed lines shown per file, then a count. */
static void
test_malformed_shown_per_file(void **state)
{
    struct result r;
    char text[400] = "";
    const char *line;
    int shown = 0;

    (void)state;
    for (int i = 0; i < 13; i++)
        strcat(text, "{\n");
    write_file("bad.ndjson", text, strlen(text));
    RUN(&r, &prog, "bad.ndjson", "bad.ndjson");
    for (line = r.log; (line = strstr(line, "warning: malformed")); line++)
        shown++;
    assert_int_equal(shown, 20);
    assert_non_null(strstr(r.log, "bad.ndjson:10:2: warning: malformed "
                                  "event: line ends where a key was expected"));
    assert_null(strstr(r.log, "bad.ndjson:11:2:"));
    assert_non_null(strstr(r.log, "bad.ndjson: note: 3 more malformed lines"
                                  " not shown\n"));
    assert_non_null(strstr(r.log, "first malformed: bad.ndjson:1, "
                                  "bad.ndjson:2, bad.ndjson:3, bad.ndjson:4,"
                                  " bad.ndjson:5\n"));
    expect_counts(&r, 26, 0, 26, 0, 0);
    result_free(&r);
}

/* A UTF-8 byte order mark is skipped at the start of a file only. */
static void
test_byte_order_mark(void **state)
{
    struct result r;

    (void)state;
    WRITE("bom.ndjson", "\xef\xbb\xbf{\"destination.port\":26}\n"
                        "\xef\xbb\xbf{\"destination.port\":26}\n");
    RUN(&r, &prog, "--format", "lines", "bom.ndjson");
    assert_string_equal(r.out, "1\n");
    expect_counts(&r, 2, 1, 1, 0, 1);
    result_free(&r);
    WRITE("bom-only.ndjson", "\xef\xbb\xbf");
    RUN(&r, &prog, "bom-only.ndjson");
    expect_counts(&r, 0, 0, 0, 0, 0);
    result_free(&r);
    WRITE("bom-part.ndjson", "\xef\xbb");
    RUN(&r, &prog, "bom-part.ndjson");
    expect_counts(&r, 1, 0, 1, 0, 0);
    result_free(&r);
}

/*
 * Regression: the column of a malformed event counted bytes, where the
 * rule diagnostics count characters; both count UTF-8 code points now.
 */
static void
test_malformed_column_in_characters(void **state)
{
    struct result r;
    struct krt_options opt;
    char *argv[] = { "det", "--quiet", "utf8.ndjson", NULL };
    char text[400];
    size_t n = 0;

    (void)state;
    /* é, € and an emoji: 9 bytes, 3 characters, before the error */
    n += (size_t)sprintf(text + n, "{\"x\":\"\xc3\xa9\xe2\x82\xac"
                         "\xf0\x9f\x98\x80\",\"a\":}\n");
    n += (size_t)sprintf(text + n, "{\"x\":\"\xc3\xa9\",\"x\":1}\n");
    n += (size_t)sprintf(text + n, "{\"pad\":\"");
    for (int i = 0; i < 60; i++)
        n += (size_t)sprintf(text + n, "\xc3\xa9");
    n += (size_t)sprintf(text + n, "\"}\n");
    write_file("utf8.ndjson", text, n);
    krt_options_init(&opt, argv[0]);
    assert_int_equal(krt_options_parse(&opt, &prog, 3, argv), KRT_RUN_GO);
    opt.max_line = 100;
    run_with(&r, &prog, &opt, NULL, NULL);
    expect_counts(&r, 3, 0, 3, 0, 0);
    /* byte 22 is character 16; byte 11 is 10; byte 101 is 55 */
    assert_string_equal(r.log,
        "utf8.ndjson:1:16: warning: malformed event: expected a value\n"
        "utf8.ndjson:2:10: warning: malformed event: duplicate key 'x'\n"
        "utf8.ndjson:3:55: warning: malformed event: line longer than 100"
        " bytes\n");
    result_free(&r);
}

static void
test_char_column(void **state)
{
    (void)state;
    assert_int_equal(krt_char_column("abc", 3, 1), 1);
    assert_int_equal(krt_char_column("abc", 3, 3), 3);
    assert_int_equal(krt_char_column("abc", 3, 4), 4);
    assert_int_equal(krt_char_column("abc", 3, 9), 4);
    assert_int_equal(krt_char_column("\xc3\xa9x", 3, 3), 2);
    assert_int_equal(krt_char_column("\xc3\xa9x", 3, 4), 3);
    assert_int_equal(krt_char_column("\xf0\x9f\x98\x80\"", 5, 5), 2);
    assert_int_equal(krt_char_column("", 0, 1), 1);
}

/*
 * Regression (duplicate keys): a line whose object repeats a key is
 * malformed, counted and reported, and no rule sees it.
 */
static void
test_duplicate_key_line_malformed(void **state)
{
    struct result r;

    (void)state;
    WRITE("dup.ndjson",
          "{\"destination\":{\"port\":26,\"port\":27}}\n"
          "{\"destination.port\":26,\"destination.port\":26}\n"
          "{\"destination.port\":27,\"destination\":{\"port\":26}}\n");
    RUN(&r, &prog, "--quiet", "--format", "lines", "dup.ndjson");
    assert_string_equal(r.out, "3\n");
    expect_counts(&r, 3, 1, 2, 0, 1);
    assert_string_equal(r.log,
        "dup.ndjson:1:27: warning: malformed event: duplicate key 'port'\n"
        "dup.ndjson:2:24: warning: malformed event: duplicate key"
        " 'destination.port'\n");
    result_free(&r);
}

/* A line past the cap is malformed and skipped; the next ones are read. */
static void
test_long_lines(void **state)
{
    struct result r;
    struct krt_options opt;
    char *argv[] = { "det", "--format", "lines", "long.ndjson", NULL };
    char text[3000];
    size_t n = 0;

    (void)state;
    n += (size_t)sprintf(text + n, "{\"destination.port\":26}\n");
    n += (size_t)sprintf(text + n, "{\"destination.port\":26,\"pad\":\"");
    memset(text + n, 'x', 1000);
    n += 1000;
    n += (size_t)sprintf(text + n, "\"}\n{\"destination.port\":26,"
                         "\"pad\":\"%060d\"}\n", 0);
    n += (size_t)sprintf(text + n, "{\"destination.port\":26,\"pad\":\"");
    memset(text + n, 'y', 500);
    n += 500;
    write_file("long.ndjson", text, n);
    krt_options_init(&opt, argv[0]);
    assert_int_equal(krt_options_parse(&opt, &prog, 4, argv), KRT_RUN_GO);
    opt.max_line = 100;
    run_with(&r, &prog, &opt, NULL, NULL);
    assert_string_equal(r.out, "1\n3\n");
    expect_counts(&r, 4, 2, 2, 0, 2);
    assert_non_null(strstr(r.log, "long.ndjson:2:101: warning: malformed "
                                  "event: line longer than 100 bytes\n"));
    assert_non_null(strstr(r.log, "long.ndjson:4:101: warning: malformed "
                                  "event: line longer than 100 bytes\n"));
    assert_true(r.c.bytes == n);
    result_free(&r);
}

/* Lines longer than the first buffer are read whole. */
static void
test_lines_past_first_buffer(void **state)
{
    struct result r;
    size_t pad = 3 * 1024 * 1024, n = 0;
    char *text = malloc(pad + 200);

    (void)state;
    assert_non_null(text);
    for (int i = 0; i < 2; i++) {
        n += (size_t)sprintf(text + n, "{\"pad\":\"");
        memset(text + n, 'z', pad / 2);
        n += pad / 2;
        n += (size_t)sprintf(text + n, "\",\"destination.port\":%d}\n",
                             25 + i);
    }
    write_file("big.ndjson", text, n);
    RUN(&r, &prog, "--format", "lines", "big.ndjson");
    assert_string_equal(r.out, "2\n");
    expect_counts(&r, 2, 2, 0, 0, 1);
    free(text);
    result_free(&r);
}

/* ------------------------------------------------------ compression */

#define COMPRESSED                                                        \
    "{\"destination.port\":26}\n{}\n\n{\"destination.port\":\"26\"}\n"

static void
write_gzip(const char *name, const char *text, int members)
{
    FILE *f = fopen(name, "wb");

    assert_non_null(f);
    for (int m = 0; m < members; m++) {
        unsigned char out[4096];
        z_stream zs = { 0 };

        assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
                                      Z_DEFAULT_STRATEGY), Z_OK);
        zs.next_in = (unsigned char *)text;
        zs.avail_in = (unsigned)strlen(text);
        zs.next_out = out;
        zs.avail_out = sizeof out;
        assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
        fwrite(out, 1, sizeof out - zs.avail_out, f);
        deflateEnd(&zs);
    }
    fclose(f);
}

static size_t
zstd_bytes(const char *text, char *out, size_t cap)
{
    size_t n = ZSTD_compress(out, cap, text, strlen(text), 3);

    assert_false(ZSTD_isError(n));
    return n;
}

static void
test_gzip(void **state)
{
    struct result r;
    char junk[64];

    (void)state;
    write_gzip("in.ndjson.gz", COMPRESSED, 1);
    RUN(&r, &prog, "--format", "lines", "in.ndjson.gz");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "1\n4\n");
    expect_counts(&r, 4, 3, 0, 1, 2);
    assert_true(r.c.bytes == sizeof(COMPRESSED) - 1);
    result_free(&r);
    write_gzip("two.ndjson.gz", COMPRESSED, 2);
    RUN(&r, &prog, "--format", "count", "two.ndjson.gz");
    assert_string_equal(r.out, "4\n");
    expect_counts(&r, 8, 6, 0, 2, 4);
    result_free(&r);
    memset(junk, 'j', sizeof junk);
    write_file("junk.ndjson.gz", junk, sizeof junk);
    RUN(&r, &prog, "junk.ndjson.gz", "in.ndjson.gz");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.log, "det: error: cannot read "
                                  "'junk.ndjson.gz': "));
    assert_true(r.c.events == 3);
    result_free(&r);
}

static void
test_gzip_truncated(void **state)
{
    struct result r;
    FILE *f;
    char buf[4096];
    size_t n;

    (void)state;
    write_gzip("whole.ndjson.gz", COMPRESSED, 1);
    f = fopen("whole.ndjson.gz", "rb");
    assert_non_null(f);
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    write_file("cut.ndjson.gz", buf, n - 6);
    RUN(&r, &prog, "cut.ndjson.gz");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.log, "det: error: cannot read 'cut.ndjson.gz': "
                                  "compressed data ends early\n"));
    result_free(&r);
}

static void
test_zstd(void **state)
{
    struct result r;
    char buf[4096];
    size_t n, m;

    (void)state;
    n = zstd_bytes(COMPRESSED, buf, sizeof buf);
    write_file("in.ndjson.zst", buf, n);
    RUN(&r, &prog, "--format", "lines", "in.ndjson.zst");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "1\n4\n");
    expect_counts(&r, 4, 3, 0, 1, 2);
    result_free(&r);
    m = zstd_bytes(COMPRESSED, buf + n, sizeof buf - n);
    write_file("two.ndjson.zst", buf, n + m);
    RUN(&r, &prog, "--format", "count", "two.ndjson.zst");
    assert_string_equal(r.out, "4\n");
    result_free(&r);
    write_file("cut.ndjson.zst", buf, n - 3);
    RUN(&r, &prog, "cut.ndjson.zst");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.log, "det: error: cannot read "
                                  "'cut.ndjson.zst': "));
    result_free(&r);
    write_file("junk.ndjson.zst", "not zstd at all", 15);
    RUN(&r, &prog, "junk.ndjson.zst");
    assert_int_equal(r.status, 2);
    result_free(&r);
}

/* Metadata and file names become valid JSON strings, whatever bytes. */
static void
test_json_strings(void **state)
{
    struct krt_buf b = { 0 };
    struct result r;

    (void)state;
    krt_buf_json(&b, "a\"\\\n\r\t\x01\x1f\x7f \xc3\xa9 \xff\xc3");
    krt_buf_add(&b, "", 1);
    assert_false(b.failed);
    assert_string_equal(b.p, "\"a\\\"\\\\\\n\\r\\t\\u0001\\u001f\x7f "
                             "\xc3\xa9 \\ufffd\\ufffd\"");
    free(b.p);
    WRITE("odd\xff\".ndjson", "{\"destination.port\":26}\n");
    RUN(&r, &prog_port, "--format", "alert", "odd\xff\".ndjson");
    assert_non_null(strstr(r.out, "\"source\":{\"file\":\"odd\\ufffd\\\""
                                  ".ndjson\",\"line\":1}"));
    result_free(&r);
}

/* ------------------------------------------------------------ stdin */

static void
test_standard_input(void **state)
{
    struct result r;
    int saved = dup(STDIN_FILENO);
    int fd;

    (void)state;
    WRITE("stdin.ndjson", "{\"destination.port\":26}\n{}\n");
    fd = open("stdin.ndjson", O_RDONLY);
    assert_true(fd >= 0 && saved >= 0);
    assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
    RUN(&r, &prog, "--format", "alert");
    assert_non_null(strstr(r.out, "\"source\":{\"file\":\"<stdin>\","
                                  "\"line\":1}"));
    expect_counts(&r, 2, 2, 0, 0, 1);
    result_free(&r);
    lseek(STDIN_FILENO, 0, SEEK_SET);
    RUN(&r, &prog, "--format", "lines", "stdin.ndjson", "-");
    assert_string_equal(r.out, "stdin.ndjson:1\n<stdin>:1\n");
    result_free(&r);
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);
    close(fd);
}

/* ----------------------------------------------------------- output */

/* A closed pipe ends the run quietly, with status 0. */
static void
test_closed_pipe(void **state)
{
    struct krt_options opt;
    struct krt_counters c;
    char *argv[] = { "det", "many.ndjson", NULL };
    FILE *log = tmpfile();
    int p[2];
    char *text, *msgs;
    size_t n = 0;

    (void)state;
    text = malloc(200000 * 25);
    assert_non_null(text);
    for (int i = 0; i < 200000; i++)
        n += (size_t)sprintf(text + n, "{\"destination.port\":26}\n");
    write_file("many.ndjson", text, n);
    free(text);
    assert_int_equal(pipe(p), 0);
    close(p[0]);
    krt_options_init(&opt, argv[0]);
    assert_int_equal(krt_options_parse(&opt, &prog, 2, argv), KRT_RUN_GO);
    opt.out_fd = p[1];
    krt_log_setup(KRT_LOG_INFO, log);
    assert_int_equal(krt_run(&prog, &opt, NULL, NULL, &c), 0);
    krt_log_setup(KRT_LOG_INFO, NULL);
    close(p[1]);
    msgs = slurp(log);
    assert_string_equal(msgs, "");
    assert_true(c.lines < 200000); /* it stopped early */
    free(msgs);
    fclose(log);
}

/* Any other write error is reported, with status 2. */
static void
test_write_error(void **state)
{
    struct krt_options opt;
    char *argv[] = { "det", "one.ndjson", NULL };
    FILE *log = tmpfile();
    int fd = open("/dev/null", O_RDONLY);
    char *msgs;

    (void)state;
    WRITE("one.ndjson", "{\"destination.port\":26}\n");
    krt_options_init(&opt, argv[0]);
    assert_int_equal(krt_options_parse(&opt, &prog, 2, argv), KRT_RUN_GO);
    opt.out_fd = fd;
    krt_log_setup(KRT_LOG_INFO, log);
    assert_int_equal(krt_run(&prog, &opt, NULL, NULL, NULL), 2);
    krt_log_setup(KRT_LOG_INFO, NULL);
    msgs = slurp(log);
    assert_non_null(strstr(msgs, "det: error: cannot write the output: "));
    free(msgs);
    fclose(log);
    close(fd);
}

/* ------------------------------------------------------- host hooks */

struct seen {
    int events;
};

/* A host's own evaluation: rule 1 matches every event that has a port. */
static void
on_event(struct krt_run *run, struct krt_event *ev, void *ctx)
{
    struct seen *s = ctx;

    s->events++;
    if (krt_exists(ev, PORT))
        krt_run_alert(run, 1);
}

static void
test_event_callback(void **state)
{
    struct result r;
    struct krt_options opt;
    char *argv[] = { "det", "--format", "alert", "cb.ndjson", NULL };
    struct seen s = { 0 };

    (void)state;
    WRITE("cb.ndjson", "{\"destination.port\":1}\n{}\nx\n"
                       "{\"destination\":{\"port\":null}}\n");
    krt_options_init(&opt, argv[0]);
    assert_int_equal(krt_options_parse(&opt, &prog, 4, argv), KRT_RUN_GO);
    run_with(&r, &prog, &opt, on_event, &s);
    assert_int_equal(s.events, 3);
    assert_string_equal(r.out,
        "{\"rule\":{\"name\":\"Dataset\",\"rule_id\":\"id-2\","
        "\"severity\":\"high\",\"risk_score\":73,\"threat\":[]},"
        "\"source\":{\"file\":\"cb.ndjson\",\"line\":1},"
        "\"event\":{\"destination.port\":1}}\n");
    expect_counts(&r, 4, 3, 1, 0, 1);
    result_free(&r);
}

/* ----------------------------------------------------- command line */

static int
parse(struct krt_options *opt, char **argv)
{
    int argc = 0;

    while (argv[argc])
        argc++;
    krt_options_init(opt, argv[0]);
    return krt_options_parse(opt, &prog, argc, argv);
}

static void
test_options(void **state)
{
    struct krt_options opt;
    FILE *log = tmpfile();
    char *msgs;
    char *a1[] = { "/usr/bin/det", "f1", "--format=lines", "-", "--quiet",
                   "--dataset", "zeek.smtp", "--", "--x", NULL };
    char *a2[] = { "det", "--format", NULL };
    char *a3[] = { "det", "--format", "json", NULL };
    char *a4[] = { "det", "--frobnicate", NULL };
    char *a5[] = { "det", "--dataset", NULL };
    char *a6[] = { "det", "--formats=alert", NULL };

    (void)state;
    assert_int_equal(parse(&opt, a1), KRT_RUN_GO);
    assert_string_equal(opt.name, "det");
    assert_int_equal(opt.format, KRT_FORMAT_LINES);
    assert_true(opt.quiet);
    assert_string_equal(opt.dataset, "zeek.smtp");
    assert_int_equal(opt.nfiles, 3);
    assert_string_equal(opt.files[0], "f1");
    assert_string_equal(opt.files[1], "-");
    assert_string_equal(opt.files[2], "--x");
    krt_log_setup(KRT_LOG_INFO, log);
    assert_int_equal(parse(&opt, a2), 2);
    assert_int_equal(parse(&opt, a3), 2);
    assert_int_equal(parse(&opt, a4), 2);
    assert_int_equal(parse(&opt, a5), 2);
    assert_int_equal(parse(&opt, a6), 2);
    krt_log_setup(KRT_LOG_INFO, NULL);
    msgs = slurp(log);
    assert_non_null(strstr(msgs, "det: error: --format expects event, alert,"
                                 " lines or count, not 'json'\n"));
    assert_non_null(strstr(msgs, "det: error: unknown option "
                                 "'--frobnicate'\n"));
    assert_non_null(strstr(msgs, "det: error: unknown option "
                                 "'--formats=alert'\n"));
    assert_non_null(strstr(msgs, "det: note: 'det --help' lists the "
                                 "options\n"));
    free(msgs);
    fclose(log);
}

/*
 * Regression: a second --dataset replaced the first, though a data
 * stream has one dataset, and so did a second --format with another
 * value; each is a usage error (exit status 2).  The same --format
 * twice is no error, nor a --dataset after "--" (a file).
 */
static void
test_options_given_twice(void **state)
{
    struct krt_options opt;
    FILE *log = tmpfile();
    char *msgs;
    char *a1[] = { "det", "--dataset", "zeek.smtp", "f",
                   "--dataset=zeek.dns", NULL };
    char *a2[] = { "det", "--dataset=x", "--dataset", "x", NULL };
    char *a3[] = { "det", "--format", "lines", "--format=alert", NULL };
    char *a4[] = { "det", "--format=count", "f", "--format", "count", NULL };
    char *a5[] = { "det", "--dataset", "a", "--", "--dataset", "b", NULL };
    char *a6[] = { "det", "--format", "lines", "--dataset", "a",
                   "--format", "lines", "--dataset", NULL };
    char *a7[] = { "det", "--dataset=a", "empty.ndjson", "--dataset=b",
                   NULL };

    (void)state;
    WRITE("empty.ndjson", "");
    krt_log_setup(KRT_LOG_INFO, log);
    assert_int_equal(parse(&opt, a1), 2);
    assert_int_equal(krt_main(&prog, 4, a7), 2);
    assert_int_equal(parse(&opt, a2), 2);
    assert_int_equal(parse(&opt, a3), 2);
    assert_int_equal(parse(&opt, a6), 2);
    krt_log_setup(KRT_LOG_INFO, NULL);
    msgs = slurp(log);
    assert_non_null(strstr(msgs, "det: error: --dataset given twice, "
                                 "'zeek.smtp' then 'zeek.dns': a data stream"
                                 " has one dataset\n"));
    assert_non_null(strstr(msgs, "det: error: --dataset given twice, 'x' "
                                 "then 'x': a data stream has one dataset\n"));
    assert_non_null(strstr(msgs, "det: error: --format given twice, 'lines'"
                                 " then 'alert'\n"));
    assert_non_null(strstr(msgs, "det: error: missing value after "
                                 "'--dataset'\n"));
    assert_non_null(strstr(msgs, "det: error: --dataset given twice, 'a' "
                                 "then 'b'"));
    free(msgs);
    fclose(log);
    assert_int_equal(parse(&opt, a4), KRT_RUN_GO);
    assert_int_equal(opt.format, KRT_FORMAT_COUNT);
    assert_int_equal(opt.nfiles, 1);
    assert_int_equal(parse(&opt, a5), KRT_RUN_GO);
    assert_string_equal(opt.dataset, "a");
    assert_int_equal(opt.nfiles, 2);
}

static void
test_abi_mismatch(void **state)
{
    struct krt_program other = prog;
    char *argv[] = { "det", NULL };
    FILE *log = tmpfile();
    char *msgs;

    (void)state;
    other.abi = KRT_ABI_VERSION + 1;
    krt_log_setup(KRT_LOG_INFO, log);
    assert_int_equal(krt_main(&other, 1, argv), 3);
    krt_log_setup(KRT_LOG_INFO, NULL);
    msgs = slurp(log);
    assert_non_null(strstr(msgs, "internal error: built for runtime ABI"));
    free(msgs);
    fclose(log);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_format),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_alert_format),
        cmocka_unit_test(test_lines_and_count_formats),
        cmocka_unit_test(test_dataset_default),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_malformed_shown_per_file),
        cmocka_unit_test(test_malformed_column_in_characters),
        cmocka_unit_test(test_char_column),
        cmocka_unit_test(test_duplicate_key_line_malformed),
        cmocka_unit_test(test_byte_order_mark),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_lines_past_first_buffer),
        cmocka_unit_test(test_gzip),
        cmocka_unit_test(test_gzip_truncated),
        cmocka_unit_test(test_zstd),
        cmocka_unit_test(test_json_strings),
        cmocka_unit_test(test_standard_input),
        cmocka_unit_test(test_closed_pipe),
        cmocka_unit_test(test_write_error),
        cmocka_unit_test(test_event_callback),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_options_given_twice),
        cmocka_unit_test(test_abi_mismatch),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
