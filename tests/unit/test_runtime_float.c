/*
 * test_runtime_float.c - floating-point fields in the runtime: Java's
 * number syntax (Double.parseDouble and Float.parseFloat, as the Java SE
 * API documents Double.valueOf's grammar), IEEE 754 rounding to binary32
 * and binary16, Lucene's sortable keys, Math.round, and the values of
 * events as each field type indexes them.  Expected values come from
 * the IEEE rules and the Java and Elasticsearch documentation, worked
 * out by hand in the comments, not from kqlc.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <float.h>

#include "runtime_test.h"
#include "krt_double.h"

struct java_case {
    const char *text;
    bool ok;
    double want; /* as a double; NaN compares by isnan */
};

/* Double.parseDouble: trims characters <= U+0020, takes NaN, Infinity,
 * hex with a binary exponent, a trailing f/F/d/D; nothing else. */
static const struct java_case doubles[] = {
    { "1.5", true, 1.5 },
    { " 1.5 ", true, 1.5 },
    { "\t\n\r\x01" "1.5\x1f", true, 1.5 },
    { "+1.5", true, 1.5 },
    { "-1.5", true, -1.5 },
    { "1.", true, 1.0 },
    { ".5", true, 0.5 },
    { "1e3", true, 1000.0 },
    { "1E+3", true, 1000.0 },
    { "1.5e-1", true, 0.15 },
    { "1.5f", true, 1.5 },
    { "1.5F", true, 1.5 },
    { "2d", true, 2.0 },
    { "2D", true, 2.0 },
    { "1e2f", true, 100.0 },
    { "0x1p3", true, 8.0 },
    { "0X1.8P1", true, 3.0 },
    { "0x.8p0", true, 0.5 },
    { "-0x1p-1d", true, -0.5 },
    { "0x1.p1", true, 2.0 },
    { "NaN", true, NAN },
    { "+NaN", true, NAN },
    { "-NaN", true, NAN },
    { "Infinity", true, INFINITY },
    { "-Infinity", true, -INFINITY },
    { " Infinity ", true, INFINITY },
    { "1e400", true, INFINITY },
    { "-1e400", true, -INFINITY },
    { "1e-400", true, 0.0 },
    { "4.9e-324", true, 4.9406564584124654e-324 },
    { "0.1", true, 0.1 },
    { "007", true, 7.0 },
    /* refused */
    { "", false, 0 },
    { " ", false, 0 },
    { ".", false, 0 },
    { "e5", false, 0 },
    { "1e", false, 0 },
    { "1e+", false, 0 },
    { "0x10", false, 0 },       /* Java requires the p exponent */
    { "0x1.8", false, 0 },
    { "0xp1", false, 0 },
    { "0x1p", false, 0 },
    { "nan", false, 0 },        /* C reads these, Java does not */
    { "inf", false, 0 },
    { "infinity", false, 0 },
    { "INFINITY", false, 0 },
    { "NaNf", false, 0 },
    { "Infinityd", false, 0 },
    { "1ff", false, 0 },
    { "1.5g", false, 0 },
    { "1_000", false, 0 },
    { "1,5", false, 0 },
    { "--1", false, 0 },
    { "+-1", false, 0 },
    { "- 1", false, 0 },
    { "1 2", false, 0 },
    { "1e1.5", false, 0 },
    { "\xd9\xa1", false, 0 },   /* ARABIC-INDIC DIGIT ONE */
    { "\xc2\xa0" "1", false, 0 }, /* NO-BREAK SPACE is not trimmed */
    { "true", false, 0 },
};

