/*
 * test_runtime_num.c - integer fields: numbers and numeric strings read
 * as Elasticsearch coerces them (BigDecimal for long; Double.parseDouble,
 * the range, the cast for integer, short and byte: XContentParser's
 * intValue and shortValue), and krt_any_long_in over range tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "runtime_test.h"

#define I64_MAX 9223372036854775807LL
#define I64_MIN (-I64_MAX - 1)

struct int_case {
    const char *text;
    krt_u32 type;
    enum krt_int_status status;
    krt_i64 want;
};

static const struct int_case cases[] = {
    /* forms of 26 */
    { "26", KRT_LONG, KRT_INT_OK, 26 },
    { "026", KRT_LONG, KRT_INT_OK, 26 },
    { "+26", KRT_LONG, KRT_INT_OK, 26 },
    { "-26", KRT_LONG, KRT_INT_OK, -26 },
    { "26.0", KRT_LONG, KRT_INT_OK, 26 },
    { "26.9", KRT_LONG, KRT_INT_OK, 26 },
    { "-26.9", KRT_LONG, KRT_INT_OK, -26 },
    { "2.6e1", KRT_LONG, KRT_INT_OK, 26 },
    { "2.69E1", KRT_LONG, KRT_INT_OK, 26 },
    { "2.6E+1", KRT_LONG, KRT_INT_OK, 26 },
    { "260e-1", KRT_LONG, KRT_INT_OK, 26 },
    { "0.26e2", KRT_LONG, KRT_INT_OK, 26 },
    { "26.", KRT_LONG, KRT_INT_OK, 26 },
    { "0000000026.99999999", KRT_LONG, KRT_INT_OK, 26 },
    /* zero and small fractions */
    { ".5", KRT_LONG, KRT_INT_OK, 0 },
    { "-0", KRT_LONG, KRT_INT_OK, 0 },
    { "-0.9", KRT_LONG, KRT_INT_OK, 0 },
    { "0e0", KRT_LONG, KRT_INT_OK, 0 },
    { "0.0000000000000000000000000000001e31", KRT_LONG, KRT_INT_OK, 1 },
    { "1e-2147483647", KRT_LONG, KRT_INT_OK, 0 },
    /* the edges of long */
    { "1e18", KRT_LONG, KRT_INT_OK, 1000000000000000000LL },
    { "100000000000000000000e-2", KRT_LONG, KRT_INT_OK,
      1000000000000000000LL },
    { "9223372036854775807", KRT_LONG, KRT_INT_OK, I64_MAX },
    { "9223372036854775807.999", KRT_LONG, KRT_INT_OK, I64_MAX },
    { "92233720368547758.07e2", KRT_LONG, KRT_INT_OK, I64_MAX },
    { "9223372036854775808", KRT_LONG, KRT_INT_RANGE, 0 },
    { "-9223372036854775808", KRT_LONG, KRT_INT_OK, I64_MIN },
    { "-9223372036854775808.9", KRT_LONG, KRT_INT_OK, I64_MIN },
    { "-9223372036854775809", KRT_LONG, KRT_INT_RANGE, 0 },
    { "1e19", KRT_LONG, KRT_INT_RANGE, 0 },
    { "18446744073709551616", KRT_LONG, KRT_INT_RANGE, 0 },
    { "1e2147483647", KRT_LONG, KRT_INT_RANGE, 0 },
    /* exponents BigDecimal refuses */
    { "1e2147483648", KRT_LONG, KRT_INT_NAN, 0 },
    { "0e2147483648", KRT_LONG, KRT_INT_NAN, 0 },
    { "1e-2147483648", KRT_LONG, KRT_INT_NAN, 0 },
    { "0.1e-2147483647", KRT_LONG, KRT_INT_NAN, 0 },
    { "1e12345678901", KRT_LONG, KRT_INT_NAN, 0 },
    { "1e00000000000000000001", KRT_LONG, KRT_INT_OK, 10 },
    /* integer: Double.parseDouble, the range of the double, the cast */
    { "2147483647", KRT_INTEGER, KRT_INT_OK, 2147483647 },
    { "2147483646.9", KRT_INTEGER, KRT_INT_OK, 2147483646 },
    { "2147483647.9", KRT_INTEGER, KRT_INT_RANGE, 0 },
    { "-2147483648.5", KRT_INTEGER, KRT_INT_RANGE, 0 },
    { " 26 ", KRT_INTEGER, KRT_INT_OK, 26 },
    { "\t26\n", KRT_INTEGER, KRT_INT_OK, 26 },
    { "26d", KRT_INTEGER, KRT_INT_OK, 26 },
    { "26.9F", KRT_INTEGER, KRT_INT_OK, 26 },
    { "0x1Ap0", KRT_INTEGER, KRT_INT_OK, 26 },
    { "0x1A", KRT_INTEGER, KRT_INT_NAN, 0 },
    { "NaN", KRT_INTEGER, KRT_INT_OK, 0 },
    { "-NaN", KRT_SHORT, KRT_INT_OK, 0 },
    { "Infinity", KRT_INTEGER, KRT_INT_RANGE, 0 },
    { "1e400", KRT_INTEGER, KRT_INT_RANGE, 0 },
    { "-0.9", KRT_INTEGER, KRT_INT_OK, 0 },
    { "1e-400", KRT_INTEGER, KRT_INT_OK, 0 },
    /* a double rounds: 2147483647.99999999 is 2147483648 */
    { "2147483647.99999999", KRT_INTEGER, KRT_INT_RANGE, 0 },
    { "infinity", KRT_INTEGER, KRT_INT_NAN, 0 },
    { "26f5", KRT_INTEGER, KRT_INT_NAN, 0 },
    { "", KRT_INTEGER, KRT_INT_NAN, 0 },
    { " ", KRT_INTEGER, KRT_INT_NAN, 0 },
    { "2147483648", KRT_INTEGER, KRT_INT_RANGE, 0 },
    { "-2147483648", KRT_INTEGER, KRT_INT_OK, -2147483647LL - 1 },
    { "-2147483649", KRT_INTEGER, KRT_INT_RANGE, 0 },
    /* short */
    { "32767", KRT_SHORT, KRT_INT_OK, 32767 },
    { "32768", KRT_SHORT, KRT_INT_RANGE, 0 },
    { "-32768", KRT_SHORT, KRT_INT_OK, -32768 },
    { "-32769", KRT_SHORT, KRT_INT_RANGE, 0 },
    { "32767.5", KRT_SHORT, KRT_INT_RANGE, 0 },
    { "-32768.5", KRT_SHORT, KRT_INT_RANGE, 0 },
    { "32766.5", KRT_SHORT, KRT_INT_OK, 32766 },
    { "3.2768e4", KRT_SHORT, KRT_INT_RANGE, 0 },
    /* byte */
    { "127", KRT_BYTE, KRT_INT_OK, 127 },
    { "127.99", KRT_BYTE, KRT_INT_OK, 127 },
    { "128", KRT_BYTE, KRT_INT_RANGE, 0 },
    { "-128", KRT_BYTE, KRT_INT_OK, -128 },
    { "-128.5", KRT_BYTE, KRT_INT_OK, -128 },
    { "-129", KRT_BYTE, KRT_INT_RANGE, 0 },
    { "1e2", KRT_BYTE, KRT_INT_OK, 100 },
    { "1.28e2", KRT_BYTE, KRT_INT_RANGE, 0 },
    /* byte: the int's range for the double, then the byte's for the int */
    { "127.9", KRT_BYTE, KRT_INT_OK, 127 },
    { "-128.9", KRT_BYTE, KRT_INT_OK, -128 },
    { "128.5", KRT_BYTE, KRT_INT_RANGE, 0 },
    { "3000000000", KRT_BYTE, KRT_INT_RANGE, 0 },
    /* long keeps BigDecimal: no white space, no suffix, no hex */
    { " 26", KRT_LONG, KRT_INT_NAN, 0 },
    { "26d", KRT_LONG, KRT_INT_NAN, 0 },
    /* another type reads as long */
    { "3000000000", KRT_KEYWORD, KRT_INT_OK, 3000000000LL },
    /* no number at all */
    { "", KRT_LONG, KRT_INT_NAN, 0 },
    { "+", KRT_LONG, KRT_INT_NAN, 0 },
    { "-", KRT_LONG, KRT_INT_NAN, 0 },
    { ".", KRT_LONG, KRT_INT_NAN, 0 },
    { "-.", KRT_LONG, KRT_INT_NAN, 0 },
    { "e5", KRT_LONG, KRT_INT_NAN, 0 },
    { ".e5", KRT_LONG, KRT_INT_NAN, 0 },
    { "1e", KRT_LONG, KRT_INT_NAN, 0 },
    { "1e+", KRT_LONG, KRT_INT_NAN, 0 },
    { "1.2.3", KRT_LONG, KRT_INT_NAN, 0 },
    { "0x1A", KRT_LONG, KRT_INT_NAN, 0 },
    { "1 ", KRT_LONG, KRT_INT_NAN, 0 },
    { " 1", KRT_LONG, KRT_INT_NAN, 0 },
    { "Infinity", KRT_LONG, KRT_INT_NAN, 0 },
    { "-Infinity", KRT_LONG, KRT_INT_NAN, 0 },
    { "NaN", KRT_LONG, KRT_INT_NAN, 0 },
    { "1_000", KRT_LONG, KRT_INT_NAN, 0 },
    { "26a", KRT_LONG, KRT_INT_NAN, 0 },
    { "--1", KRT_LONG, KRT_INT_NAN, 0 },
    { "+-1", KRT_LONG, KRT_INT_NAN, 0 },
    { "1e1.5", KRT_LONG, KRT_INT_NAN, 0 },
    { "1e--1", KRT_LONG, KRT_INT_NAN, 0 },
    { "\xd9\xa2\xd9\xa6", KRT_LONG, KRT_INT_NAN, 0 }, /* Arabic-Indic 26 */
    { "true", KRT_LONG, KRT_INT_NAN, 0 },
};

