/*
 * test_runtime_text.c - the tests that read values as text: keyword
 * sets with escapes and ignore_above, wildcards, booleans, existence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "runtime_test.h"

enum { K, SHORT, W, B, A, AB, LIM, LIMS, PORT, SIP, SH, DBL, CK, TXT };

static const struct krt_field fields[] = {
    [K] = { "k", KRT_KEYWORD, 0 },
    [SHORT] = { "short", KRT_KEYWORD, 5 },
    [W] = { "w", KRT_WILDCARD, 0 },
    [B] = { "b", KRT_BOOLEAN, 0 },
    [A] = { "a", KRT_OBJECT, 0 },
    [AB] = { "a.b", KRT_KEYWORD, 0 },
    [LIM] = { "lim", KRT_OBJECT, 0 },
    [LIMS] = { "lim.s", KRT_KEYWORD, 3 },
    [PORT] = { "destination.port", KRT_LONG, 0 },
    [SIP] = { "source.ip", KRT_IP, 0 },
    [SH] = { "sh", KRT_SHORT, 0 },
    [DBL] = { "dbl", KRT_DOUBLE, 0 },
    [CK] = { "ck", KRT_CONSTANT_KEYWORD, 0 },
    [TXT] = { "txt", KRT_TEXT, 0 },
};

#define NFIELDS (sizeof fields / sizeof fields[0])
#define S(s) { sizeof(s) - 1, s }

/* The events point into 'line', which must outlive them. */
struct fixture {
    struct rt t;
    char line[512];
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    if (!f)
        return -1;
    f->t.sc = krt_scanner_new(fields, NFIELDS);
    *state = f;
    return f->t.sc ? 0 : -1;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    krt_scanner_free(f->t.sc);
    free(f);
    return 0;
}

/* The event {"NAME": VALUE} for field 'field'. */
static struct krt_event *
one(void **state, krt_u32 field, const char *value)
{
    struct fixture *f = *state;

    snprintf(f->line, sizeof f->line, "{\"%s\":%s}", fields[field].path,
             value);
    return rt_event(&f->t, f->line);
}

static bool
kw_is(void **state, krt_u32 field, const char *value, const char *text,
      krt_u32 len)
{
    struct krt_str set[1] = { { len, text } };

    return krt_any_kw_in(one(state, field, value), field, set, 1);
}

#define KW(state, field, value, text) \
    kw_is(state, field, value, text, sizeof(text) - 1)

/* --------------------------------------------------------- keywords */

static void
test_exact_bytes(void **state)
{
    assert_true(KW(state, K, "\"tcp\"", "tcp"));
    assert_false(KW(state, K, "\"TCP\"", "tcp"));
    assert_false(KW(state, K, "\"tcp \"", "tcp"));
    assert_false(KW(state, K, "\"tc\"", "tcp"));
    assert_true(KW(state, K, "\"\"", ""));
    assert_false(KW(state, K, "\"x\"", ""));
    assert_true(KW(state, K, "[\"udp\", \"tcp\"]", "tcp"));
    assert_false(KW(state, K, "[\"udp\", \"icmp\"]", "tcp"));
    assert_false(KW(state, K, "[]", "tcp"));
}

static void
test_escapes_decoded(void **state)
{
    assert_true(KW(state, K, "\"t\\u0063p\"", "tcp"));
    assert_true(KW(state, K, "\"\\\"q\\\"\"", "\"q\""));
    assert_true(KW(state, K, "\"a\\\\b\"", "a\\b"));
    assert_true(KW(state, K, "\"a\\/b\"", "a/b"));
    assert_true(KW(state, K, "\"\\b\\f\\n\\r\\t\"", "\b\f\n\r\t"));
    assert_true(KW(state, K, "\"\\u00e9\"", "\xc3\xa9"));
    assert_true(KW(state, K, "\"\\u00E9\"", "\xc3\xa9"));
    assert_true(KW(state, K, "\"\\u20ac\"", "\xe2\x82\xac"));
    assert_true(KW(state, K, "\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80"));
    assert_true(KW(state, K, "\"\\uD83D\\uDE00!\"", "\xf0\x9f\x98\x80!"));
    assert_true(KW(state, K, "\"a\\u0000b\"", "a\0b"));
    assert_false(KW(state, K, "\"a\\u0000b\"", "a"));
    assert_true(KW(state, K, "\"\xc3\xa9\"", "\xc3\xa9"));
    assert_false(KW(state, K, "\"\\\\u0041\"", "A"));
}

