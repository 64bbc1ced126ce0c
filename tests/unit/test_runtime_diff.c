/*
 * test_runtime_diff.c - the event scanner against jansson, on hand-made
 * tricky lines and on many lines from a seeded generator of valid and
 * broken JSON.
 *
 * The comparison, and the deliberate differences it bridges or leaves
 * out (refused field names, lone surrogates, blank and deep lines, huge
 * numbers, keys holding NUL), are scan_oracle.h's, shared with the
 * scanner's fuzz target (tests/fuzz/fuzz_scan.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include <jansson.h>

#include "runtime_test.h"

#define ORACLE_FAIL(...) fail_msg(__VA_ARGS__)
#include "scan_oracle.h"

#define KW(p) { .path = (p), .type = KRT_KEYWORD }

static const struct krt_field fields[] = {
    KW("a"), KW("b"), KW("c"), KW("a.b"), KW("b.c"), KW("a.b.c"), KW("x"),
    KW("a.x"), KW("x.a"), KW("\xc3\xa9"), KW("a.\xc3\xa9"),
};

#define NFIELDS ((krt_u32)(sizeof fields / sizeof fields[0]))

static const struct oracle_fields ofields = { fields, NFIELDS };

/* -------------------------------------------------------- generator */

static krt_u64 seed;

static krt_u32
rnd(krt_u32 n)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (krt_u32)(seed >> 32) % n;
}

static void
gen_space(struct text *t)
{
    static const char *const ws[] = { "", "", "", " ", "\t", "\r", "\n",
                                      "  " };

    puts_(t, ws[rnd(8)]);
}

/* One character of a string body, sometimes a broken one. */
static void
gen_char(struct text *t, bool broken)
{
    static const char *const good[] = {
        "a", "b", "z", "0", " ", ".", "\\n", "\\\"", "\\\\", "\\/", "\\b",
        "\\f", "\\r", "\\t", "\\u0041", "\\u00e9", "\\u00E9", "\\u20ac",
        "\\ud83d\\ude00", "\\uDBFF\\uDFFF", "\\u0000", "\\u002e",
        "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf",
        "\xed\x9f\xbf", "\xee\x80\x80", "\x7f", "'", "{", "]",
        "\\uD800", "\\uDC00", "\\udbff", "\\u3000", "\xe2\x80\x83", "\xc2\xa0",
    };
    static const char *const bad[] = {
        "\\x", "\\u12", "\\u00G0", "\\uD800\\u12", "\xc0\x80", "\xc1\xbf",
        "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
        "\x80", "\xe2\x82", "\xff", "\t", "\x01", "\\", "\\U0041",
    };

    if (broken)
        puts_(t, bad[rnd(sizeof bad / sizeof bad[0])]);
    else
        puts_(t, good[rnd(sizeof good / sizeof good[0])]);
}

/* A string of 'n' characters. */
static void
gen_string_of(struct text *t, krt_u32 n)
{
    puts_(t, "\"");
    for (krt_u32 i = 0; i < n; i++)
        gen_char(t, rnd(60) == 0);
    puts_(t, "\"");
}

static void
gen_string(struct text *t)
{
    gen_string_of(t, rnd(6));
}

/* Whether the line being made may have keys Elasticsearch refuses. */
static bool refusing;

/*
 * A key: a field path, a part of one, or something else; in a line
 * that is 'refusing', now and then one Elasticsearch refuses.
 */
static void
gen_key(struct text *t)
{
    static const char *const keys[] = {
        "a", "b", "c", "x", "a.b", "b.c", "a.b.c", "a.x", "x.a", "\xc3\xa9",
        "a.\xc3\xa9", "a.", "y", "B", "ab", "a..", "x.a.", "\xc2\xa0", "a.b ",
        " a",
    };
    static const char *const refused[] = {
        "", ".a", "a..b", " ", "a. .b", " .a", ".", "\t", "\xe3\x80\x80",
    };
    const char *k = refusing && rnd(6) == 0
                        ? refused[rnd(sizeof refused / sizeof refused[0])]
                        : keys[rnd(sizeof keys / sizeof keys[0])];

    if (rnd(8) == 0) {
        gen_string_of(t, 1 + rnd(5)); /* "" only in 'refusing' lines */
        return;
    }
    puts_(t, "\"");
    for (; *k; k++) {
        char esc[8];

        /* now and then a character written as an escape */
        if ((unsigned char)*k < 0x80 && rnd(6) == 0) {
            snprintf(esc, sizeof esc, "\\u%04x", (unsigned)*k);
            puts_(t, esc);
        } else {
            put(t, k, 1);
        }
    }
    puts_(t, "\"");
}