static void
test_parse_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct int_case *c = &cases[i];
        krt_i64 x = 12345;
        enum krt_int_status st;

        st = krt_parse_int(c->text, strlen(c->text), c->type, &x);
        if (st != c->status)
            fail_msg("'%s' (type %u): status %d, want %d", c->text, c->type,
                     st, c->status);
        if (st == KRT_INT_OK && x != c->want)
            fail_msg("'%s': %lld, want %lld", c->text, x, c->want);
        if (st != KRT_INT_OK && x != 12345)
            fail_msg("'%s': value written on failure", c->text);
    }
}

/* The length is what counts, not a terminating NUL. */
static void
test_parse_length(void **state)
{
    krt_i64 x = 0;

    (void)state;
    assert_int_equal(krt_parse_int("269", 2, KRT_LONG, &x), KRT_INT_OK);
    assert_true(x == 26);
    assert_int_equal(krt_parse_int("26\0", 3, KRT_LONG, &x), KRT_INT_NAN);
}

/* 'n' copies of 'c' between 'head' and 'tail'. */
static char *
long_number(const char *head, char c, size_t n, const char *tail)
{
    size_t h = strlen(head), t = strlen(tail);
    char *s = malloc(h + n + t + 1);

    assert_non_null(s);
    memcpy(s, head, h);
    memset(s + h, c, n);
    memcpy(s + h + n, tail, t + 1);
    return s;
}

