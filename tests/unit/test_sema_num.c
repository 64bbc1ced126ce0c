/*
 * test_sema_num.c - query values on floating-point fields, ranges of
 * keyword and boolean fields, and query values of integer fields, each
 * against what Elasticsearch's field types do with them (the expected
 * keys are worked out from the IEEE rules in the comments).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ast.h"
#include "krt_double.h"
#include "krt_run.h"
#include "sema_num.h"

static struct arena arena;

/* A string literal of 'text', copied into the arena. */
static struct ast_literal
lit(const char *text)
{
    struct ast_literal v;
    memset(&v, 0, sizeof v);
    v.kind = AST_LIT_STRING;
    v.text.len = strlen(text);
    v.text.bytes = arena_strndup(&arena, text, v.text.len);
    return v;
}

/* The one range of the test f:v (op NULL) or f OP v; false when the
 * test holds for no value. */
static bool
range_of(enum krt_type type, double scale, const char *v,
         const enum ast_range_op *op, krt_i64 *first, krt_i64 *last)
{
    char msg[256];
    struct ast_literal l = lit(v);
    struct ir_node *n = sema_num_test(&arena, 0, type, scale, "f", &l, op,
                                      span_make(0, 1), msg, sizeof msg);
    if (!n)
        fail_msg("'%s' refused: %s", v, msg);
    assert_int_equal(n->op, IR_FLOAT_IN);
    if (n->u.i64.n == 0)
        return false;
    assert_int_equal(n->u.i64.n, 1);
    *first = n->u.i64.items[0].first;
    *last = n->u.i64.items[0].last;
    return true;
}

static const enum ast_range_op LT = AST_LT, LTE = AST_LTE, GT = AST_GT,
                               GTE = AST_GTE;

/* double: the bound itself, nextUp/nextDown when exclusive. */
static void
test_double(void **state)
{
    krt_i64 a, b;
    (void)state;
    assert_true(range_of(KRT_DOUBLE, 0, "0.1", NULL, &a, &b));
    assert_true(a == krt_double_key(0.1) && b == a);
    assert_true(range_of(KRT_DOUBLE, 0, "0.1", &GT, &a, &b));
    assert_true(a == krt_double_key(0.1) + 1);
    assert_true(b == krt_double_key(INFINITY));
    assert_true(range_of(KRT_DOUBLE, 0, "0.1", &LTE, &a, &b));
    assert_true(a == krt_double_key(-INFINITY));
    assert_true(b == krt_double_key(0.1));
    /* -0.0 and +0.0 are two values: f > -0 starts at +0, f < 0 ends at
     * -0, and a term on 0 does not match -0 (Elasticsearch's numeric
     * field documentation says so) */
    assert_true(range_of(KRT_DOUBLE, 0, "-0", &GT, &a, &b) && a == 0);
    assert_true(range_of(KRT_DOUBLE, 0, "0", &LT, &a, &b) && b == -1);
    assert_true(range_of(KRT_DOUBLE, 0, "0", NULL, &a, &b) && a == 0);
    /* a bound may be infinite or NaN: Lucene's order places NaN above
     * +Infinity, so f < NaN takes every value and f > NaN none */
    assert_true(range_of(KRT_DOUBLE, 0, "NaN", &LT, &a, &b));
    assert_true(b == krt_double_key(NAN));
    assert_true(range_of(KRT_DOUBLE, 0, "Infinity", &GT, &a, &b));
    assert_true(a == krt_double_key(INFINITY));
}

/* float: the bound rounded to a float, so f:0.1 matches 0.1 indexed as
 * a float; inclusive bounds go through nextDown then nextUp. */
static void
test_float(void **state)
{
    krt_i64 a, b;
    (void)state;
    assert_true(range_of(KRT_FLOAT, 0, "0.1", NULL, &a, &b));
    assert_true(a == 0x3dcccccd && b == a);
    assert_true(range_of(KRT_FLOAT, 0, "0.1", &GTE, &a, &b));
    assert_true(a == 0x3dcccccd && b == krt_float_key(INFINITY));
    assert_true(range_of(KRT_FLOAT, 0, "0.1", &GT, &a, &b));
    assert_true(a == 0x3dccccce);
    assert_true(range_of(KRT_FLOAT, 0, "0.1", &LT, &a, &b));
    assert_true(b == 0x3dcccccc && a == krt_float_key(-INFINITY));
    /* 0.10000000149 (above the double 0.1) is the float 0.1 too */
    assert_true(range_of(KRT_FLOAT, 0, "0.10000000149", NULL, &a, &b));
    assert_true(a == 0x3dcccccd);
    /* -Infinity inclusive: nextDown stays, nextUp gives -FLT_MAX */
    assert_true(range_of(KRT_FLOAT, 0, "-Infinity", &GTE, &a, &b));
    assert_true(a == krt_float_key(-FLT_MAX));
    assert_true(range_of(KRT_FLOAT, 0, "-0", &GTE, &a, &b) && a == -1);
    assert_true(range_of(KRT_FLOAT, 0, "-0", &GT, &a, &b) && a == 0);
}