static void
gen_digits(struct text *t, krt_u32 max)
{
    krt_u32 n = 1 + rnd(max);

    for (krt_u32 i = 0; i < n; i++) {
        char d = (char)('0' + rnd(10));
        put(t, &d, 1);
    }
}

static void
gen_number(struct text *t)
{
    if (rnd(2))
        puts_(t, "-");
    if (rnd(3) == 0) {
        puts_(t, "0");
    } else {
        char d = (char)('1' + rnd(9));
        put(t, &d, 1);
        if (rnd(2))
            gen_digits(t, rnd(40) == 0 ? 400 : 12);
    }
    if (rnd(3) == 0) {
        puts_(t, ".");
        gen_digits(t, 8);
    }
    if (rnd(4) == 0) {
        static const char *const e[] = { "e", "E", "e+", "e-", "E+", "E-" };
        puts_(t, e[rnd(6)]);
        gen_digits(t, rnd(20) == 0 ? 3 : 2);
    }
}

static void gen_value(struct text *t, int depth);

static void
gen_container(struct text *t, int depth, bool object)
{
    krt_u32 n = rnd(5);

    puts_(t, object ? "{" : "[");
    gen_space(t);
    for (krt_u32 i = 0; i < n; i++) {
        if (i) {
            puts_(t, ",");
            gen_space(t);
        }
        if (object) {
            gen_key(t);
            gen_space(t);
            puts_(t, ":");
            gen_space(t);
        }
        gen_value(t, depth + 1);
        gen_space(t);
    }
    puts_(t, object ? "}" : "]");
}

static void
gen_value(struct text *t, int depth)
{
    static const char *const literals[] = { "true", "false", "null" };
    krt_u32 r = rnd(10);

    if (depth < 6 && r < 3)
        gen_container(t, depth, true);
    else if (depth < 6 && r < 5)
        gen_container(t, depth, false);
    else if (r < 7)
        gen_string(t);
    else if (r < 9)
        gen_number(t);
    else
        puts_(t, literals[rnd(3)]);
}

/* Break a line: drop, add, change or repeat bytes. */
static void
mutate(struct text *t)
{
    static const char pool[] = "{}[],:\"\\01-.eE+tfnu \tx\x7f\x80\xc0\xed"
                               "\xf4\xff\x01";
    size_t at = t->len ? rnd((krt_u32)t->len) : 0;
    char c = pool[rnd(sizeof pool - 1)];

    switch (rnd(4)) {
    case 0:
        if (t->len) {
            memmove(t->p + at, t->p + at + 1, t->len - at);
            t->len--;
        }
        break;
    case 1:
        put(t, " ", 1);
        memmove(t->p + at + 1, t->p + at, t->len - at - 1);
        t->p[at] = c;
        break;
    case 2:
        if (t->len)
            t->p[at] = c;
        break;
    default:
        if (t->len > at + 1) {
            size_t n = 1 + rnd((krt_u32)(t->len - at - 1) < 8
                                   ? (krt_u32)(t->len - at - 1) : 8);
            char piece[8];
            memcpy(piece, t->p + at, n);
            put(t, piece, n);
        }
    }
}

static void
gen_line(struct text *t)
{
    t->len = 0;
    put(t, "", 0);
    refusing = rnd(16) == 0;
    gen_space(t);
    if (rnd(20) == 0)
        gen_value(t, 0);
    else
        gen_container(t, 0, true);
    gen_space(t);
    for (krt_u32 m = rnd(2) ? 0 : 1 + rnd(2); m > 0; m--)
        mutate(t);
}

/* {"a": [[[ ... ]]]} with 'depth' levels in all, the innermost a value. */
static void
gen_deep(struct text *t, int depth)
{
    t->len = 0;
    puts_(t, "{\"a\":");
    for (int i = 1; i < depth; i++)
        puts_(t, rnd(2) ? "[" : "[1,");
    puts_(t, "\"deep\"");
    for (int i = 1; i < depth; i++)
        puts_(t, "]");
    puts_(t, "}");
    if (rnd(4) == 0)
        mutate(t);
}

/* Lines with their lengths: some hold a NUL byte. */
#define L(s) { s, sizeof(s) - 1 }

