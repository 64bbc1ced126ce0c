/*
 * test_runtime_scan.c - the event scanner: which lines it accepts, where
 * and why it rejects the others, and which values it finds where.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "runtime_test.h"

enum { ABC, AB, X, ARRV, D, QUOTE, UACC, EMPTYPART, A, REPL };

static const struct krt_field fields[] = {
    [ABC] = { "a.b.c", KRT_KEYWORD, 0 },
    [AB] = { "a.b", KRT_KEYWORD, 0 },
    [X] = { "x", KRT_KEYWORD, 0 },
    [ARRV] = { "arr.v", KRT_KEYWORD, 0 },
    [D] = { "d", KRT_LONG, 0 },
    [QUOTE] = { "e\"q", KRT_KEYWORD, 0 },
    [UACC] = { "u.\xc3\xa9", KRT_KEYWORD, 0 },
    [EMPTYPART] = { "a..b", KRT_KEYWORD, 0 },
    [A] = { "a", KRT_OBJECT, 0 },
    [REPL] = { "r.\xef\xbf\xbd", KRT_KEYWORD, 0 },
};

#define NFIELDS ((krt_u32)(sizeof fields / sizeof fields[0]))

static int
setup(void **state)
{
    struct rt *t = calloc(1, sizeof *t);

    if (!t)
        return -1;
    t->sc = krt_scanner_new(fields, NFIELDS);
    *state = t;
    return t->sc ? 0 : -1;
}

static int
teardown(void **state)
{
    struct rt *t = *state;

    krt_scanner_free(t->sc);
    free(t);
    return 0;
}

/* Assert that 'field' holds exactly the strings of 'want' (NULL ends). */
static void
expect_strings(struct krt_event *ev, krt_u32 field, const char *const *want)
{
    int n = 0;

    for (; want[n]; n++)
        rt_expect(ev, field, n, KRT_V_STRING, want[n]);
    assert_int_equal(rt_count(ev, field), n);
}

#define STRINGS(ev, field, ...)                                           \
    do {                                                                  \
        static const char *const want_[] = { __VA_ARGS__, NULL };         \
        expect_strings(ev, field, want_);                                 \
    } while (0)

/* ------------------------------------------------------- extraction */

static void
test_nested_dotted_mixed(void **state)
{
    struct rt *t = *state;
    struct krt_event *ev;

    STRINGS(rt_event(t, "{\"a\":{\"b\":{\"c\":\"v1\"}}}"), ABC, "v1");
    STRINGS(rt_event(t, "{\"a.b.c\":\"v2\"}"), ABC, "v2");
    STRINGS(rt_event(t, "{\"a.b\":{\"c\":\"v3\"}}"), ABC, "v3");
    STRINGS(rt_event(t, "{\"a\":{\"b.c\":\"v4\"}}"), ABC, "v4");
    ev = rt_event(t, "{\"a\":{\"b\":{\"c\":\"1\"},\"b.c\":\"4\"},"
                     "\"a.b.c\":\"2\",\"a.b\":{\"c\":\"3\"}}");
    STRINGS(ev, ABC, "1", "4", "2", "3");
    /* a.b is an object in each of those */
    ev = rt_event(t, "{\"a\":{\"b\":{\"c\":\"v1\"}}}");
    rt_expect(ev, AB, 0, KRT_V_OBJECT, NULL);
    assert_int_equal(rt_count(ev, AB), 1);
    assert_true(rt_value(ev, AB, 0)->flags & KRT_VF_LEAF);
    ev = rt_event(t, "{\"a.b.c\":\"v2\"}");
    rt_expect(ev, AB, 0, KRT_V_OBJECT, NULL);
    rt_expect(ev, A, 0, KRT_V_OBJECT, NULL);
    assert_int_equal(rt_count(ev, A), 1);
}

static void
test_lookalikes_not_found(void **state)
{
    struct rt *t = *state;
    struct krt_event *ev;

    static const char *const lines[] = {
        "{\"ab\":{\"c\":\"n\"}}", "{\"a\":{\"bc\":\"n\"}}",
        "{\"A\":{\"b\":{\"c\":\"n\"}}}", "{\"a.b.c \":\"n\"}",
        "{\"x\":{\"a\":{\"b\":{\"c\":\"n\"}}}}", "{\"a.b .c\":1}",
        "{\"arr\":[{\"w\":\"n\"}]}",
    };

    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        ev = rt_event(t, lines[i]);
        if (rt_count(ev, ABC) != 0)
            fail_msg("a.b.c found in %s", lines[i]);
    }
    /* a key that runs past a.b.c puts its value inside a.b.c */
    ev = rt_event(t, "{\"a\":{\"b\":{\"c.d\":\"n\"}}}");
    assert_int_equal(rt_count(ev, ABC), 1);
    rt_expect(ev, ABC, 0, KRT_V_OBJECT, NULL);
    /* a deeper object under a.b.c is an object value, not a string */
    ev = rt_event(t, "{\"a\":{\"b\":{\"c\":{\"d\":1}}}}");
    rt_expect(ev, ABC, 0, KRT_V_OBJECT, NULL);
    /* a path with an empty part names nothing any line holds */
    ev = rt_event(t, "{\"a\":{\"b\":\"n\"},\"a.b\":\"n\"}");
    assert_int_equal(rt_count(ev, EMPTYPART), 0);
}

static void
test_arrays(void **state)
{
    struct rt *t = *state;
    struct krt_event *ev;

    ev = rt_event(t, "{\"x\":[1,\"two\",true,null,{\"y\":1},[3,[false]],"
                     "[]]}");
    assert_int_equal(rt_count(ev, X), 7);
    rt_expect(ev, X, 0, KRT_V_NUMBER, "1");
    rt_expect(ev, X, 1, KRT_V_STRING, "two");
    rt_expect(ev, X, 2, KRT_V_TRUE, "true");
    rt_expect(ev, X, 3, KRT_V_NULL, NULL);
    rt_expect(ev, X, 4, KRT_V_OBJECT, NULL);
    rt_expect(ev, X, 5, KRT_V_NUMBER, "3");
    rt_expect(ev, X, 6, KRT_V_FALSE, "false");
    ev = rt_event(t, "{\"a\":[{\"b\":{\"c\":\"p\"}},{\"b\":[{\"c\":\"q\"},"
                     "{\"c\":[\"r\",[\"s\"]]}]},{\"b.c\":\"t\"}],"
                     "\"a.b\":[{\"c\":\"u\"}]}");
    STRINGS(ev, ABC, "p", "q", "r", "s", "t", "u");
    ev = rt_event(t, "{\"arr\":[[{\"v\":\"1\"}],{\"v\":[\"2\"]}],"
                     "\"arr.v\":\"3\"}");
    STRINGS(ev, ARRV, "1", "2", "3");
}