/*
 * half_float: a term is rounded to binary16; a bound is not: the range
 * starts at the first binary16 at or above the float bound.  So the
 * value 0.1, indexed as 0.0999755859375 (0x2e66), matches f:0.1 and
 * f <= 0.1 but not f >= 0.1, which starts at 0.10003662109375 (0x2e67).
 */
static void
test_half(void **state)
{
    krt_i64 a, b;
    (void)state;
    assert_true(range_of(KRT_HALF_FLOAT, 0, "0.1", NULL, &a, &b));
    assert_true(a == 0x2e66 && b == 0x2e66);
    assert_true(range_of(KRT_HALF_FLOAT, 0, "0.1", &GTE, &a, &b));
    assert_true(a == 0x2e67 && b == 0x7c00);
    assert_true(range_of(KRT_HALF_FLOAT, 0, "0.1", &LTE, &a, &b));
    assert_true(b == 0x2e66);
    /* a bound that is a binary16: inclusive takes it, exclusive not */
    assert_true(range_of(KRT_HALF_FLOAT, 0, "0.5", &GTE, &a, &b));
    assert_true(a == krt_half_key(0.5f));
    assert_true(range_of(KRT_HALF_FLOAT, 0, "0.5", &GT, &a, &b));
    assert_true(a == krt_half_key(0.5f) + 1);
    assert_true(range_of(KRT_HALF_FLOAT, 0, "0.5", &LT, &a, &b));
    assert_true(b == krt_half_key(0.5f) - 1);
    assert_true(range_of(KRT_HALF_FLOAT, 0, "-0", &GT, &a, &b) && a == 0);
    /* 65520 rounds to infinity: a term on it matches nothing */
    assert_false(range_of(KRT_HALF_FLOAT, 0, "65520", NULL, &a, &b));
    assert_true(range_of(KRT_HALF_FLOAT, 0, "65519", NULL, &a, &b));
    assert_true(a == krt_half_key(65504.0f));
}

/*
 * scaled_float (factor 100): the value is scaled through BigDecimal, so
 * 79.99 is exactly 7999; bounds take ceil (lower) or floor (upper) after
 * nextUp/nextDown when exclusive.
 */
static void
test_scaled(void **state)
{
    krt_i64 a, b;
    (void)state;
    assert_true(range_of(KRT_SCALED_FLOAT, 100, "79.99", NULL, &a, &b));
    assert_true(a == 7999 && b == 7999);
    assert_true(range_of(KRT_SCALED_FLOAT, 100, "79.99", &GT, &a, &b));
    assert_true(a == 8000 && b == INT64_MAX);
    assert_true(range_of(KRT_SCALED_FLOAT, 100, "79.99", &GTE, &a, &b));
    assert_true(a == 7999);
    assert_true(range_of(KRT_SCALED_FLOAT, 100, "79.99", &LT, &a, &b));
    assert_true(a == INT64_MIN && b == 7998);
    assert_true(range_of(KRT_SCALED_FLOAT, 1000, "0.0004", &GTE, &a, &b));
    assert_true(a == 1);
    assert_true(range_of(KRT_SCALED_FLOAT, 1000, "0.0004", &LTE, &a, &b));
    assert_true(b == 0);
    /* a term rounds half up: 0.0005 * 1000 = 0.5 -> 1 */
    assert_true(range_of(KRT_SCALED_FLOAT, 1000, "0.0005", NULL, &a, &b));
    assert_true(a == 1);
    /* BigDecimal: 0.1 * 3.0 is 0.3, where doubles give 0.30000000000000004 */
    assert_true(sema_num_scale(0.1, 3.0) == 0.3);
    assert_true(sema_num_scale(79.99, 100) == 7999.0);
    assert_true(sema_num_scale(-1.5, 10) == -15.0);
}

/* Double.toString's digits: the shortest that reads back, two at least
 * (Double.toString(Double.MIN_VALUE) is "4.9E-324"). */
static void
test_java_digits(void **state)
{
    krt_u64 m;
    int e;
    (void)state;
    sema_num_java_digits(0.1, &m, &e);
    assert_true(m == 10 && e == -2);
    sema_num_java_digits(0x1p-1074, &m, &e);
    assert_true(m == 49 && e == -325);
    sema_num_java_digits(79.99, &m, &e);
    assert_true(m == 7999 && e == -2);
    sema_num_java_digits(1e23, &m, &e);
    assert_true(m == 10 && e == 22);
    sema_num_java_digits(DBL_MAX, &m, &e);
    assert_true(m == 17976931348623157ULL && e == 292);
}