static void
expect_long(char *s, enum krt_int_status status, krt_i64 want)
{
    krt_i64 x = 0;

    assert_int_equal(krt_parse_int(s, strlen(s), KRT_LONG, &x), status);
    if (status == KRT_INT_OK)
        assert_true(x == want);
    free(s);
}

static void
test_five_thousand_digits(void **state)
{
    (void)state;
    expect_long(long_number("1", '0', 4999, ""), KRT_INT_RANGE, 0);
    expect_long(long_number("", '0', 4999, "7"), KRT_INT_OK, 7);
    expect_long(long_number("-", '0', 4990, "12"), KRT_INT_OK, -12);
    expect_long(long_number("0.", '9', 5000, ""), KRT_INT_OK, 0);
    expect_long(long_number("1", '0', 4999, "e-4999"), KRT_INT_OK, 1);
    expect_long(long_number("123", '0', 4997, "e-4997"), KRT_INT_OK, 123);
    /* 5000 nines: 19 of them stay (too big), 18 of them fit */
    expect_long(long_number("", '9', 5000, "e-4981"), KRT_INT_RANGE, 0);
    expect_long(long_number("", '9', 5000, "e-4982"), KRT_INT_OK,
                999999999999999999LL);
    expect_long(long_number("", '9', 5000, "x"), KRT_INT_NAN, 0);
    expect_long(long_number("0.", '0', 5000, "1e5001"), KRT_INT_OK, 1);
}