static void
test_escaped_keys(void **state)
{
    struct rt *t = *state;

    STRINGS(rt_event(t, "{\"\\u0061.b.c\":\"k1\"}"), ABC, "k1");
    STRINGS(rt_event(t, "{\"a\\u002eb.c\":\"k2\"}"), ABC, "k2");
    STRINGS(rt_event(t, "{\"a\":{\"\\u0062\":{\"c\":\"k3\"}}}"), ABC, "k3");
    STRINGS(rt_event(t, "{\"e\\\"q\":\"k4\"}"), QUOTE, "k4");
    STRINGS(rt_event(t, "{\"u\":{\"\\u00e9\":\"k5\"},\"u.\xc3\xa9\":\"k6\"}"),
            UACC, "k5", "k6");
    STRINGS(rt_event(t, "{\"u.\\u00E9\":\"k7\"}"), UACC, "k7");
    assert_int_equal(rt_count(rt_event(t, "{\"a\\\\b.c\":\"n\"}"), ABC), 0);
}

/*
 * Regression: a key repeated in one object was kept, each value added to
 * the field; Elasticsearch parses with strict duplicate detection and
 * refuses such a document, so the line is malformed and never
 * evaluated.  Keys compare decoded, and within one object only.
 */
static void
test_duplicate_keys_rejected(void **state)
{
    static const struct bad {
        const char *line;
        size_t col;
        const char *reason;
    } dups[] = {
        { "{\"d\":1,\"d\":2}", 8, "duplicate key 'd'" },
        { "{\"d\":1,\"d\":\"2\",\"d\":[3,null]}", 8, "duplicate key 'd'" },
        { "{\"destination\":{\"port\":26,\"port\":27}}", 27,
          "duplicate key 'port'" },
        { "{\"destination\":{\"port\":27},\"destination\":{\"port\":26}}",
          28, "duplicate key 'destination'" },
        { "{\"destination.port\":26,\"destination.port\":27}", 24,
          "duplicate key 'destination.port'" },
        { "{\"d\":1,\"\\u0064\":2}", 8, "duplicate key '\\u0064'" },
        { "{\"\\u0064\":1,\"d\":2}", 13, "duplicate key 'd'" },
        { "{\"e\\\"q\":1,\"e\\u0022q\":2}", 11,
          "duplicate key 'e\\u0022q'" },
        { "{\"a\":[{\"b\":1,\"b\":2}]}", 14, "duplicate key 'b'" },
        { "{\"a\":{\"x\":{},\"y\":1,\"y\":2}}", 20, "duplicate key 'y'" },
        { "{\"x.\":1,\"x.\":2}", 9, "duplicate key 'x.'" },
        { "{\"\\ud800\":1,\"\\ud800\":2}", 13, "duplicate key '\\ud800'" },
        { "{\"\\ud800\\udc00\":1,\"\xf0\x90\x80\x80\":2}", 19,
          "duplicate key '\xf0\x90\x80\x80'" },
    };
    struct rt *t = *state;

    for (size_t i = 0; i < sizeof dups / sizeof dups[0]; i++) {
        struct krt_scan_error err = { 0, NULL };
        const char *s = dups[i].line;

        if (rt_status(t, s, strlen(s), &err) != KRT_SCAN_MALFORMED)
            fail_msg("accepted: %s", s);
        if (err.col != dups[i].col || strcmp(err.reason, dups[i].reason))
            fail_msg("%s: column %zu '%s', want %zu '%s'", s, err.col,
                     err.reason, dups[i].col, dups[i].reason);
    }
}

/* The same key in different objects, or a dotted key and an object. */
static void
test_same_key_elsewhere(void **state)
{
    struct rt *t = *state;
    struct krt_event *ev;

    ev = rt_event(t, "{\"a.b\":\"1\",\"a\":{\"b\":\"2\"}}");
    STRINGS(ev, AB, "1", "2");
    ev = rt_event(t, "{\"a\":{\"b\":{\"c\":\"1\"}},\"x\":{\"a\":1,\"b\":2},"
                     "\"arr\":[{\"v\":\"2\"},{\"v\":\"3\"}],\"b\":4}");
    STRINGS(ev, ABC, "1");
    STRINGS(ev, ARRV, "2", "3");
    /* a key seen in a closed object may come again in its parent */
    ev = rt_event(t, "{\"a\":{\"c\":{\"x\":0}},\"x\":\"1\",\"c\":2}");
    STRINGS(ev, X, "1");
    STRINGS(rt_event(t, "{\"x\":[\"1\"],\"y\":{\"x\":2}}"), X, "1");
}

/* Keys differing in one byte, case, or length are different keys. */
static void
test_near_keys(void **state)
{
    struct rt *t = *state;

    rt_event(t, "{\"d\":1,\"D\":2,\"dd\":3,\"d \":4,\" d\":5}");
    rt_event(t, "{\"abcdefgh1\":1,\"abcdefgh2\":2,\"abcdefghi\":3}");
    rt_event(t, "{\"\\u00e9\":1,\"\\u00c9\":2,\"e\":3}");
}

/* A growing line, for objects of many keys. */
struct buf {
    char *p;
    size_t len;
    size_t cap;
};

static void
add(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        assert_true(n >= 0);
        if ((size_t)n < b->cap - b->len)
            break;
        b->cap = b->cap ? b->cap * 2 + (size_t)n : 4096;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    b->len += (size_t)n;
}

/* {"k0":0,...,"k<n-1>":0} with key 'again' repeated at the end (-1: no). */
static void
keys_line(struct buf *b, int n, int again)
{
    b->len = 0;
    add(b, "{");
    for (int i = 0; i < n; i++)
        add(b, "%s\"k%d\":%d", i ? "," : "", i, i);
    if (again >= 0)
        add(b, ",\"\\u006b%d\":0", again); /* written differently */
    add(b, "}");
}