/* What Elasticsearch refuses, and what matches nothing with a reason. */
static void
test_refused_and_warned(void **state)
{
    char msg[256];
    (void)state;
    struct ast_literal v = lit("abc");
    assert_null(sema_num_test(&arena, 0, KRT_DOUBLE, 0, "f", &v, NULL,
                              span_make(0, 1), msg, sizeof msg));
    assert_string_equal(msg, "'abc' is not a number, as field 'f' (double) "
                        "needs");
    /* BigDecimal cannot take NaN or Infinity: the query fails */
    v = lit("Infinity");
    assert_null(sema_num_test(&arena, 0, KRT_SCALED_FLOAT, 10, "f", &v,
                              &GT, span_make(0, 1), msg, sizeof msg));
    v = lit("1");
    assert_null(sema_num_test(&arena, 0, KRT_SCALED_FLOAT, 0, "f", &v,
                              NULL, span_make(0, 1), msg, sizeof msg));
    assert_non_null(strstr(msg, "without a scaling_factor"));
    /* a term that is not finite in the type: no document, a warning */
    v = lit("1e39");
    struct ir_node *n = sema_num_test(&arena, 0, KRT_FLOAT, 0, "f", &v,
                                      NULL, span_make(0, 1), msg,
                                      sizeof msg);
    assert_non_null(n);
    assert_int_equal(n->u.i64.n, 0);
    assert_non_null(strstr(msg, "not a finite float"));
    n = sema_num_test(&arena, 0, KRT_DOUBLE, 0, "f", &v, NULL,
                      span_make(0, 1), msg, sizeof msg);
    assert_int_equal(n->u.i64.n, 1);
    assert_string_equal(msg, "");
}

/* Keyword ranges keep the bound's bytes; booleans order F < T. */
static void
test_other_ranges(void **state)
{
    char msg[256];
    (void)state;
    struct ast_literal v = lit("abc");
    struct ir_node *n = sema_kw_range(&arena, 0, &v, AST_GT,
                                      span_make(0, 1), msg, sizeof msg);
    assert_int_equal(n->op, IR_KW_RANGE);
    assert_int_equal(n->u.kwr.flags, KRT_RANGE_LOWER_EXCL);
    assert_int_equal(n->u.kwr.lower.len, 3);
    assert_null(n->u.kwr.upper.bytes);
    static const struct {
        enum ast_range_op op;
        const char *v;
        enum ir_op want;
        bool b;
    } bools[] = {
        { AST_GT, "false", IR_BOOL_IS, true },
        { AST_GTE, "false", IR_EXISTS, false },
        { AST_LT, "false", IR_FALSE, false },
        { AST_LTE, "false", IR_BOOL_IS, false },
        { AST_GT, "true", IR_FALSE, false },
        { AST_GTE, "true", IR_BOOL_IS, true },
        { AST_LT, "true", IR_BOOL_IS, false },
        { AST_LTE, "true", IR_EXISTS, false },
    };
    for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++) {
        v = lit(bools[i].v);
        n = sema_bool_range(&arena, 0, "b", &v, bools[i].op,
                            span_make(0, 1), msg, sizeof msg);
        assert_int_equal(n->op, bools[i].want);
        if (n->op == IR_BOOL_IS)
            assert_int_equal(n->u.b, bools[i].b);
    }
    v = lit("yes");
    assert_null(sema_bool_range(&arena, 0, "b", &v, AST_GT,
                                span_make(0, 1), msg, sizeof msg));
}

/*
 * Query values of integer, short and byte fields: Double.parseDouble
 * (INTEGER.parse and friends), the type's range, the cast; the fraction
 * and sign are the double's.  long keeps BigDecimal.
 */
static void
test_integer_query_values(void **state)
{
    struct krt_number n;
    (void)state;
    assert_int_equal(krt_parse_number(" 26 ", 4, KRT_INTEGER, &n),
                     KRT_INT_OK);
    assert_true(n.value == 26 && !n.fraction && !n.negative);
    assert_int_equal(krt_parse_number("26.5", 4, KRT_SHORT, &n), KRT_INT_OK);
    assert_true(n.value == 26 && n.fraction);
    assert_int_equal(krt_parse_number("-0.5", 4, KRT_INTEGER, &n),
                     KRT_INT_OK);
    assert_true(n.value == 0 && n.fraction && n.negative);
    assert_int_equal(krt_parse_number("0x1p4", 5, KRT_BYTE, &n), KRT_INT_OK);
    assert_true(n.value == 16);
    /* the byte's own range, on the double: 127.5 > 127 */
    assert_int_equal(krt_parse_number("127.5", 5, KRT_BYTE, &n),
                     KRT_INT_RANGE);
    assert_int_equal(krt_parse_number("2147483648", 10, KRT_INTEGER, &n),
                     KRT_INT_RANGE);
    assert_int_equal(krt_parse_number("Infinity", 8, KRT_INTEGER, &n),
                     KRT_INT_RANGE);
    /* the LIMIT in krt_num.c: NaN is refused */
    assert_int_equal(krt_parse_number("NaN", 3, KRT_INTEGER, &n),
                     KRT_INT_NAN);
    assert_int_equal(krt_parse_number(" 26", 3, KRT_LONG, &n), KRT_INT_NAN);
}

static int
setup(void **state)
{
    (void)state;
    arena_init(&arena);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    arena_free(&arena);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_double),
        cmocka_unit_test(test_float),
        cmocka_unit_test(test_half),
        cmocka_unit_test(test_scaled),
        cmocka_unit_test(test_java_digits),
        cmocka_unit_test(test_refused_and_warned),
        cmocka_unit_test(test_other_ranges),
        cmocka_unit_test(test_integer_query_values),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
