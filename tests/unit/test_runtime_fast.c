/*
 * test_runtime_fast.c - the scanner's structural paths (portable, SSE2,
 * AVX2: krt_fast.c) against its reference path, line by line: the same
 * verdict, the same error, and the same values, in the same order, with
 * the same flags.  Each path this CPU has runs on its own over the same
 * lines: hand-made ones at the edges of the 64-byte blocks the
 * structural scan works by, and many from a seeded generator of
 * ECS-like events, valid and broken.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "runtime_test.h"
#include "krt_event.h"

/* A key past 64 bytes, which the structural scan reads another way. */
#define LONG_KEY                                                          \
    "a_key_of_more_than_sixty_four_bytes_that_the_scan_reads_apart_then"

static const struct krt_field fields[] = {
    { .path = "a", .type = KRT_KEYWORD },
    { .path = "a.b", .type = KRT_KEYWORD },
    { .path = "a.b.c", .type = KRT_LONG },
    { .path = "x", .type = KRT_KEYWORD },
    { .path = "x.a", .type = KRT_KEYWORD },
    { .path = "destination.port", .type = KRT_LONG },
    { .path = "destination.ip", .type = KRT_IP },
    { .path = "event.category", .type = KRT_KEYWORD },
    { .path = "data_stream.dataset", .type = KRT_CONSTANT_KEYWORD },
    { .path = "n", .type = KRT_NESTED },
    { .path = "n.v", .type = KRT_KEYWORD },
    { .path = "fl", .type = KRT_FLATTENED },
    { .path = "a..b", .type = KRT_KEYWORD },
    { .path = "process.command_line_of_some_length", .type = KRT_KEYWORD },
    { .path = "\xc3\xa9", .type = KRT_KEYWORD },
    { .path = LONG_KEY ".x", .type = KRT_KEYWORD },
    { .path = "a", .type = KRT_LONG },
};

#define NFIELDS ((krt_u32)(sizeof fields / sizeof fields[0]))

static const enum krt_scan_path paths[] = {
    KRT_PATH_PORTABLE, KRT_PATH_SSE2, KRT_PATH_AVX2, KRT_PATH_AVX512
};

static const char *const path_names[] = {
    [KRT_PATH_PORTABLE] = "portable", [KRT_PATH_SSE2] = "sse2",
    [KRT_PATH_AVX2] = "avx2", [KRT_PATH_AVX512] = "avx512",
};

/* ------------------------------------------------------- comparison */

/* What the comparisons saw, for the checks that they meant something. */
struct tally {
    long lines;
    long events;
    long malformed;
    long values;
};

/*
 * Scan 'line' with the reference scanner 'ref' and with 'sc', and fail
 * unless both say the same: status, error column and reason, and every
 * value and element of the event.
 */
static void
compare(struct krt_scanner *ref, struct krt_scanner *sc, const char *line,
        size_t len, struct tally *t)
{
    struct krt_event *e1 = NULL, *e2 = NULL;
    struct krt_scan_error r1 = { 0, NULL }, r2 = { 0, NULL };
    enum krt_scan_status s1 = krt_scan_line(ref, line, len, &e1, &r1);
    enum krt_scan_status s2 = krt_scan_line(sc, line, len, &e2, &r2);

    t->lines++;
    if (s1 != s2)
        fail_msg("status %d, reference %d: %.*s", s2, s1, (int)len, line);
    if (s1 == KRT_SCAN_MALFORMED || s1 == KRT_SCAN_NOMEM) {
        t->malformed++;
        assert_int_equal(r1.col, r2.col);
        assert_string_equal(r1.reason, r2.reason);
        return;
    }
    if (s1 != KRT_SCAN_EVENT)
        return;
    t->events++;
    if (e1->nvals != e2->nvals)
        fail_msg("%u values, reference %u: %.*s", e2->nvals, e1->nvals,
                 (int)len, line);
    for (krt_u32 i = 0; i < e1->nvals; i++) {
        const struct krt_value *a = &e1->vals[i], *b = &e2->vals[i];

        if (a->text != b->text || a->len != b->len || a->next != b->next
            || a->kind != b->kind || a->flags != b->flags
            || a->elem != b->elem)
            fail_msg("value %u differs: %.*s", i, (int)len, line);
    }
    t->values += e1->nvals;
    for (krt_u32 f = 0; f < NFIELDS; f++) {
        krt_u32 slot = e1->field_slot[f];

        assert_int_equal(slot, e2->field_slot[f]);
        if (slot != KRT_NONE)
            assert_int_equal(e1->head[slot], e2->head[slot]);
    }
    assert_int_equal(e1->nelems, e2->nelems);
    for (krt_u32 i = 0; i < e1->nelems; i++) {
        assert_int_equal(e1->elems[i].slot, e2->elems[i].slot);
        assert_int_equal(e1->elems[i].parent, e2->elems[i].parent);
    }
}