/*
 * Regression (duplicate keys): small objects compare keys in a row,
 * larger ones through an index that grows; a repeat of any key is found
 * wherever the object stands in that growth.
 */
static void
test_duplicates_any_size(void **state)
{
    struct rt *t = *state;
    struct buf b = { 0 };
    struct krt_scan_error err;

    for (int n = 1; n <= 300; n += n < 40 ? 1 : 37) {
        keys_line(&b, n, -1);
        rt_event(t, b.p);
        for (int i = 0; i < n; i++) {
            if (i != 0 && (i % 10 != 0 || i < 10))
                continue;
            keys_line(&b, n, i);
            if (rt_status(t, b.p, b.len, &err) != KRT_SCAN_MALFORMED)
                fail_msg("%d keys: repeat of k%d accepted", n, i);
        }
    }
    free(b.p);
}

/* Regression (duplicate keys): 100000 keys, then one of them again. */
static void
test_duplicates_many_keys(void **state)
{
    struct rt *t = *state;
    struct buf b = { 0 };
    struct krt_scan_error err;
    char want[64];

    keys_line(&b, 100000, -1);
    rt_event(t, b.p);
    keys_line(&b, 100000, 71234);
    assert_int_equal(rt_status(t, b.p, b.len, &err), KRT_SCAN_MALFORMED);
    snprintf(want, sizeof want, "duplicate key '\\u006b%d'", 71234);
    assert_string_equal(err.reason, want);
    assert_int_equal(err.col, b.len - strlen(",\"\\u006b71234\":0}") + 2);
    free(b.p);
}

/*
 * Regression (duplicate keys): each open object keeps its own keys, at
 * every depth, however large; siblings start afresh.
 */
static void
test_duplicates_nested_objects(void **state)
{
    struct rt *t = *state;
    struct buf b = { 0 };
    struct krt_scan_error err;

    for (int bad = 0; bad < 2; bad++) {
        b.len = 0;
        add(&b, "{");
        for (int i = 0; i < 20; i++)
            add(&b, "\"k%d\":0,", i);
        add(&b, "\"o\":{");
        for (int i = 0; i < 30; i++)
            add(&b, "%s\"k%d\":{\"k%d\":[{\"k1\":1,\"k2\":2}]}", i ? "," : "",
                i, i);
        add(&b, "},\"p\":{");
        for (int i = 0; i < 30; i++)
            add(&b, "%s\"k%d\":0", i ? "," : "", i);
        add(&b, "},\"k20\":1%s}", bad ? ",\"k19\":1" : "");
        if (!bad)
            rt_event(t, b.p);
        else
            assert_int_equal(rt_status(t, b.p, b.len, &err),
                             KRT_SCAN_MALFORMED);
    }
    assert_string_equal(err.reason, "duplicate key 'k19'");
    free(b.p);
}

/* A long repeated key is named in part. */
static void
test_duplicate_long_key_named(void **state)
{
    struct rt *t = *state;
    struct buf b = { 0 };
    struct krt_scan_error err;
    char key[201];
    char want[128];

    memset(key, 'x', 200);
    key[200] = '\0';
    add(&b, "{\"%s\":1,\"%s\":2}", key, key);
    assert_int_equal(rt_status(t, b.p, b.len, &err), KRT_SCAN_MALFORMED);
    snprintf(want, sizeof want, "duplicate key '%.64s...'", key);
    assert_string_equal(err.reason, want);
    /* not cut inside a UTF-8 sequence: 'x' then two-byte characters */
    b.len = 0;
    add(&b, "{\"x");
    for (int i = 0; i < 40; i++)
        add(&b, "\xc3\xa9");
    add(&b, "\":1,\"x");
    for (int i = 0; i < 40; i++)
        add(&b, "\xc3\xa9");
    add(&b, "\":2}");
    assert_int_equal(rt_status(t, b.p, b.len, &err), KRT_SCAN_MALFORMED);
    assert_int_equal(strlen(err.reason), strlen("duplicate key 'x...'")
                                         + 62);
    free(b.p);
}

/* Values point into the line, undecoded, with their kind and flags. */
static void
test_raw_values(void **state)
{
    struct rt *t = *state;
    const char *line = "{\"x\":[\"s\\n\", -1.5e+3, false, null, \"plain\"]}";
    struct krt_event *ev = rt_event(t, line);
    const struct krt_value *v;

    v = rt_value(ev, X, 0);
    assert_int_equal(v->len, 3);
    assert_ptr_equal(v->text, line + 7);
    assert_true(v->flags & KRT_VF_ESCAPED);
    rt_expect(ev, X, 0, KRT_V_STRING, "s\n");
    v = rt_value(ev, X, 1);
    assert_int_equal(v->kind, KRT_V_NUMBER);
    assert_int_equal(v->len, 7);
    assert_memory_equal(v->text, "-1.5e+3", 7);
    v = rt_value(ev, X, 2);
    assert_int_equal(v->kind, KRT_V_FALSE);
    v = rt_value(ev, X, 3);
    assert_int_equal(v->kind, KRT_V_NULL);
    assert_memory_equal(v->text, "null", 4);
    v = rt_value(ev, X, 4);
    assert_false(v->flags & KRT_VF_ESCAPED);
    assert_ptr_equal(v->text, line + 36);
}

/* Each line starts afresh: nothing of the line before remains. */
static void
test_reuse(void **state)
{
    struct rt *t = *state;

    STRINGS(rt_event(t, "{\"x\":[\"1\",\"2\"],\"a.b.c\":\"3\"}"), X, "1",
            "2");
    assert_int_equal(rt_count(rt_event(t, "{\"y\":1}"), X), 0);
    assert_int_equal(rt_count(t->ev, ABC), 0);
    assert_null(krt_value_first(t->ev, NFIELDS));
}

/* Many values and long escaped strings make the buffers grow. */
static void
test_growth(void **state)
{
    struct rt *t = *state;
    size_t n = 100000, len = 0;
    char *line = malloc(n * 12 + 64);
    struct krt_event *ev;

    assert_non_null(line);
    len += (size_t)sprintf(line, "{\"x\":[");
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(line + len, "%s\"\\u0041%zu\"", i ? "," : "",
                               i % 10);
    sprintf(line + len, "]}");
    ev = rt_event(t, line);
    assert_int_equal(rt_count(ev, X), (int)n);
    rt_expect(ev, X, 99999, KRT_V_STRING, "A9");
    free(line);
}