static void
test_java_double(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof doubles / sizeof doubles[0]; i++) {
        const struct java_case *c = &doubles[i];
        double d = 12345;
        bool ok = krt_java_double(c->text, strlen(c->text), &d);
        if (ok != c->ok)
            fail_msg("'%s': %s", c->text, ok ? "accepted" : "refused");
        if (!ok && d != 12345)
            fail_msg("'%s': written on failure", c->text);
        if (ok && !(isnan(c->want) ? isnan(d) : d == c->want))
            fail_msg("'%s': %.17g, want %.17g", c->text, d, c->want);
    }
    /* -0 keeps its sign in a string */
    double d;
    assert_true(krt_java_double("-0", 2, &d) && d == 0 && signbit(d));
    /* the length counts, not a NUL */
    assert_true(krt_java_double("12", 1, &d) && d == 1.0);
}

/* Float.parseFloat rounds the decimal once, to the nearest float. */
static void
test_java_float(void **state)
{
    float f;
    (void)state;
    assert_true(krt_java_float("0.1", 3, &f));
    assert_true(f == 0.1f);
    /* 2^24 + 1 lies halfway between two floats: ties to even, 2^24 */
    assert_true(krt_java_float("16777217", 8, &f) && f == 16777216.0f);
    /*
     * 1 + 2^-24 is halfway between the floats 1 and 1 + 2^-23.  The
     * decimal 1.0000000596046448 lies just above it, so the nearest
     * float is 1 + 2^-23; read as a double first it would become that
     * midpoint exactly, then round to even: 1.  Java rounds once.
     */
    assert_true(krt_java_float("1.0000000596046448", 18, &f));
    assert_true(f == 1.0f + 0x1p-23f);
    /* past FLT_MAX by more than half a step: infinity */
    assert_true(krt_java_float("3.4028235e38", 12, &f) && f == FLT_MAX);
    assert_true(krt_java_float("3.4028236e38", 12, &f) && isinf(f));
    assert_true(krt_java_float(" 0x1p-149f", 10, &f) && f == 0x1p-149f);
    assert_false(krt_java_float("0x1", 3, &f));
}

static void
test_java_round(void **state)
{
    (void)state;
    /* Math.round: nearest, ties toward positive infinity */
    assert_true(krt_java_round(0.5) == 1);
    assert_true(krt_java_round(-0.5) == 0);
    assert_true(krt_java_round(-1.5) == -1);
    assert_true(krt_java_round(2.5) == 3);
    assert_true(krt_java_round(-2.6) == -3);
    /* the largest double below 0.5 is no tie (floor(x + 0.5) says 1) */
    assert_true(krt_java_round(0.49999999999999994) == 0);
    assert_true(krt_java_round(4503599627370497.0) == 4503599627370497LL);
    assert_true(krt_java_round(1e300) == INT64_MAX);
    assert_true(krt_java_round(-1e300) == INT64_MIN);
    assert_true(krt_java_round(INFINITY) == INT64_MAX);
    assert_true(krt_java_round(NAN) == 0);
}

/* Lucene's order: -Inf < negatives < -0 < +0 < positives < +Inf < NaN,
 * -0 and +0 adjacent. */
static void
test_key_order(void **state)
{
    (void)state;
    assert_true(krt_double_key(-0.0) == -1 && krt_double_key(0.0) == 0);
    assert_true(krt_float_key(-0.0f) == -1 && krt_float_key(0.0f) == 0);
    assert_true(krt_half_key(-0.0f) == -1 && krt_half_key(0.0f) == 0);
    assert_true(krt_double_key(-INFINITY) < krt_double_key(-DBL_MAX));
    assert_true(krt_double_key(-1.0) < krt_double_key(-0x1p-1074));
    assert_true(krt_double_key(-0x1p-1074) + 1 == krt_double_key(-0.0));
    assert_true(krt_double_key(0x1p-1074) == 1);
    assert_true(krt_double_key(DBL_MAX) + 1 == krt_double_key(INFINITY));
    assert_true(krt_double_key(INFINITY) < krt_double_key(NAN));
    assert_true(krt_double_key(-NAN) == krt_double_key(NAN));
    assert_true(krt_float_key(FLT_MAX) + 1 == krt_float_key(INFINITY));
    assert_true(krt_float_key(INFINITY) < krt_float_key(NAN));
    assert_true(krt_float_key(0.1f) == 0x3dcccccd);
    /* keys read back */
    assert_true(krt_key_double(krt_double_key(0.1)) == 0.1);
    assert_true(krt_key_float(krt_float_key(-3.5f)) == -3.5f);
    assert_true(signbit(krt_key_float(-1)));
}