static const struct {
    const char *s;
    size_t len;
} tricky[] = {
    L("{}"), L("{ }"), L(" {}"), L("{}\r"), L("{}\n"), L("\t{}\t"), L("{} {}"),
    L("[]"), L("[{}]"), L("\"{}\""), L("1"), L("null"), L("{\"a\":1}"),
    L("{\"a\":01}"), L("{\"a\":-0}"), L("{\"a\":-}"), L("{\"a\":1.}"),
    L("{\"a\":.1}"), L("{\"a\":1e5}"), L("{\"a\":1E-5}"), L("{\"a\":1e}"),
    L("{\"a\":1e+}"), L("{\"a\":+1}"), L("{\"a\":0.0}"), L("{\"a\":00}"),
    L("{\"a\":1.5e+10}"), L("{\"a\":tru}"), L("{\"a\":true}"),
    L("{\"a\":truee}"), L("{\"a\":nul}"), L("{\"a\":NULL}"),
    L("{\"a\":\"\\u0000\"}"), L("{\"a\":\"\\uD834\\uDD1E\"}"),
    L("{\"a\":\"\\uD834\"}"), L("{\"a\":\"\\uDD1E\"}"),
    L("{\"a\":\"\\uD834\\u0041\"}"), L("{\"a\":\"\\uD834\\uD834\"}"),
    L("{\"a\":\"\\ud834\\udd1e\"}"), L("{\"a\":\"\\u00\"}"),
    L("{\"a\":\"\\u00zz\"}"), L("{\"a\":\"\\q\"}"), L("{\"a\":\"\\'\"}"),
    L("{\"a\":\"\t\"}"), L("{\"a\":\"\x7f\"}"), L("{\"a\":\"\xc3\xa9\"}"),
    L("{\"a\":\"\xc3\"}"), L("{\"a\":\"\xc0\xaf\"}"),
    L("{\"a\":\"\xe0\x80\xaf\"}"), L("{\"a\":\"\xed\xa0\x80\"}"),
    L("{\"a\":\"\xed\x9f\xbf\"}"), L("{\"a\":\"\xf0\x80\x80\xaf\"}"),
    L("{\"a\":\"\xf4\x8f\xbf\xbf\"}"), L("{\"a\":\"\xf4\x90\x80\x80\"}"),
    L("{\"a\":\"\xf8\x88\x80\x80\x80\"}"), L("{\"a\":\"\xfe\"}"),
    L("{\"a\":[1,2,]}"), L("{\"a\":[,]}"), L("{\"a\":[}"), L("{\"a\":{]}"),
    L("{\"a\"}"), L("{\"a\":}"), L("{:1}"), L("{\"a\":1,}"),
    L("{\"a\":1,,\"b\":2}"), L("{\"a\":1 \"b\":2}"), L("{\"a\"::1}"),
    L("{\"a.b\":{\"c\":\"v\"}}"),
    L("{\"a\":{\"b.c\":\"v\"},\"a.b\":{\"c\":[\"w\"]}}"),
    L("{\"\\u0061\":{\"\\u0062\":\"v\"}}"), L("{\"a\\u002eb\":\"v\"}"),
    L("{\"a\":[{\"b\":[{\"c\":1},{\"c\":[2,[3]]}]},{\"b.c\":4}]}"),
    L("{\"\":{\"a\":1}}"), L("{\"a\":{\"\":1}}"), L("{\"a.\":1}"),
    L("{\".a\":1}"), L("{\"a\":null,\"x\":[null],\"b\":[]}"),
    L("{\"x\":{\"a\":\"v\"}}"), L("{\"a\":1}\x00"), L("{\"a\":\"x\x00y\"}"),
    L("\xef\xbb\xbf{}"), L("{\"a\":1}\f"), L("{\"a\":1e400}"),
    L("{\"\\u0000\":1}"), L(""), L("   "), L("\r"),
    /* keys repeated in one object, or only looking alike */
    L("{\"a\":1,\"a\":2}"), L("{\"a\":1,\"\\u0061\":2}"),
    L("{\"a\":{\"b\":1,\"b\":2}}"), L("{\"a\":{\"b\":1},\"a\":{\"c\":2}}"),
    L("{\"a.b\":1,\"a.b\":2}"), L("{\"a.b\":1,\"a\":{\"b\":2}}"),
    L("{\"a\":[{\"b\":1},{\"b\":2}]}"), L("{\"a\":[{\"b\":1,\"b\":2}]}"),
    L("{\"a\":{\"a\":1},\"b\":{\"a\":2}}"), L("{\"\":1,\"\":2}"),
    L("{\"\\u00e9\":1,\"\xc3\xa9\":2}"), L("{\"a\":1,\"A\":2,\"a \":3}"),
    L("{\"a\":1,\"b\":2,\"c\":3,\"x\":4,\"y\":5,\"z\":6,\"ab\":7,\"B\":8,"
      "\"a.x\":9,\"x.a\":10,\"b.c\":11,\"a\\u002ex\":12}"),
    /* field names Elasticsearch refuses, or takes though they look odd */
    L("{\" \":1}"), L("{\"a. .b\":1}"), L("{\".\":1}"), L("{\"\\u3000\":1}"),
    L("{\"\\u00a0\":1}"), L("{\"a.\":\"v\",\"b..\":[\"w\"],\"x.a.\":\"z\"}"),
    L("{\"a\":[{\"b\":1},{\"..\":2}]}"), L("{\"a\":{\"x\":1,\" .x\":2}}"),
    L("{\"\":1,\"a\":1,\"a\":2}"), L("{\"a\":1,\"a\":2,\"\":1}"),
    /* lone surrogates, in values and in keys */
    L("{\"a\":[\"\\udc00\\ud800\",\"x\\ud800\\ud800\\udc00\"]}"),
    L("{\"\\ud800\":1,\"\\udbff\":2,\"\\ufffd\":3}"),
    L("{\"\\ud800\":1,\"\\ud800\":2}"),
    L("{\"a\\ud800\":{\"b\":\"\\udc00\"},\"a\":{\"b\":\"\\ud800\\u0041\"}}"),
    /* a NUL byte after a number or a literal, which jansson skips: the
     * fuzz target found the oracle taking the first line for a repeated
     * key */
    L("{\"a\":1\0,\"a\":2}"), L("{\"a\":1\0}"), L("{\"a\":true\0}"),
    L("{\"a\":[1.5\0]}"), L("{\"a\":null\0,\"b\":2}"),
};