static void
test_defaults(void **state)
{
    struct rt t;
    struct krt_event *ev;

    (void)state;
    rt_open(&t, fields, NFIELDS);
    assert_true(krt_scanner_set_default(t.sc, X, "d\"\\f", 4));
    assert_false(krt_scanner_set_default(t.sc, NFIELDS, "z", 1));
    STRINGS(rt_event(&t, "{\"y\":1}"), X, "d\"\\f");
    STRINGS(rt_event(&t, "{\"x\":\"own\"}"), X, "own");
    STRINGS(rt_event(&t, "{\"x\":[]}"), X, "d\"\\f");
    ev = rt_event(&t, "{\"x\":null}");
    assert_int_equal(rt_count(ev, X), 2);
    rt_expect(ev, X, 1, KRT_V_STRING, "d\"\\f");
    ev = rt_event(&t, "{\"x\":[null, 0]}");
    assert_int_equal(rt_count(ev, X), 2);
    rt_expect(ev, X, 1, KRT_V_NUMBER, "0");
    assert_int_equal(rt_count(rt_event(&t, "{\"y\":1}"), ABC), 0);
    rt_close(&t);
}

/* ------------------------------------------------------- validation */

struct bad {
    const char *line;
    size_t col;
    const char *reason;
};

static const struct bad bad_lines[] = {
    { "[]", 1, "an event must be a JSON object" },
    { "\"x\"", 1, "an event must be a JSON object" },
    { "  1", 3, "an event must be a JSON object" },
    { "null", 1, "an event must be a JSON object" },
    { "\xef\xbb\xbf{}", 1, "an event must be a JSON object" },
    { "{", 2, "line ends where a key was expected" },
    { "{\"a\":1", 7, "line ends inside an object" },
    { "{\"a\":[1", 8, "line ends inside an array" },
    { "{\"a\":", 6, "line ends where a value was expected" },
    { "{\"a\":\"x", 8, "line ends inside a string" },
    { "{\"a\\\":1}", 9, "line ends inside a string" },
    { "{\"a\":1,}", 8, "expected a string key" },
    { "{a:1}", 2, "expected a string key" },
    { "{'a':1}", 2, "expected a string key" },
    { "{,}", 2, "expected a string key" },
    { "{\"a\" 1}", 6, "expected ':' after a key" },
    { "{\"a\":1,\"b\"}", 11, "expected ':' after a key" },
    { "{\"a\":}", 6, "expected a value" },
    { "{\"a\":1}}", 8, "unexpected text after the object" },
    { "{\"a\":1} x", 9, "unexpected text after the object" },
    { "{}{}", 3, "unexpected text after the object" },
    { "{\"a\":1 2}", 8, "expected ',' or '}' after a member" },
    { "{\"a\":[1,2}", 10, "expected ',' or ']' after an element" },
    { "{\"a\":[1,]}", 9, "expected a value" },
    { "{\"a\":[,1]}", 7, "expected a value" },
    { "{\"a\":01}", 6, "invalid number" },
    { "{\"a\":-01}", 6, "invalid number" },
    { "{\"a\":1.}", 6, "invalid number" },
    { "{\"a\":1.e5}", 6, "invalid number" },
    { "{\"a\":.5}", 6, "expected a value" },
    { "{\"a\":-}", 6, "invalid number" },
    { "{\"a\":+1}", 6, "expected a value" },
    { "{\"a\":1e}", 6, "invalid number" },
    { "{\"a\":1e+}", 6, "invalid number" },
    { "{\"a\":0x1}", 7, "expected ',' or '}' after a member" },
    { "{\"a\":tru}", 6, "invalid literal" },
    { "{\"a\":True}", 6, "expected a value" },
    { "{\"a\":nul}", 6, "invalid literal" },
    { "{\"a\":nulll}", 10, "expected ',' or '}' after a member" },
    { "{\"a\":NaN}", 6, "expected a value" },
    { "{\"a\":\"\\x\"}", 7, "invalid escape in a string" },
    { "{\"a\":\"\\U0041\"}", 7, "invalid escape in a string" },
    { "{\"a\":\"\\u12\"}", 7, "invalid \\u escape in a string" },
    { "{\"a\":\"\\u12G4\"}", 7, "invalid \\u escape in a string" },
    { "{\"a\":\"\\uD800\\u12\"}", 13, "invalid \\u escape in a string" },
    { "{\"a\":\"\t\"}", 7, "control character in a string" },
    { "{\"a\":\"\x1f\"}", 7, "control character in a string" },
    { "{\"\n\":1}", 3, "control character in a string" },
    { "{\"a\":\"\xc0\x80\"}", 7, "invalid UTF-8 in a string" },
    { "{\"a\":\"\xc1\xbf\"}", 7, "invalid UTF-8 in a string" },
    { "{\"a\":\"\xe0\x80\x80\"}", 7, "invalid UTF-8 in a string" },
    { "{\"a\":\"\xe0\x9f\xbf\"}", 7, "invalid UTF-8 in a string" },
    { "{\"a\":\"\xed\xa0\x80\"}", 7, "invalid UTF-8 in a string" },
    { "{\"a\":\"\xf0\x8f\xbf\xbf\"}", 7, "invalid UTF-8 in a string" },
    { "{\"a\":\"\xf4\x90\x80\x80\"}", 7, "invalid UTF-8 in a string" },
    { "{\"a\":\"\xf5\x80\x80\x80\"}", 7, "invalid UTF-8 in a string" },
    { "{\"a\":\"x\x80\"}", 8, "invalid UTF-8 in a string" },
    { "{\"a\":\"\xe2\x82\"}", 7, "invalid UTF-8 in a string" },
    { "{\"a\":\"\xe2\x82", 7, "invalid UTF-8 in a string" },
    { "{\"a\":\"\xc3\xa9\xff\"}", 9, "invalid UTF-8 in a string" },
    { "{\"a\":1\xc3\xa9}", 7, "expected ',' or '}' after a member" },
    { "{\"a\":1}\f", 8, "unexpected text after the object" },
    { "{\x0b}", 2, "expected a string key" },
};