/* Numbers and booleans compare as written; null and objects never. */
static void
test_scalars_as_text(void **state)
{
    assert_true(KW(state, K, "26.0", "26.0"));
    assert_false(KW(state, K, "26.0", "26"));
    assert_true(KW(state, K, "26", "26"));
    assert_true(KW(state, K, "-0", "-0"));
    assert_true(KW(state, K, "1E5", "1E5"));
    assert_false(KW(state, K, "1E5", "100000"));
    assert_true(KW(state, K, "true", "true"));
    assert_true(KW(state, K, "false", "false"));
    assert_false(KW(state, K, "null", "null"));
    assert_false(KW(state, K, "{\"x\":\"y\"}", "y"));
    assert_false(KW(state, K, "{}", "{}"));
}

/* ignore_above counts UTF-16 units: a 4-byte character counts 2. */
static void
test_ignore_above(void **state)
{
    assert_true(KW(state, SHORT, "\"abcde\"", "abcde"));
    assert_false(KW(state, SHORT, "\"abcdef\"", "abcdef"));
    assert_true(KW(state, SHORT, "\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"",
                   "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"));
    assert_false(KW(state, SHORT,
                    "\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\"",
                    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"));
    assert_true(KW(state, SHORT, "\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80z\"",
                   "\xf0\x9f\x98\x80\xf0\x9f\x98\x80z"));
    assert_true(KW(state, SHORT, "\"\\ud83d\\ude00\\ud83d\\ude00z\"",
                   "\xf0\x9f\x98\x80\xf0\x9f\x98\x80z"));
    assert_false(KW(state, SHORT, "\"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9e\"",
                    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9" "e"));
    assert_true(KW(state, SHORT, "12345", "12345"));
    assert_false(KW(state, SHORT, "123456", "123456"));
    assert_true(KW(state, SHORT, "[\"abcdef\", \"abc\"]", "abc"));
    assert_false(krt_exists(one(state, SHORT, "\"abcdef\""), SHORT));
    assert_false(krt_exists(one(state, SHORT, "\"a\\u0062cdef\""), SHORT));
    assert_true(krt_exists(one(state, SHORT, "\"a\\u0062cde\""), SHORT));
    assert_true(krt_exists(one(state, SHORT, "[\"abcdef\", \"\"]"), SHORT));
    assert_true(krt_exists(one(state, K, "\"abcdefghijklmnop\""), K));
}

/* Sorted by length, then bytes, as the compiler emits sets. */
static const struct krt_str big_set[] = {
    S(""), S("a"), S("b"), S("z"), S("aa"), S("ab"), S("ba"), S("abc"),
    S("tcp"), S("udp"), S("icmp"), S("zeek.dns"), S("zeek.smtp"),
    S("network_traffic"), S("network_traffic.flow"),
};

#define BIG_N ((krt_u32)(sizeof big_set / sizeof big_set[0]))

static bool
in_big_set(void **state, const char *value)
{
    return krt_any_kw_in(one(state, K, value), K, big_set, BIG_N);
}

static void
test_set_membership(void **state)
{
    static const char *const outside[] = {
        "\"c\"", "\"ac\"", "\"abd\"", "\"tcq\"", "\"TCP\"", "\"zz\"",
        "\"zeek.smt\"", "\"network_traffic.flows\"", "\"aaa\"", "26",
    };
    char value[64];

    /* the table is sorted as the contract says */
    for (krt_u32 i = 1; i < BIG_N; i++) {
        const struct krt_str *p = &big_set[i - 1], *q = &big_set[i];
        assert_true(p->len < q->len
                    || (p->len == q->len && memcmp(p->bytes, q->bytes,
                                                   p->len) < 0));
    }
    for (krt_u32 i = 0; i < BIG_N; i++) {
        snprintf(value, sizeof value, "\"%s\"", big_set[i].bytes);
        if (!in_big_set(state, value))
            fail_msg("member %s not found", value);
    }
    for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
        if (in_big_set(state, outside[i]))
            fail_msg("%s found", outside[i]);
    }
    assert_false(krt_any_kw_in(one(state, K, "\"a\""), K, big_set, 0));
}

/* -------------------------------------------------------- wildcards */

static bool
wild(void **state, const char *value, const struct krt_str *parts,
     krt_u32 n)
{
    return krt_any_kw_wild(one(state, W, value), W, parts, n);
}

static void
test_wildcards(void **state)
{
    static const struct krt_str suffix[] = { S(""), S("adm") };
    static const struct krt_str prefix[] = { S("a"), S("") };
    static const struct krt_str abc[] = { S("a"), S("b"), S("c") };

    assert_true(wild(state, "\"xadm\"", suffix, 2));
    assert_true(wild(state, "\"adm\"", suffix, 2));
    assert_false(wild(state, "\"admx\"", suffix, 2));
    assert_false(wild(state, "\"ADM\"", suffix, 2));
    assert_true(wild(state, "\"a\"", prefix, 2));
    assert_true(wild(state, "\"abc\"", prefix, 2));
    assert_false(wild(state, "\"ba\"", prefix, 2));
    assert_true(wild(state, "\"abc\"", abc, 3));
    assert_true(wild(state, "\"aXbYc\"", abc, 3));
    assert_true(wild(state, "\"abbc\"", abc, 3));
    assert_true(wild(state, "\"a\\nb\\nc\"", abc, 3));
    assert_false(wild(state, "\"acb\"", abc, 3));
    assert_false(wild(state, "\"ab\"", abc, 3));
    assert_false(wild(state, "\"abcd\"", abc, 3));
    assert_true(wild(state, "[\"q\", \"xadm\"]", suffix, 2));
    assert_true(wild(state, "\"\\u0061dm\"", suffix, 2));
}

static void
test_wildcards_edges(void **state)
{
    static const struct krt_str any[] = { S(""), S("") };
    static const struct krt_str abba[] = { S("ab"), S("ba") };
    static const struct krt_str inner[] = { S(""), S("x"), S("") };
    static const struct krt_str twice[] = { S("a"), S(""), S("b") };
    static const struct krt_str aas[] = { S("aa"), S("aa"), S("aa") };
    static const struct krt_str num_prefix[] = { S("26"), S("") };

    assert_true(wild(state, "\"\"", any, 2));
    assert_true(wild(state, "\"anything\"", any, 2));
    assert_false(wild(state, "null", any, 2));
    assert_false(wild(state, "{\"x\":1}", any, 2));
    assert_false(wild(state, "\"aba\"", abba, 2));
    assert_true(wild(state, "\"abba\"", abba, 2));
    assert_true(wild(state, "\"abxba\"", abba, 2));
    assert_true(wild(state, "\"x\"", inner, 3));
    assert_true(wild(state, "\"axb\"", inner, 3));
    assert_false(wild(state, "\"ab\"", inner, 3));
    assert_true(wild(state, "\"ab\"", twice, 3));
    assert_false(wild(state, "\"aaaaa\"", aas, 3));
    assert_true(wild(state, "\"aaaaaa\"", aas, 3));
    assert_true(wild(state, "26.0", num_prefix, 2));
    assert_false(wild(state, "2.6", num_prefix, 2));
    assert_false(krt_any_kw_wild(one(state, SHORT, "\"abcdef\""), SHORT, any,
                                 2));
}

/* --------------------------------------------------------- booleans */

static void
test_booleans(void **state)
{
    assert_true(krt_any_bool_is(one(state, B, "true"), B, true));
    assert_false(krt_any_bool_is(one(state, B, "true"), B, false));
    assert_true(krt_any_bool_is(one(state, B, "false"), B, false));
    assert_false(krt_any_bool_is(one(state, B, "false"), B, true));
    assert_true(krt_any_bool_is(one(state, B, "\"true\""), B, true));
    assert_true(krt_any_bool_is(one(state, B, "\"false\""), B, false));
    assert_true(krt_any_bool_is(one(state, B, "\"tru\\u0065\""), B, true));
    /* Elasticsearch reads the empty string as false */
    assert_true(krt_any_bool_is(one(state, B, "\"\""), B, false));
    assert_false(krt_any_bool_is(one(state, B, "\"\""), B, true));
    assert_false(krt_any_bool_is(one(state, B, "\"True\""), B, true));
    assert_false(krt_any_bool_is(one(state, B, "\"TRUE\""), B, true));
    assert_false(krt_any_bool_is(one(state, B, "1"), B, true));
    assert_false(krt_any_bool_is(one(state, B, "0"), B, false));
    assert_false(krt_any_bool_is(one(state, B, "\"yes\""), B, true));
    assert_false(krt_any_bool_is(one(state, B, "null"), B, false));
    assert_false(krt_any_bool_is(one(state, B, "{}"), B, false));
    assert_true(krt_any_bool_is(one(state, B, "[\"x\", false]"), B, false));
    assert_false(krt_any_bool_is(one(state, B, "[\"x\", false]"), B, true));
    assert_false(krt_any_bool_is(one(state, K, "true"), B, true));
}

/* ------------------------------------------------------------ exists */

static bool
exists(void **state, const char *line, krt_u32 field)
{
    struct fixture *f = *state;

    return krt_exists(rt_event(&f->t, line), field);
}

static void
test_exists(void **state)
{
    assert_true(exists(state, "{\"k\":\"\"}", K));
    assert_true(exists(state, "{\"k\":0}", K));
    assert_true(exists(state, "{\"k\":false}", K));
    assert_true(exists(state, "{\"k\":[null, 1]}", K));
    assert_false(exists(state, "{\"k\":null}", K));
    assert_false(exists(state, "{\"k\":[]}", K));
    assert_false(exists(state, "{\"k\":[null]}", K));
    assert_false(exists(state, "{\"k\":[[], [null]]}", K));
    assert_false(exists(state, "{\"x\":1}", K));
    assert_false(exists(state, "{}", K));
    /* an object counts when a non-null scalar lies somewhere below */
    assert_false(exists(state, "{\"a\":{}}", A));
    assert_false(exists(state, "{\"a\":{\"x\":null}}", A));
    assert_false(exists(state, "{\"a\":{\"x\":[{\"y\":null}, []]}}", A));
    assert_true(exists(state, "{\"a\":{\"x\":[{\"y\":0}]}}", A));
    assert_true(exists(state, "{\"a\":{\"b\":{\"c\":\"x\"}}}", A));
    assert_true(exists(state, "{\"a\":[{}, {\"z\":\"\"}]}", A));
    assert_true(exists(state, "{\"a.b\":1}", A));
    assert_false(exists(state, "{\"a.b\":null}", A));
    assert_true(exists(state, "{\"a.x.y\":[1]}", A));
    assert_false(exists(state, "{\"a.x\":{\"y\":[]}}", A));
    assert_true(exists(state, "{\"a\":{\"b\":\"v\"}}", AB));
    assert_false(exists(state, "{\"a\":{\"b\":{}}}", AB));
    assert_false(exists(state, "{\"a\":{\"b\":{\"c\":true}}}", AB));
    assert_false(exists(state, "{\"a\":{\"bc\":1}}", AB));
    /*
     * The LIMIT in krt_exists: an object's leaves are not held to their
     * own ignore_above, so "lim" exists though its only leaf does not.
     */
    assert_false(exists(state, "{\"lim\":{\"s\":\"long\"}}", LIMS));
    assert_true(exists(state, "{\"lim\":{\"s\":\"long\"}}", LIM));
    /* an object is no keyword */
    assert_false(krt_any_kw_in(one(state, A, "{\"b\":\"v\"}"), A,
                               big_set, BIG_N));
}

/* f:* on field 'field' of the event {"PATH": VALUE}. */
static bool
has(void **state, krt_u32 field, const char *value)
{
    return krt_exists(one(state, field, value), field);
}

/*
 * Regression: f:* held for any non-null value, also one the field's type
 * cannot read, which Elasticsearch never indexes (ignore_malformed drops
 * it, or the document is refused).  Integer fields want a number ("" is
 * null for them), ip fields an address, booleans a boolean; keyword
 * fields take no object.
 */
static void
test_exists_needs_readable_value(void **state)
{
    static const char *const no_port[] = {
        "\"\"", "\"-\"", "\"x\"", "true", "false", "{\"a\":1}", "null", "[]",
        "\" 26\"", "\"1e400\"", "1e400", "-1e400", "9223372036854775808",
        "\"9223372036854775808\"", "[\"\", \"-\", {\"a\":26}]", "{}",
    };
    static const char *const port[] = {
        "26", "\"26\"", "[null, 26]", "[\"x\", 26]", "26.5", "\"26.9\"",
        "-0", "1e3", "\"\\u0032\\u0036\"", "[\"\", 26]",
    };

    for (size_t i = 0; i < sizeof no_port / sizeof no_port[0]; i++) {
        if (has(state, PORT, no_port[i]))
            fail_msg("destination.port:* holds for %s", no_port[i]);
    }
    for (size_t i = 0; i < sizeof port / sizeof port[0]; i++) {
        if (!has(state, PORT, port[i]))
            fail_msg("destination.port:* fails for %s", port[i]);
    }
    assert_false(exists(state, "{\"destination\":{\"port\":\"\"}}", PORT));
    assert_false(exists(state, "{\"destination\":{\"port\":\"-\"}}", PORT));
    assert_false(exists(state, "{\"destination\":{\"port\":\"x\"}}", PORT));
    assert_false(exists(state, "{\"destination\":{\"port\":true}}", PORT));
    assert_false(exists(state, "{\"destination\":{\"port\":{\"a\":1}}}",
                        PORT));
    assert_true(exists(state, "{\"destination\":{\"port\":26}}", PORT));
    assert_true(exists(state, "{\"destination\":{\"port\":\"26\"}}", PORT));
    assert_true(exists(state, "{\"destination\":{\"port\":[null, 26]}}",
                       PORT));
    /* a short holds what fits in a short */
    assert_false(has(state, SH, "40000"));
    assert_false(has(state, SH, "\"40000\""));
    assert_true(has(state, SH, "32767.9"));
    assert_true(has(state, SH, "[40000, 1]"));
}

static void
test_exists_ip_boolean_keyword(void **state)
{
    /* ip: an address, scope ids allowed; anything else is none */
    assert_false(has(state, SIP, "\"-\""));
    assert_false(has(state, SIP, "\"bad\""));
    assert_false(has(state, SIP, "\"\""));
    assert_false(has(state, SIP, "167772165"));
    assert_false(has(state, SIP, "true"));
    assert_false(has(state, SIP, "{\"a\":\"10.0.0.1\"}"));
    assert_false(has(state, SIP, "\"10.0.0.1/8\""));
    assert_false(has(state, SIP, "\"10.0.0.1%eth0\""));
    assert_true(has(state, SIP, "\"::1\""));
    assert_true(has(state, SIP, "\"10.0.0.1\""));
    assert_true(has(state, SIP, "\"fe80::1%eth0\""));
    assert_true(has(state, SIP, "[\"bad\", \"::1\"]"));
    /* boolean: true, false, their strings, and "" (false) */
    assert_true(has(state, B, "true"));
    assert_true(has(state, B, "false"));
    assert_true(has(state, B, "\"true\""));
    assert_true(has(state, B, "\"false\""));
    assert_true(has(state, B, "\"\""));
    assert_false(has(state, B, "\"yes\""));
    assert_false(has(state, B, "\"True\""));
    assert_false(has(state, B, "1"));
    assert_false(has(state, B, "{\"a\":true}"));
    /* keyword-like fields: scalars within ignore_above, never objects */
    assert_false(has(state, K, "{\"x\":\"v\"}"));
    assert_true(has(state, K, "[{\"x\":1}, \"v\"]"));
    assert_false(has(state, W, "{\"x\":\"v\"}"));
    assert_true(has(state, W, "7"));
    assert_false(has(state, CK, "{\"x\":\"v\"}"));
    assert_true(has(state, CK, "\"zeek.smtp\""));
    assert_false(has(state, SHORT, "[\"abcdef\", {\"x\":\"v\"}]"));
}

/*
 * The LIMIT in krt_exists: a type the runtime does not read by type
 * (text) counts any non-null scalar and any object holding one.
 */
static void
test_exists_unread_types(void **state)
{
    assert_true(has(state, TXT, "{\"x\":1}"));
    assert_false(has(state, TXT, "null"));
    assert_false(has(state, TXT, "{\"x\":null}"));
}

/*
 * A double exists when Elasticsearch indexes a finite number: words,
 * "", objects, NaN and infinities are none (the document would be
 * refused), numeric strings in Java's syntax are.
 */
static void
test_exists_double(void **state)
{
    assert_true(has(state, DBL, "0.5"));
    assert_true(has(state, DBL, "\" 0.5d \""));
    assert_true(has(state, DBL, "\"0x1p-1\""));
    assert_true(has(state, DBL, "[\"x\", 1]"));
    assert_false(has(state, DBL, "\"not a number\""));
    assert_false(has(state, DBL, "\"\""));
    assert_false(has(state, DBL, "\"NaN\""));
    assert_false(has(state, DBL, "\"-Infinity\""));
    assert_false(has(state, DBL, "1e400"));
    assert_false(has(state, DBL, "true"));
    assert_false(has(state, DBL, "{\"x\":1}"));
    assert_false(has(state, DBL, "null"));
}

/* U+FFFD, which Lucene indexes in place of a lone surrogate. */
#define REPL "\xef\xbf\xbd"

/*
 * Regression (lone surrogates): a value holding a lone surrogate escape
 * was never compared, its whole line refused.  It compares as Lucene
 * indexes it, U+FFFD in place of the lone half: in keyword sets,
 * wildcards, ignore_above (one UTF-16 unit) and text analysis; no
 * number, address or boolean reads it.
 */
static void
test_lone_surrogate_values(void **state)
{
    static const struct krt_str a_any[] = { S("a"), S("") };
    static const struct krt_str repl_in[] = { S(""), S(REPL), S("") };
    static const struct krt_str quick[] = { S("quick") };
    static const struct krt_str quick_brown[] = { S("quick"), S("brown") };

    assert_true(KW(state, K, "\"\\ud800\"", REPL));
    assert_true(KW(state, K, "\"a\\uDC00b\"", "a" REPL "b"));
    assert_false(KW(state, K, "\"a\\uDC00b\"", "ab"));
    assert_true(KW(state, K, "\"\\ud83d\\ud83d\\ude00\"",
                   REPL "\xf0\x9f\x98\x80"));
    assert_true(KW(state, K, "[\"\\udc00\", \"tcp\"]", "tcp"));
    assert_true(wild(state, "\"a\\ud800\"", a_any, 2));
    assert_true(wild(state, "\"x\\udfffy\"", repl_in, 3));
    assert_false(wild(state, "\"xy\"", repl_in, 3));
    assert_true(KW(state, SHORT, "\"\\ud800\\ud800\\ud800\\ud800\\ud800\"",
                   REPL REPL REPL REPL REPL));
    assert_false(has(state, SHORT, "\"\\ud800\\ud800\\ud800\\ud800\\ud800"
                                   "\\ud800\""));
    assert_true(krt_any_text_token(one(state, TXT, "\"Quick\\ud800brown\""),
                                   TXT, quick, 1));
    assert_true(krt_any_text_phrase(one(state, TXT,
                                        "\"Quick\\ud800brown\""),
                                    TXT, quick_brown, 2));
    assert_false(has(state, PORT, "\"2\\ud8006\""));
    assert_true(has(state, PORT, "[\"\\ud800\", 26]"));
    assert_false(has(state, SIP, "\"10.0.0.1\\udc00\""));
    assert_false(has(state, B, "\"true\\ud800\""));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_bytes),
        cmocka_unit_test(test_escapes_decoded),
        cmocka_unit_test(test_scalars_as_text),
        cmocka_unit_test(test_ignore_above),
        cmocka_unit_test(test_set_membership),
        cmocka_unit_test(test_wildcards),
        cmocka_unit_test(test_wildcards_edges),
        cmocka_unit_test(test_booleans),
        cmocka_unit_test(test_exists),
        cmocka_unit_test(test_exists_needs_readable_value),
        cmocka_unit_test(test_exists_ip_boolean_keyword),
        cmocka_unit_test(test_exists_unread_types),
        cmocka_unit_test(test_exists_double),
        cmocka_unit_test(test_lone_surrogate_values),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