/* ------------------------------------------------------------ ranges */

static const struct krt_field num_fields[] = {
    { "n", KRT_LONG, 0, 0 },
    { "i", KRT_INTEGER, 0, 0 },
    { "b", KRT_BYTE, 0, 0 },
    { "s", KRT_SHORT, 0, 0 },
};

static const struct krt_i64_range table[] = {
    { I64_MIN, I64_MIN + 1 },
    { -10, -5 },
    { 0, 0 },
    { 26, 26 },
    { 1000, 2000 },
    { I64_MAX - 1, I64_MAX },
};

static bool
long_in(struct rt *t, krt_u32 field, const char *value)
{
    static const char *const names[] = { "n", "i", "b" };
    char line[256];

    snprintf(line, sizeof line, "{\"%s\":%s}", names[field], value);
    return krt_any_long_in(rt_event(t, line), field, table, 6);
}

static void
test_range_edges(void **state)
{
    static const struct { const char *v; bool in; } edges[] = {
        { "-9223372036854775808", true }, { "-9223372036854775807", true },
        { "-9223372036854775806", false }, { "-11", false }, { "-10", true },
        { "-5", true }, { "-4", false }, { "-1", false }, { "0", true },
        { "1", false }, { "25", false }, { "26", true }, { "27", false },
        { "999", false }, { "1000", true }, { "2000", true },
        { "2001", false }, { "9223372036854775805", false },
        { "9223372036854775806", true }, { "9223372036854775807", true },
    };
    struct rt t;

    (void)state;
    rt_open(&t, num_fields, 3);
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        if (long_in(&t, 0, edges[i].v) != edges[i].in)
            fail_msg("%s: want %d", edges[i].v, edges[i].in);
    }
    rt_close(&t);
}

static void
test_values(void **state)
{
    struct rt t;

    (void)state;
    rt_open(&t, num_fields, 3);
    assert_true(long_in(&t, 0, "\"26\""));
    assert_true(long_in(&t, 0, "\"026\""));
    assert_true(long_in(&t, 0, "26.9"));
    assert_true(long_in(&t, 0, "\"2.6e1\""));
    assert_true(long_in(&t, 0, "\"\\u0032\\u0036\""));
    assert_true(long_in(&t, 0, "[1, \"x\", 26]"));
    assert_true(long_in(&t, 0, "[[1], [[26]]]"));
    assert_true(long_in(&t, 0, "-0.5"));
    assert_false(long_in(&t, 0, "\" 26\""));
    assert_false(long_in(&t, 0, "\"26 \""));
    assert_false(long_in(&t, 0, "\"0x1a\""));
    assert_false(long_in(&t, 0, "true"));
    assert_false(long_in(&t, 0, "null"));
    assert_false(long_in(&t, 0, "{\"x\": 26}"));
    assert_false(long_in(&t, 0, "[]"));
    assert_false(long_in(&t, 0, "9223372036854775808"));
    assert_false(long_in(&t, 0, "1e400"));
    assert_false(krt_any_long_in(rt_event(&t, "{\"n\":26}"), 0, table, 0));
    rt_close(&t);
}