static void
test_rejected_lines(void **state)
{
    struct rt *t = *state;

    for (size_t i = 0; i < sizeof bad_lines / sizeof bad_lines[0]; i++) {
        const struct bad *b = &bad_lines[i];
        struct krt_scan_error err = { 0, NULL };
        enum krt_scan_status st;

        st = rt_status(t, b->line, strlen(b->line), &err);
        if (st != KRT_SCAN_MALFORMED)
            fail_msg("accepted: %s", b->line);
        if (err.col != b->col || strcmp(err.reason, b->reason) != 0)
            fail_msg("%s: column %zu '%s', want %zu '%s'", b->line, err.col,
                     err.reason, b->col, b->reason);
    }
}

static void
test_nul_bytes(void **state)
{
    struct rt *t = *state;
    struct krt_scan_error err;

    assert_int_equal(rt_status(t, "{\"a\":\"\0\"}", 9, &err),
                     KRT_SCAN_MALFORMED);
    assert_int_equal(err.col, 7);
    assert_int_equal(rt_status(t, "{\"a\":1}\0", 8, &err), KRT_SCAN_MALFORMED);
    assert_int_equal(err.col, 8);
    assert_int_equal(rt_status(t, "{\"a\":1}", 6, &err), KRT_SCAN_MALFORMED);
    assert_int_equal(rt_status(t, "{\"a\":1} x", 7, &err), KRT_SCAN_EVENT);
}

static const char *const good_lines[] = {
    "{}", " {} ", "{}\r", "\t{\"a\":1}\t", "{\"a\":[]}", "{\"a\":{}}",
    "{\"a\":\"\"}", "{\"a\":-0}", "{\"a\":0.0e-0}", "{\"a\":1E+2}",
    "{\"a\":-12.50e007}", "{\"a\":\"\\u0000\"}", "{\"a\":\"\\uD83D\\uDE00\"}",
    "{\"a\":\"\\uDBFF\\uDFFF\"}", "{\"a\":\"\xc3\xa9\"}",
    "{\"a\":\"\xf0\x9f\x98\x80\"}", "{\"a\":\"\xf4\x8f\xbf\xbf\"}",
    "{\"a\":\"\xef\xbf\xbf\xee\x80\x80\xed\x9f\xbf\"}",
    "{\"a\":\"\\u00e9\\/\\\\\\\"\\b\\f\\n\\r\\t\"}", "{\"a\":\"\x7f\"}",
    " { \"a\" : [ 1 , 2 ] , \"b\" : { } } ", "{\"a\":\n1}",
    "{\"a\":true,\"b\":false,\"c\":null}", "{\"a\":[[[[]]]]}",
    "{\"a\":1e400}", "{\"\\u0000\":1}",
};

static void
test_accepted_lines(void **state)
{
    struct rt *t = *state;

    for (size_t i = 0; i < sizeof good_lines / sizeof good_lines[0]; i++) {
        struct krt_scan_error err = { 0, NULL };
        const char *s = good_lines[i];

        if (rt_status(t, s, strlen(s), &err) != KRT_SCAN_EVENT)
            fail_msg("rejected at %zu (%s): %s", err.col, err.reason, s);
    }
}

static void
test_blank_lines(void **state)
{
    struct rt *t = *state;
    static const char *const blank[] = { "", " ", "\t \r", "\r", "\n \n" };
    struct krt_scan_error err;

    for (size_t i = 0; i < sizeof blank / sizeof blank[0]; i++)
        assert_int_equal(rt_status(t, blank[i], strlen(blank[i]), &err),
                         KRT_SCAN_BLANK);
    assert_int_equal(rt_status(t, "\f", 1, &err), KRT_SCAN_MALFORMED);
}

/* ------------------------------------------------------ field names */

/* Scan 'line' and require it malformed at 'col' for 'reason'. */
static void
expect_bad(struct rt *t, const char *line, size_t col, const char *reason)
{
    struct krt_scan_error err = { 0, NULL };

    if (rt_status(t, line, strlen(line), &err) != KRT_SCAN_MALFORMED)
        fail_msg("accepted: %s", line);
    if (err.col != col || strcmp(err.reason, reason) != 0)
        fail_msg("%s: column %zu '%s', want %zu '%s'", line, err.col,
                 err.reason, col, reason);
}

/*
 * Keys Elasticsearch makes no field name of, as JSON writes them, and
 * why.  White space is Java's: U+3000, U+2003 and U+2028 are, U+00A0,
 * U+2007 and U+202F (no-break spaces) are not.
 */
static const struct refused {
    const char *key;
    const char *why;
} refused_keys[] = {
    { "", "field name cannot be empty" },
    { " ", "field name ' ' is only white space" },
    { "   \\t", "field name '   \\t' is only white space" },
    { "\\n\\r\\f\\u000b\\u001c\\u001f",
      "field name '\\n\\r\\f\\u000b\\u001c\\u001f' is only white space" },
    { "\xe3\x80\x80", "field name '\xe3\x80\x80' is only white space" },
    { " \\u2028\\u3000\xe2\x80\x83\xe1\x9a\x80\xe2\x81\x9f\xe2\x80\xa9",
      "field name ' \\u2028\\u3000\xe2\x80\x83\xe1\x9a\x80\xe2\x81\x9f"
      "\xe2\x80\xa9' is only white space" },
    { ".", "field name '.' is only dots" },
    { "....", "field name '....' is only dots" },
    { "\\u002e", "field name '\\u002e' is only dots" },
    { ".x", "field name '.x' has an empty part" },
    { "a..b", "field name 'a..b' has an empty part" },
    { "a.\\u002eb", "field name 'a.\\u002eb' has an empty part" },
    { "..a.", "field name '..a.' has an empty part" },
    { ". ", "field name '. ' has an empty part" },
    { "abcdefg..hijklmn", "field name 'abcdefg..hijklmn' has an empty part" },
    { "abcdefgh..ijklmn", "field name 'abcdefgh..ijklmn' has an empty part" },
    { "a. .b", "field name 'a. .b' has a part of only white space" },
    { " .a", "field name ' .a' has a part of only white space" },
    { " .", "field name ' .' has a part of only white space" },
    { "a.\xe2\x80\x83", "field name 'a.\xe2\x80\x83' has a part of only"
      " white space" },
    { "source.\\t.ip", "field name 'source.\\t.ip' has a part of only white"
      " space" },
    { "abcdefghijklmnopqrstuvwxyz.abcdefghijklmnopqrstuvwxyz.abcdefghijklmn"
      "..z", "field name 'abcdefghijklmnopqrstuvwxyz.abcdefghijklmnopqrstuvwx"
      "yz.abcdefghij...' has an empty part" },
};