/*
 * binary16: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits;
 * largest 65504, smallest normal 2^-14, smallest subnormal 2^-24.
 */
static void
test_half(void **state)
{
    (void)state;
    /* 0.1f = 0x1.99999ap-4: 10 fraction bits 1001100110, rest 0x1999a..
     * below half a step: 0x1.998p-4 = 0.0999755859375 (bits 0x2e66) */
    assert_true(krt_key_half(krt_half_key(0.1f)) == 0.0999755859375f);
    assert_true(krt_half_key(0.1f) == 0x2e66);
    assert_true(krt_key_half(krt_half_key(1.0f / 3)) == 0.333251953125f);
    assert_true(krt_key_half(krt_half_key(65504.0f)) == 65504.0f);
    /* 65519 is below the midpoint 65520 between 65504 and 65536 */
    assert_true(krt_key_half(krt_half_key(65519.0f)) == 65504.0f);
    assert_true(isinf(krt_key_half(krt_half_key(65520.0f))));
    assert_true(krt_key_half(krt_half_key(0x1p-24f)) == 0x1p-24f);
    /* 2^-25 is halfway between 0 and 2^-24: ties to even, 0 */
    assert_true(krt_key_half(krt_half_key(0x1p-25f)) == 0.0f);
    assert_true(krt_key_half(krt_half_key(0x1.8p-25f)) == 0x1p-24f);
    /* 3 * 2^-25 is halfway between 2^-24 and 2^-23: even is 2^-23 */
    assert_true(krt_key_half(krt_half_key(0x1.8p-24f)) == 0x1p-23f);
    /* a carry out of the fraction steps the exponent */
    assert_true(krt_key_half(krt_half_key(2047.5f)) == 2048.0f);
    assert_true(krt_key_half(krt_half_key(2046.5f)) == 2046.0f);
    assert_true(krt_key_half(krt_half_key(0x1.ffcp-15f)) == 0x1p-14f);
    assert_true(krt_key_half(krt_half_key(1e-40f)) == 0.0f);
    assert_true(signbit(krt_key_half(krt_half_key(-1e-10f))));
    assert_true(isnan(krt_key_half(krt_half_key(NAN))));
    /* NaN keeps the quiet bit: 0x7e00, above +Infinity 0x7c00 */
    assert_true(krt_half_key(NAN) == 0x7e00);
    assert_true(krt_half_key(INFINITY) == 0x7c00);
    assert_true(krt_half_key(65504.0f) + 1 == krt_half_key(INFINITY));
}

/* ------------------------------------------------------------ values */

enum { DBL, FLT, HALF, SCALED };

static const struct krt_field fields[] = {
    [DBL] = { "d", KRT_DOUBLE, 0 },
    [FLT] = { "f", KRT_FLOAT, 0 },
    [HALF] = { "h", KRT_HALF_FLOAT, 0 },
    [SCALED] = { "s", KRT_SCALED_FLOAT, 0 },
};

/* The key 'json' gets as the value of field 'field'; false for none. */
static bool
key_of(krt_u32 field, const char *json, double scale, krt_i64 *key)
{
    struct rt t;
    char line[256];
    bool ok;

    snprintf(line, sizeof line, "{\"%s\":%s}", fields[field].path, json);
    rt_open(&t, fields, 4);
    struct krt_event *ev = rt_event(&t, line);
    const struct krt_value *v = krt_value_first(ev, field);
    ok = v && krt_value_float_key(ev, v, fields[field].type, scale, key);
    rt_close(&t);
    return ok;
}