/* A reference scanner and one on 'path'; false when this CPU lacks it. */
static bool
open_pair(struct krt_scanner **ref, struct krt_scanner **sc,
          enum krt_scan_path path)
{
    *ref = krt_scanner_new(fields, NFIELDS);
    *sc = krt_scanner_new(fields, NFIELDS);
    assert_non_null(*ref);
    assert_non_null(*sc);
    assert_true(krt_scanner_set_path(*ref, KRT_PATH_REFERENCE));
    if (krt_scanner_set_path(*sc, path))
        return true;
    print_message("path %s: not on this CPU\n", path_names[path]);
    krt_scanner_free(*ref);
    krt_scanner_free(*sc);
    return false;
}

static void
close_pair(struct krt_scanner *ref, struct krt_scanner *sc)
{
    krt_scanner_free(ref);
    krt_scanner_free(sc);
}

/* -------------------------------------------------------- generator */

struct text {
    char *p;
    size_t len;
    size_t cap;
};

static void
put(struct text *t, const char *s, size_t n)
{
    if (t->cap - t->len < n + 1) {
        while (t->cap - t->len < n + 1)
            t->cap = t->cap ? t->cap * 2 : 256;
        t->p = realloc(t->p, t->cap);
        assert_non_null(t->p);
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void
puts_(struct text *t, const char *s)
{
    put(t, s, strlen(s));
}

static krt_u64 seed;

/* Whether the line being made may hold bad pieces. */
static bool broken;

static krt_u32
rnd(krt_u32 n)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (krt_u32)(seed >> 32) % n;
}

#define PICK(a) (a)[rnd((krt_u32)(sizeof(a) / sizeof((a)[0])))]

static void
gen_space(struct text *t)
{
    static const char *const ws[] = { "", "", "", "", "", " ", "\t", "\r",
                                      "\n", "  " };

    puts_(t, PICK(ws));
}

/* A string body of about 'n' characters, now and then a broken one. */
static void
gen_body(struct text *t, krt_u32 n)
{
    static const char *const good[] = {
        "a", "b", "z", "0", "2", "6", " ", ".", ":", ",", "{", "}", "[",
        "]", "'", "\\n", "\\\"", "\\\\", "\\\\\\\\", "\\\\\\\"", "\\/",
        "\\b", "\\f", "\\r", "\\t", "\\u0032", "\\u0036", "\\u00e9",
        "\\u00E9", "\\ud83d\\ude00", "\\uD800", "\\u0000", "\xc3\xa9",
        "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xe3\x80\x80", "\x7f",
        "abcdefghijklmnopqrstuvwxyz", "C:\\\\Windows\\\\System32",
    };
    static const char *const bad[] = {
        "\\x", "\\u12", "\\u00G0", "\xc0\x80", "\xed\xa0\x80", "\x80",
        "\xe2\x82", "\xff", "\t", "\x01", "\x0c", "\x1a", "\\U0041", "\\",
    };

    for (krt_u32 i = 0; i < n; i++)
        puts_(t, broken && rnd(100) == 0 ? PICK(bad) : PICK(good));
}

static void
gen_string(struct text *t)
{
    krt_u32 r = rnd(10);

    puts_(t, "\"");
    gen_body(t, r < 6 ? rnd(8) : r < 9 ? rnd(40) : rnd(200));
    puts_(t, "\"");
}

static void
gen_key(struct text *t)
{
    static const char *const keys[] = {
        "a", "b", "c", "x", "a.b", "b.c", "a.b.c", "x.a", "destination",
        "port", "ip", "destination.port", "destination.ip", "event",
        "category", "event.category", "data_stream", "dataset", "n", "v",
        "k", "process", "command_line_of_some_length",
        "process.command_line_of_some_length", "agent", "ephemeral_id",
        "source.port", "B", "ab", "a_key_longer_than_eight",
        "a_key_longer_than_eight.b", LONG_KEY, LONG_KEY ".x", "x",
        LONG_KEY "..x", LONG_KEY " ",
    };
    /* keys the structural scan leaves to the reference path */
    static const char *const odd[] = {
        "n", "v", "n.v", "fl", "fl.k", "a.", "x.a.", " a", "a b",
        "\xc3\xa9", "a.\xc3\xa9", "\\u0061", "a\\u002eb", "\\u0032\\u0036",
    };
    static const char *const refused[] = {
        "", ".", ".a", "a..b", " ", "\xe3\x80\x80", "a. .b",
    };

    if (broken && rnd(20) == 0) {
        puts_(t, "\"");
        puts_(t, PICK(refused));
        puts_(t, "\"");
        return;
    }
    if (rnd(40) == 0) {
        gen_string(t);
        return;
    }
    puts_(t, "\"");
    puts_(t, rnd(15) == 0 ? PICK(odd) : PICK(keys));
    puts_(t, "\"");
}

static void
gen_number(struct text *t)
{
    static const char *const nums[] = {
        "26", "-26", "26.0", "2.6e1", "2.6E+1", "260e-1", "0", "-0", "0.5",
        "1e400", "25", "27", "65536", "9223372036854775807",
    };
    static const char *const bad[] = {
        "01", "1.", ".5", "-", "1e", "+1", "26x", "2-6",
    };

    puts_(t, broken && rnd(10) == 0 ? PICK(bad) : PICK(nums));
}

static void gen_value(struct text *t, int depth);

static void
gen_container(struct text *t, int depth, bool object, krt_u32 n)
{
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
    static const char *const bad[] = { "tru", "nulll", "True" };
    krt_u32 r = rnd(12);

    if (depth < 5 && r < 3)
        gen_container(t, depth, true, rnd(5));
    else if (depth < 5 && r < 5)
        gen_container(t, depth, false, rnd(4));
    else if (r < 8)
        gen_string(t);
    else if (r < 11)
        gen_number(t);
    else
        puts_(t, broken && rnd(5) == 0 ? PICK(bad) : PICK(literals));
}

/* Break a line: drop, add or change a byte. */
static void
mutate(struct text *t)
{
    static const char pool[] = "{}[],:\"\\01-.eE+tfnu \tx\x7f\x80\xc0\xed"
                               "\xff\x01\x0c\x1a";
    size_t at = t->len ? rnd((krt_u32)t->len) : 0;
    char c = pool[rnd(sizeof pool - 1)];

    switch (rnd(3)) {
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
    default:
        if (t->len)
            t->p[at] = c;
    }
}

static void
gen_line(struct text *t)
{
    t->len = 0;
    put(t, "", 0);
    broken = rnd(3) == 0;
    gen_space(t);
    gen_container(t, 0, true, 1 + rnd(8));
    gen_space(t);
    if (broken && rnd(2) == 0)
        mutate(t);
}

/* -------------------------------------------------------------- tests */

/*
 * Lines built so that their bytes of interest (a run of backslashes, a
 * quote, a number, a key) fall at every offset around the edge of the
 * structural scan's first and second 64-byte blocks.
 */
static void
test_block_edges(void **state)
{
    static const char *const pieces[] = {
        "\\\\", "\\\"", "\\\\\\\"", "\\\\\\\\", "\\u0032\\u0036", "\\u00",
        "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x80",
    };
    struct tally t = { 0 };

    (void)state;
    for (size_t p = 0; p < sizeof paths / sizeof paths[0]; p++) {
        struct krt_scanner *ref, *sc;
        struct text line = { 0 };

        if (!open_pair(&ref, &sc, paths[p]))
            continue;
        for (int pad = 0; pad < 140; pad++) {
            for (size_t k = 0; k < sizeof pieces / sizeof pieces[0]; k++) {
                line.len = 0;
                puts_(&line, "{\"a\":\"");
                for (int i = 0; i < pad; i++)
                    puts_(&line, "z");
                puts_(&line, pieces[k]);
                puts_(&line, "\",\"destination\":{\"port\":26},\"x\":");
                puts_(&line, pad % 3 ? "2.6e1}" : "[\"26\",true]}");
                compare(ref, sc, line.p, line.len, &t);
                /* the same, ended early: inside a string, or a value */
                compare(ref, sc, line.p, line.len - 3, &t);
                compare(ref, sc, line.p, 6 + (size_t)pad, &t);
            }
            line.len = 0;
            for (int i = 0; i < pad; i++)
                puts_(&line, " ");
            puts_(&line, "{\"a.b\":{\"c\":\"v\"},\"a\":{\"b.c\":[1,{}]}}");
            compare(ref, sc, line.p, line.len, &t);
        }
        free(line.p);
        close_pair(ref, sc);
    }
    assert_true(t.events > 1000);
    assert_true(t.malformed > 1000);
}

/* Lines each path must take itself: no more than the reference's work. */
static void
test_taken(void **state)
{
    static const char *const lines[] = {
        "{}",
        "{\"a\":\"v\"}",
        " { \"a\" : [ \"v\" , 1 , null , { } ] } ",
        "{\"a\":{\"b\":{\"c\":26}},\"x\":{\"a\":\"C:\\\\x\\\"y\"}}",
        "{\"a.b\":{\"c\":\"v\"},\"a\":{\"b.c\":[1,{}]}}",
        "{\"destination\":{\"port\":26,\"ip\":\"10.0.0.1\"},"
        "\"event\":{\"category\":[\"network\"]},\"agent\":{\"x\":1}}",
        "{\"a\":\"\xc3\xa9\\u0032\\u0036\",\"b\":[true,false,-2.6e1]}",
    };

    (void)state;
    for (size_t p = 0; p < sizeof paths / sizeof paths[0]; p++) {
        struct krt_scanner *ref, *sc;
        struct tally t = { 0 };

        if (!open_pair(&ref, &sc, paths[p]))
            continue;
        for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
            compare(ref, sc, lines[i], strlen(lines[i]), &t);
        assert_int_equal(krt_scanner_fast_lines(sc),
                         sizeof lines / sizeof lines[0]);
        assert_int_equal(krt_scanner_fast_lines(ref), 0);
        close_pair(ref, sc);
    }
}

static void
test_random_lines(void **state)
{
    const long n = 60000;

    (void)state;
    for (size_t p = 0; p < sizeof paths / sizeof paths[0]; p++) {
        struct krt_scanner *ref, *sc;
        struct text line = { 0 };
        struct tally t = { 0 };

        if (!open_pair(&ref, &sc, paths[p]))
            continue;
        seed = 0x9e3779b97f4a7c15ull;
        for (long i = 0; i < n; i++) {
            gen_line(&line);
            compare(ref, sc, line.p, line.len, &t);
        }
        print_message("%s: %ld lines, %ld events (%llu taken by the "
                      "structural scan), %ld malformed, %ld values\n",
                      path_names[paths[p]], t.lines, t.events,
                      krt_scanner_fast_lines(sc), t.malformed, t.values);
        /* both kinds of line, and the structural scan took many */
        assert_true(t.events > n / 4);
        assert_true(t.malformed > n / 4);
        assert_true(krt_scanner_fast_lines(sc) > (krt_u64)n / 8);
        assert_true(t.values > n / 2);
        free(line.p);
        close_pair(ref, sc);
    }
}

/*
 * Objects of many keys, which the structural scan checks for repeats
 * through a table of its own past 32 keys: a repeat anywhere, in an
 * object inside another big one, and none.
 */
static void
test_big_objects(void **state)
{
    struct tally t = { 0 };

    (void)state;
    for (size_t p = 0; p < sizeof paths / sizeof paths[0]; p++) {
        struct krt_scanner *ref, *sc;
        struct text line = { 0 };

        long events = t.events;

        if (!open_pair(&ref, &sc, paths[p]))
            continue;
        seed = 0x2545f4914f6cdd1dull;
        for (int n = 20; n < 400; n += 7) {
            int dup = (int)rnd(3) == 0 ? -1 : (int)rnd((krt_u32)n);
            int inner = (int)rnd((krt_u32)n);
            char key[32];

            line.len = 0;
            puts_(&line, "{");
            for (int i = 0; i < n; i++) {
                snprintf(key, sizeof key, "%s\"k%d\":", i ? "," : "",
                         i == dup ? (int)rnd((krt_u32)i + 1) : i);
                puts_(&line, key);
                if (i == inner) {
                    puts_(&line, "{\"a\":1");
                    for (int j = 0; j < 40; j++) {
                        snprintf(key, sizeof key, ",\"k%d\":%d", j, j);
                        puts_(&line, key);
                    }
                    puts_(&line, rnd(2) ? ",\"k3\":0}" : "}");
                } else {
                    puts_(&line, i % 5 ? "26" : "{\"x\":{\"a\":\"v\"}}");
                }
            }
            puts_(&line, ",\"destination.port\":26}");
            compare(ref, sc, line.p, line.len, &t);
        }
        /* the structural scan takes every line but those with a repeat */
        assert_true(krt_scanner_fast_lines(sc) == (krt_u64)(t.events - events));
        free(line.p);
        close_pair(ref, sc);
    }
    assert_true(t.events > 20);
    assert_true(t.malformed > 20);
}

/* The reference path is there, and KQLC_SCAN picks a path. */
static void
test_choice(void **state)
{
    struct krt_scanner *sc;

    (void)state;
    assert_int_equal(setenv("KQLC_SCAN", "reference", 1), 0);
    sc = krt_scanner_new(fields, NFIELDS);
    assert_non_null(sc);
    assert_int_equal(krt_scanner_path(sc), KRT_PATH_REFERENCE);
    krt_scanner_free(sc);
    assert_int_equal(setenv("KQLC_SCAN", "portable", 1), 0);
    sc = krt_scanner_new(fields, NFIELDS);
    assert_non_null(sc);
    assert_int_equal(krt_scanner_path(sc), KRT_PATH_PORTABLE);
    krt_scanner_free(sc);
    assert_int_equal(unsetenv("KQLC_SCAN"), 0);
    sc = krt_scanner_new(fields, NFIELDS);
    assert_non_null(sc);
    assert_int_not_equal(krt_scanner_path(sc), KRT_PATH_AUTO);
    krt_scanner_free(sc);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_block_edges),
        cmocka_unit_test(test_taken),
        cmocka_unit_test(test_random_lines),
        cmocka_unit_test(test_big_objects),
        cmocka_unit_test(test_choice),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