/* Where a key goes in a test line: its prefix, and the line's rest. */
static const struct {
    const char *before;
    const char *after;
} places[] = {
    { "{", ":1}" },
    { "{", ":1,\"padding\":\"long enough to read keys by words\"}" },
    { "{\"d\":1,\"x\":{\"y\":2},", ":[1]}" },
    { "{\"x\":[{\"y\":1},{\"z\":{\"w\":[[{", ":null}]]}}]}" },
    { "{\"a\":{\"b.c\":{\"c\":{", ":{\"e\":1}}}},\"z\":0}" },
};

/*
 * Regression: keys Elasticsearch refuses ("", " ", ".", ".x", "a..b",
 * "a. .b") were taken, so events it never indexes were evaluated; such
 * a line is malformed, whichever object holds the key, at any depth,
 * in arrays too, the key named as written.
 */
static void
test_refused_field_names(void **state)
{
    struct rt *t = *state;
    char line[512];

    for (size_t i = 0; i < sizeof refused_keys / sizeof refused_keys[0];
         i++) {
        for (size_t j = 0; j < sizeof places / sizeof places[0]; j++) {
            snprintf(line, sizeof line, "%s\"%s\"%s", places[j].before,
                     refused_keys[i].key, places[j].after);
            expect_bad(t, line, strlen(places[j].before) + 1,
                       refused_keys[i].why);
        }
    }
}

/*
 * Names Elasticsearch takes though they look odd: white space inside,
 * at an end, or not Java's; dots at the end, which it drops.
 */
static void
test_odd_field_names_taken(void **state)
{
    static const char *const keys[] = {
        " x", "x ", "a b", "a. b", "a .b", " a . b ", "\\u00a0",
        "\xc2\xa0", "\xe2\x80\x87", "\\u202f", "\\u200b", "\\u0085",
        "\\u180e", "\\u0000", "x.", "x..", "a.b.", "a.b...", "_", "-",
        "\\ud800", "\\udc00 ", "\xef\xbf\xbd", "abcdefg.", "abcdefgh.",
        "abcdefgh.i.", "a.b.c.d.e.f.g.h.i.j",
    };
    struct rt *t = *state;
    char line[256];

    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        for (size_t j = 0; j < sizeof places / sizeof places[0]; j++) {
            snprintf(line, sizeof line, "%s\"%s\"%s", places[j].before,
                     keys[i], places[j].after);
            rt_event(t, line);
        }
    }
}

/*
 * Regression: a key ending in dots ran past the field ("a.b.c." put its
 * value inside a.b.c, as an object); Elasticsearch drops the dots, so
 * "x." is the field x.  Keys still compare as written for repeats.
 */
static void
test_final_dots_dropped(void **state)
{
    struct rt *t = *state;
    struct krt_event *ev;

    STRINGS(rt_event(t, "{\"a.b.c.\":\"v1\"}"), ABC, "v1");
    STRINGS(rt_event(t, "{\"a.b.\":{\"c..\":\"v2\"}}"), ABC, "v2");
    STRINGS(rt_event(t, "{\"a.\":{\"b\\u002e\":{\"c.\":[\"v3\"]}}}"), ABC,
            "v3");
    STRINGS(rt_event(t, "{\"padding.padding\":1,\"a.b.c.\":\"v4\"}"), ABC,
            "v4");
    ev = rt_event(t, "{\"x\":\"1\",\"x.\":\"2\",\"x..\":[\"3\"]}");
    STRINGS(ev, X, "1", "2", "3");
    ev = rt_event(t, "{\"a.b.\":\"v\"}");
    STRINGS(ev, AB, "v");
    assert_int_equal(rt_count(ev, ABC), 0);
}

/* Fields of a program that reads a flattened field. */
enum { FL, FLK, FLAB, OBJ };

static const struct krt_field flat_fields[] = {
    [FL] = { "fl", KRT_FLATTENED, 0 },
    [FLK] = { "fl.k", KRT_KEYWORD, 0 },
    [FLAB] = { "fl.a.b", KRT_KEYWORD, 0 },
    [OBJ] = { "obj.k", KRT_KEYWORD, 0 },
};

/*
 * The keys of a flattened field are its own, not field names:
 * Elasticsearch takes them as they are, at any depth below the field,
 * repeats aside.  Keys that lead to the field, and keys after it, are
 * field names still.
 */
static void
test_flattened_keys_as_they_are(void **state)
{
    static const struct krt_str two[] = { { 1, "2" } };
    struct rt t;
    struct krt_event *ev;

    (void)state;
    rt_open(&t, flat_fields, 4);
    rt_event(&t, "{\"fl\":{\"\":1,\" \":2,\".x\":3,\"a..b\":4,\".\":5}}");
    rt_event(&t, "{\"fl\":[{\"\":1},[{\"x\":{\"\":{\" . \":2}}}]]}");
    rt_event(&t, "{\"fl.\":{\"\":1},\"obj\":{\"k\":\"v\"}}");
    rt_event(&t, "{\"fl\":{\"padding.padding\":{\"a..b\":1}}}");
    ev = rt_event(&t, "{\"fl\":{\"k\":\"1\",\"k.\":\"2\",\"a.b\":\"3\"}}");
    rt_expect(ev, FLK, 0, KRT_V_STRING, "1");
    assert_false(krt_any_kw_in(ev, FLK, two, 1)); /* "k." is not k */
    STRINGS(ev, FLAB, "3");
    expect_bad(&t, "{\"fl\":{\"\":1,\"\":2}}", 13, "duplicate key ''");
    expect_bad(&t, "{\"fl\":{\"\":1},\"\":2}", 14,
               "field name cannot be empty");
    expect_bad(&t, "{\"fl.a..b\":1}", 2,
               "field name 'fl.a..b' has an empty part");
    expect_bad(&t, "{\"obj\":{\"fl\":{\"\":1}}}", 15,
               "field name cannot be empty");
    rt_close(&t);
}