static void
test_event_values(void **state)
{
    krt_i64 k;
    (void)state;
    /* number tokens: the nearest double, or the nearest float */
    assert_true(key_of(DBL, "0.1", 0, &k) && k == krt_double_key(0.1));
    assert_true(key_of(FLT, "0.1", 0, &k) && k == krt_float_key(0.1f));
    assert_true(key_of(FLT, "1.0000000596046448", 0, &k)
                && k == krt_float_key(1.0f + 0x1p-23f));
    assert_true(key_of(HALF, "0.1", 0, &k) && k == 0x2e66);
    /* Jackson reads -0 as the integer 0, -0.0 as a double */
    assert_true(key_of(DBL, "-0", 0, &k) && k == 0);
    assert_true(key_of(DBL, "-0.0", 0, &k) && k == -1);
    assert_true(key_of(FLT, "-0e0", 0, &k) && k == -1);
    /* strings: Java's syntax */
    assert_true(key_of(DBL, "\" 0.5d \"", 0, &k)
                && k == krt_double_key(0.5));
    assert_true(key_of(DBL, "\"0x1p-1\"", 0, &k)
                && k == krt_double_key(0.5));
    assert_true(key_of(DBL, "\"-0\"", 0, &k) && k == -1);
    /* not finite in the type: the document is refused, no value */
    assert_false(key_of(DBL, "\"NaN\"", 0, &k));
    assert_false(key_of(DBL, "\"Infinity\"", 0, &k));
    assert_false(key_of(DBL, "1e400", 0, &k));
    assert_true(key_of(DBL, "1e39", 0, &k));
    assert_false(key_of(FLT, "1e39", 0, &k));
    assert_true(key_of(HALF, "65519", 0, &k));
    assert_false(key_of(HALF, "65520", 0, &k));
    /* "" is null; words, booleans and objects are no number */
    assert_false(key_of(DBL, "\"\"", 0, &k));
    assert_false(key_of(DBL, "\" \"", 0, &k));
    assert_false(key_of(DBL, "\"1,5\"", 0, &k));
    assert_false(key_of(DBL, "true", 0, &k));
    assert_false(key_of(DBL, "{\"a\":1}", 0, &k));
    /* scaled_float: Math.round(value * factor), in double arithmetic:
     * 79.99 * 100 is 7998.999999999999, which rounds to 7999 */
    assert_true(key_of(SCALED, "79.99", 100, &k) && k == 7999);
    assert_true(key_of(SCALED, "0.0005", 1000, &k) && k == 1);
    assert_true(key_of(SCALED, "0.0004", 1000, &k) && k == 0);
    assert_true(key_of(SCALED, "-0.0005", 1000, &k) && k == 0);
    assert_true(key_of(SCALED, "\"1e300\"", 1000, &k) && k == INT64_MAX);
    assert_false(key_of(SCALED, "\"NaN\"", 1000, &k));
}

/* krt_any_float_in and krt_any_scaled_in: any element of an array. */
static void
test_any(void **state)
{
    struct rt t;
    struct krt_i64_range r = { krt_float_key(0.1f), krt_float_key(0.1f) };
    struct krt_i64_range s = { 7999, 7999 };
    (void)state;
    rt_open(&t, fields, 4);
    struct krt_event *ev = rt_event(&t, "{\"f\":[\"x\",null,\"0.1\"],"
                                    "\"s\":[1, 79.99]}");
    assert_true(krt_any_float_in(ev, FLT, &r, 1));
    assert_false(krt_any_float_in(ev, DBL, &r, 1));
    assert_true(krt_any_scaled_in(ev, SCALED, 100.0, &s, 1));
    assert_false(krt_any_scaled_in(ev, SCALED, 10.0, &s, 1));
    rt_close(&t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_java_double),
        cmocka_unit_test(test_java_float),
        cmocka_unit_test(test_java_round),
        cmocka_unit_test(test_key_order),
        cmocka_unit_test(test_half),
        cmocka_unit_test(test_event_values),
        cmocka_unit_test(test_any),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