/* Integer and byte fields refuse what their type cannot hold. */
static void
test_type_ranges(void **state)
{
    static const struct krt_i64_range all[] = { { I64_MIN, I64_MAX } };
    struct rt t;

    (void)state;
    rt_open(&t, num_fields, 3);
    assert_true(krt_any_long_in(rt_event(&t, "{\"i\":2147483646.5}"), 1,
                                all, 1));
    assert_false(krt_any_long_in(rt_event(&t, "{\"i\":2147483648}"), 1,
                                 all, 1));
    assert_true(krt_any_long_in(rt_event(&t, "{\"n\":2147483648}"), 0,
                                all, 1));
    assert_true(krt_any_long_in(rt_event(&t, "{\"b\":\"-128\"}"), 2,
                                all, 1));
    assert_false(krt_any_long_in(rt_event(&t, "{\"b\":\"-129\"}"), 2,
                                 all, 1));
    assert_true(krt_any_long_in(rt_event(&t, "{\"b\":[300, 3]}"), 2,
                                all, 1));
    rt_close(&t);
}

/*
 * Field 'field' of the event {"NAME": VALUE} holds exactly 'want'
 * (a one-value range) and, when 'exists', f:* holds too; otherwise it
 * holds no number at all.
 */
static void
token_is(struct rt *t, krt_u32 field, const char *value, bool number,
         krt_i64 want)
{
    static const char *const names[] = { "n", "i", "b", "s" };
    static const struct krt_i64_range any[] = { { I64_MIN, I64_MAX } };
    const struct krt_i64_range one[] = { { want, want } };
    char line[512];
    struct krt_event *ev;

    snprintf(line, sizeof line, "{\"%s\":%s}", names[field], value);
    ev = rt_event(t, line);
    if (krt_any_long_in(ev, field, any, 1) != number
        || krt_exists(ev, field) != number)
        fail_msg("%s as %s: want %s", value, names[field],
                 number ? "a number" : "none");
    if (number && !krt_any_long_in(ev, field, one, 1))
        fail_msg("%s as %s: want %lld", value, names[field], want);
}

/*
 * Regression: a JSON number token with a fraction or an exponent was read
 * exactly, as text is; Elasticsearch's parser (Jackson) reads it as the
 * nearest double and casts that toward zero, after a range check.
 */