/*
 * LIMIT(field-names): below a flattened field the program does not read
 * (dll.pe.imports in ECS), keys are checked all the same, and a line
 * Elasticsearch would take is malformed, with its reason.
 */
static void
test_unknown_flattened_limit(void **state)
{
    struct rt t;

    (void)state;
    rt_open(&t, flat_fields, 4);
    expect_bad(&t, "{\"dll\":{\"pe\":{\"imports\":{\"\":1}}}}", 26,
               "field name cannot be empty");
    rt_close(&t);
}

/* ------------------------------------------------- lone surrogates */

/*
 * Regression: a line holding a lone surrogate escape anywhere (\ud800
 * alone, \udc00 alone, a first half without its second) was malformed,
 * so whoever wrote one into any logged string hid the whole event from
 * every rule.  Jackson reads each \u escape as one UTF-16 unit, paired
 * or not, and Elasticsearch indexes the event; Lucene writes U+FFFD in
 * place of the lone half, which is what values decode to.
 */
static void
test_lone_surrogates_taken(void **state)
{
    static const struct {
        const char *value;
        const char *text;
    } cases[] = {
        { "\\ud800", "\xef\xbf\xbd" },
        { "\\uDC00", "\xef\xbf\xbd" },
        { "\\uDBFFx", "\xef\xbf\xbdx" },
        { "x\\udfff", "x\xef\xbf\xbd" },
        { "\\ud800\\u0041", "\xef\xbf\xbd" "A" },
        { "\\ud800\\ud800", "\xef\xbf\xbd\xef\xbf\xbd" },
        { "\\udc00\\ud800", "\xef\xbf\xbd\xef\xbf\xbd" },
        { "\\ud800\\ud800\\udc00", "\xef\xbf\xbd\xf0\x90\x80\x80" },
        { "\\ud800\\udc00\\udc00", "\xf0\x90\x80\x80\xef\xbf\xbd" },
        { "\\ud83d\\n\\ude00", "\xef\xbf\xbd\n\xef\xbf\xbd" },
        { "\\ud800\\\\udc00", "\xef\xbf\xbd\\udc00" },
        { "\\\\ud800", "\\ud800" },
        { "a\\ud800b\\udbffc\\udc00d", "a\xef\xbf\xbd" "b\xef\xbf\xbd"
          "c\xef\xbf\xbd" "d" },
    };
    struct rt *t = *state;
    char line[128];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *const want[] = { cases[i].text, cases[i].text, NULL };

        snprintf(line, sizeof line, "{\"x\":\"%s\"}", cases[i].value);
        expect_strings(rt_event(t, line), X, want + 1);
        snprintf(line, sizeof line, "{\"x\":[\"%s\",\"%s\"],\"d\":1}",
                 cases[i].value, cases[i].value);
        expect_strings(rt_event(t, line), X, want);
    }
}

/*
 * A key keeps its lone surrogates, as Elasticsearch's keys (Java
 * strings) do: "\ud800" is neither U+FFFD nor "\udc00", and two keys
 * are one only when their UTF-16 units are.
 */
static void
test_lone_surrogate_keys(void **state)
{
    struct rt *t = *state;

    assert_int_equal(rt_count(rt_event(t, "{\"r\":{\"\\ud800\":\"v\"}}"),
                              REPL), 0);
    STRINGS(rt_event(t, "{\"r\":{\"\\ufffd\":\"v\"}}"), REPL, "v");
    rt_event(t, "{\"\\ud800\":1,\"\\udc00\":2,\"\\ufffd\":3,\"\\udbff\":4}");
    rt_event(t, "{\"\\ud800\":1,\"\\ud800 \":2,\"\\ud800\\udc01\":3}");
    expect_bad(t, "{\"\\uD800\":1,\"\\ud800\":2}", 13,
               "duplicate key '\\ud800'");
    expect_bad(t, "{\"\\ud800.\\u0020\":1}", 2,
               "field name '\\ud800.\\u0020' has a part of only white"
               " space");
}

/* {"a":{"a":...{}...}} with 'levels' objects in all. */
static char *
nested(size_t levels, size_t *len)
{
    char *s = malloc(levels * 6 + 2);
    size_t n = 0;

    assert_non_null(s);
    for (size_t i = 1; i < levels; i++) {
        memcpy(s + n, "{\"a\":", 5);
        n += 5;
    }
    memcpy(s + n, "{}", 2);
    n += 2;
    memset(s + n, '}', levels - 1);
    n += levels - 1;
    *len = n;
    return s;
}

static void
test_depth_limit(void **state)
{
    struct rt *t = *state;
    struct krt_scan_error err;
    size_t len;
    char *s = nested(KRT_MAX_DEPTH, &len);

    assert_int_equal(rt_status(t, s, len, &err), KRT_SCAN_EVENT);
    free(s);
    s = nested(KRT_MAX_DEPTH + 1, &len);
    assert_int_equal(rt_status(t, s, len, &err), KRT_SCAN_MALFORMED);
    assert_string_equal(err.reason, "nesting deeper than 1000 levels");
    assert_int_equal(err.col, 5 * KRT_MAX_DEPTH + 1);
    free(s);
}

struct deep_job {
    struct krt_scanner *sc;
    char *line;
    size_t len;
    enum krt_scan_status status;
    struct krt_scan_error err;
};

static void *
scan_deep(void *arg)
{
    struct deep_job *job = arg;
    struct krt_event *ev;

    job->status = krt_scan_line(job->sc, job->line, job->len, &ev,
                                &job->err);
    return NULL;
}

/*
 * A line nested a million deep is rejected on a 64 KiB stack: the
 * scanner keeps its own stack and never recurses.
 */