static void
test_tricky_lines(void **state)
{
    struct krt_scanner *sc = krt_scanner_new(fields, NFIELDS);
    struct tally t = { 0 };

    (void)state;
    assert_non_null(sc);
    for (size_t i = 0; i < sizeof tricky / sizeof tricky[0]; i++)
        compare_line(sc, &ofields, tricky[i].s, tricky[i].len, &t);
    assert_true(t.compared > 80);
    assert_true(t.accepted > 20);
    assert_int_equal(t.duplicates, 12);
    assert_int_equal(t.bad_names, 9);
    assert_int_equal(t.lone, 8);
    krt_scanner_free(sc);
}

static void
test_random_lines(void **state)
{
    struct krt_scanner *sc = krt_scanner_new(fields, NFIELDS);
    struct text line = { 0 };
    struct tally t = { 0 };
    const long n = 200000;

    (void)state;
    assert_non_null(sc);
    seed = 0x2545f4914f6cdd1dull;
    for (long i = 0; i < n; i++) {
        gen_line(&line);
        compare_line(sc, &ofields, line.p, line.len, &t);
    }
    print_message("%ld lines: %ld compared, %ld accepted, %ld values;"
                  " left out: %ld blank, %ld huge, %ld nul key;"
                  " %ld with duplicate keys, %ld with refused field names,"
                  " %ld with lone surrogates\n", n, t.compared, t.accepted,
                  t.values_compared, t.blank, t.huge, t.nul_key,
                  t.duplicates, t.bad_names, t.lone);
    /* the comparison covered most lines, accepted and rejected alike */
    assert_true(t.compared > n * 9 / 10);
    assert_true(t.accepted > n / 4);
    assert_true(t.compared - t.accepted > n / 4);
    assert_true(t.values_compared > n * 3 / 4);
    assert_true(t.duplicates > n / 50);
    assert_true(t.bad_names > n / 50);
    assert_true(t.lone > n / 10);
    free(line.p);
    krt_scanner_free(sc);
}

static void
test_deep_lines(void **state)
{
    struct krt_scanner *sc = krt_scanner_new(fields, NFIELDS);
    struct text line = { 0 };
    struct tally t = { 0 };

    (void)state;
    assert_non_null(sc);
    seed = 0x853c49e6748fea9bull;
    for (int i = 0; i < 400; i++) {
        gen_deep(&line, KRT_MAX_DEPTH - 3 + (int)rnd(7));
        compare_line(sc, &ofields, line.p, line.len, &t);
    }
    assert_true(t.compared > 100);
    assert_true(t.deep > 100);
    free(line.p);
    krt_scanner_free(sc);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tricky_lines),
        cmocka_unit_test(test_random_lines),
        cmocka_unit_test(test_deep_lines),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