static void
test_float_tokens_through_double(void **state)
{
    struct rt t;

    (void)state;
    rt_open(&t, num_fields, 4);
    /* the double nearest 26.999999999999999 is 27 */
    token_is(&t, 0, "26.999999999999999", true, 27);
    token_is(&t, 0, "\"26.999999999999999\"", true, 26);
    token_is(&t, 0, "9007199254740993.5", true, 9007199254740994LL);
    token_is(&t, 0, "9007199254740993", true, 9007199254740993LL);
    token_is(&t, 0, "\"9007199254740993.5\"", true, 9007199254740993LL);
    token_is(&t, 0, "26.9", true, 26);
    token_is(&t, 0, "-26.9", true, -26);
    token_is(&t, 0, "2.6e1", true, 26);
    token_is(&t, 0, "2.6E+1", true, 26);
    token_is(&t, 0, "-0.5", true, 0);
    token_is(&t, 0, "1e-400", true, 0);
    token_is(&t, 0, "1e400", false, 0);
    token_is(&t, 0, "-1e400", false, 0);
    /* long: [-2^63, 2^63] as doubles, 2^63 saturating as Java's cast */
    token_is(&t, 0, "9.223372036854775807e18", true, I64_MAX);
    token_is(&t, 0, "9223372036854775808.0", true, I64_MAX);
    token_is(&t, 0, "9.2233720368547758e18", true, I64_MAX);
    token_is(&t, 0, "9.223372036854777e18", false, 0);
    token_is(&t, 0, "-9223372036854775808.0", true, I64_MIN);
    token_is(&t, 0, "-9.223372036854777e18", false, 0);
    token_is(&t, 0, "9.2e18", true, 9200000000000000000LL);
    /* integer tokens stay exact */
    token_is(&t, 0, "9223372036854775807", true, I64_MAX);
    token_is(&t, 0, "9223372036854775808", false, 0);
    /* integer: the double must lie within int */
    token_is(&t, 1, "2147483647.0", true, 2147483647);
    token_is(&t, 1, "2147483646.9", true, 2147483646);
    token_is(&t, 1, "2147483647.5", false, 0);
    token_is(&t, 1, "-2147483648.0", true, -2147483647LL - 1);
    token_is(&t, 1, "-2147483648.5", false, 0);
    token_is(&t, 1, "2.147483648e9", false, 0);
    /* byte and short: through int, then the type's own range */
    token_is(&t, 2, "127.9", true, 127);
    token_is(&t, 2, "-128.9", true, -128);
    token_is(&t, 2, "128.0", false, 0);
    token_is(&t, 2, "1.28e2", false, 0);
    token_is(&t, 3, "32767.5", true, 32767);
    token_is(&t, 3, "-32768.99", true, -32768);
    token_is(&t, 3, "3.2768e4", false, 0);
    token_is(&t, 3, "1e10", false, 0);
    rt_close(&t);
}

/*
 * Text of digits, perhaps after a '-', takes a one-pass path in
 * krt_parse_int (quick_int): on every such text, of any length, with
 * leading zeros, at and past each type's edges, it must give what the
 * general parser gives (krt_parse_number, which reads such text as the
 * document parser does).
 */
static void
test_digit_strings(void **state)
{
    static const krt_u32 types[] = { KRT_LONG, KRT_INTEGER, KRT_SHORT,
                                     KRT_BYTE };
    static const char *const edges[] = {
        "127", "128", "-128", "-129", "32767", "32768", "-32768", "-32769",
        "2147483647", "2147483648", "-2147483648", "-2147483649",
        "999999999999999999", "1000000000000000000",
        "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "-0", "00",
        "-", "", "0127",
    };
    krt_u64 seed = 0x9e3779b97f4a7c15ull;

    (void)state;
    for (int n = 0; n < 400000 + (int)(sizeof edges / sizeof *edges); n++) {
        char s[32];
        size_t len;

        if (n < (int)(sizeof edges / sizeof *edges)) {
            len = strlen(edges[n]);
            memcpy(s, edges[n], len + 1);
        } else {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            len = (size_t)(seed >> 59) % 24;
            for (size_t i = 0; i < len; i++) {
                seed = seed * 6364136223846793005ull + 1;
                s[i] = (char)('0' + (seed >> 60) % 10);
            }
            if (len && (seed >> 33) % 3 == 0)
                s[0] = '-';
            s[len] = '\0';
        }
        for (size_t t = 0; t < 4; t++) {
            struct krt_number want = { 0, false, false };
            krt_i64 got = 0;
            enum krt_int_status a = krt_parse_int(s, len, types[t], &got);
            enum krt_int_status b = krt_parse_number(s, len, types[t],
                                                     &want);

            if (a != b || (a == KRT_INT_OK && got != want.value))
                fail_msg("'%s' as type %u: %d %lld, the general parser "
                         "%d %lld", s, types[t], a, (long long)got, b,
                         (long long)want.value);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digit_strings),
        cmocka_unit_test(test_parse_cases),
        cmocka_unit_test(test_parse_length),
        cmocka_unit_test(test_five_thousand_digits),
        cmocka_unit_test(test_range_edges),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_type_ranges),
        cmocka_unit_test(test_float_tokens_through_double),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