static void
test_million_deep_small_stack(void **state)
{
    struct rt *t = *state;
    struct deep_job job = { t->sc, NULL, 3000002, KRT_SCAN_EVENT, { 0, 0 } };
    pthread_attr_t attr;
    pthread_t th;

    job.line = malloc(job.len);
    assert_non_null(job.line);
    job.line[0] = '{';
    memcpy(job.line + 1, "\"a\":", 4);
    memset(job.line + 5, '[', 1000000);
    memset(job.line + 1000005, ']', 1000000);
    memset(job.line + 2000005, ' ', job.len - 2000006);
    job.line[job.len - 1] = '}';
    assert_int_equal(pthread_attr_init(&attr), 0);
    assert_int_equal(pthread_attr_setstacksize(&attr, 64 * 1024), 0);
    assert_int_equal(pthread_create(&th, &attr, scan_deep, &job), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    pthread_attr_destroy(&attr);
    assert_int_equal(job.status, KRT_SCAN_MALFORMED);
    assert_string_equal(job.err.reason, "nesting deeper than 1000 levels");
    assert_int_equal(job.err.col, 5 + KRT_MAX_DEPTH);
    free(job.line);
}

/* ---------------------------------------------------- nested fields */

enum { N_ITEMS, N_NAME, N_TAGS, N_TAG_K, N_LOOSE };

static const struct krt_field nested_fields[] = {
    [N_ITEMS] = { "items", KRT_NESTED, 0 },
    [N_NAME] = { "items.name", KRT_KEYWORD, 0 },
    [N_TAGS] = { "items.tags", KRT_NESTED, 0 },
    [N_TAG_K] = { "items.tags.k", KRT_KEYWORD, 0 },
    [N_LOOSE] = { "loose", KRT_KEYWORD, 0 },
};

/* What each element showed: its values of 'field', joined, one string
 * an element, elements separated by '|'. */
struct seen {
    krt_u32 field;
    int n;
    char text[256];
};

static bool
record_element(struct krt_event *ev, const void *ctx)
{
    struct seen *seen = (struct seen *)ctx;
    size_t o = strlen(seen->text);
    const struct krt_value *v;

    if (seen->n++)
        seen->text[o++] = '|';
    for (v = krt_value_first(ev, seen->field); v; v = krt_value_next(ev, v))
        o += (size_t)snprintf(seen->text + o, sizeof seen->text - o,
                              "%.*s", (int)v->len, v->text);
    seen->text[o] = '\0';
    return false;
}

/* The values of 'field' element by element of nested field 'path'. */
static const char *
per_element(struct krt_event *ev, krt_u32 path, krt_u32 field,
            struct seen *seen)
{
    seen->field = field;
    seen->n = 0;
    seen->text[0] = '\0';
    assert_false(krt_nested_any(ev, path, record_element, seen));
    return seen->text;
}

/* Outer elements, and in each the tags it holds, element by element. */
static bool
record_tags(struct krt_event *ev, const void *ctx)
{
    struct seen *outer = (struct seen *)ctx;
    struct seen inner;
    size_t o = strlen(outer->text);

    snprintf(outer->text + o, sizeof outer->text - o, "%s(%s)",
             outer->n++ ? ";" : "", per_element(ev, N_TAGS, N_TAG_K, &inner));
    return false;
}

/* The scanner tags each value with the element of a nested field it lies
 * in: an object of the array at the field's path, or the one object
 * there, or the value of a dotted key through it. */
static void
test_nested_elements(void **state)
{
    struct rt t;
    struct seen seen;
    struct krt_event *ev;

    (void)state;
    rt_open(&t, nested_fields, 5);
    ev = rt_event(&t, "{\"items\":[{\"name\":\"a\"},{\"name\":[\"b\",\"c\"]},"
                      "{}],\"loose\":\"x\"}");
    assert_string_equal(per_element(ev, N_ITEMS, N_NAME, &seen), "a|bc|");
    /* outside a nested query, every value, as before */
    assert_int_equal(rt_count(ev, N_NAME), 3);
    /* inside, a field outside the nested field shows nothing */
    assert_string_equal(per_element(ev, N_ITEMS, N_LOOSE, &seen), "||");
    ev = rt_event(&t, "{\"items\":{\"name\":\"one\"}}");
    assert_string_equal(per_element(ev, N_ITEMS, N_NAME, &seen), "one");
    ev = rt_event(&t, "{\"items.name\":\"d1\",\"items\":[{\"name\":\"o\"}]}");
    assert_string_equal(per_element(ev, N_ITEMS, N_NAME, &seen), "d1|o");
    ev = rt_event(&t, "{\"other\":[{\"name\":\"a\"}]}");
    assert_string_equal(per_element(ev, N_ITEMS, N_NAME, &seen), "");

    /* nested in nested: the inner elements of each outer element only */
    ev = rt_event(&t, "{\"items\":[{\"tags\":[{\"k\":\"p\"},{\"k\":\"q\"}]},"
                      "{\"tags\":{\"k\":\"r\"}},{\"name\":\"n\"}]}");
    seen.n = 0;
    seen.text[0] = '\0';
    assert_false(krt_nested_any(ev, N_ITEMS, record_tags, &seen));
    assert_string_equal(seen.text, "(p|q);(r);()");
    assert_string_equal(per_element(ev, N_TAGS, N_TAG_K, &seen), "p|q|r");
    rt_close(&t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nested_dotted_mixed),
        cmocka_unit_test(test_nested_elements),
        cmocka_unit_test(test_lookalikes_not_found),
        cmocka_unit_test(test_arrays),
        cmocka_unit_test(test_escaped_keys),
        cmocka_unit_test(test_duplicate_keys_rejected),
        cmocka_unit_test(test_same_key_elsewhere),
        cmocka_unit_test(test_near_keys),
        cmocka_unit_test(test_duplicates_any_size),
        cmocka_unit_test(test_duplicates_many_keys),
        cmocka_unit_test(test_duplicates_nested_objects),
        cmocka_unit_test(test_duplicate_long_key_named),
        cmocka_unit_test(test_raw_values),
        cmocka_unit_test(test_reuse),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_rejected_lines),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_accepted_lines),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_refused_field_names),
        cmocka_unit_test(test_odd_field_names_taken),
        cmocka_unit_test(test_final_dots_dropped),
        cmocka_unit_test(test_flattened_keys_as_they_are),
        cmocka_unit_test(test_unknown_flattened_limit),
        cmocka_unit_test(test_lone_surrogates_taken),
        cmocka_unit_test(test_lone_surrogate_keys),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_million_deep_small_stack),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
