/*
 * test_sema_date.c - typing the tests of date fields: the ranges each
 * form of KQL gives, the ranges kept for the clock, merging under 'or',
 * and the values Elasticsearch would refuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "krt_date.h"
#include "parse.h"
#include "sema.h"
#include "sema_test.h"

/* 'query' types to one date table of one range [first, last]. */
static void
expect_range(const char *query, krt_i64 first, krt_i64 last)
{
    struct typed t;

    type_query(&t, query);
    if (!t.root)
        fail_msg("'%s' rejected: %s", query, t.diags);
    assert_int_equal(t.root->op, IR_DATE_IN);
    assert_int_equal(t.root->u.i64.n, 1);
    assert_int_equal(t.root->u.i64.items[0].first, first);
    assert_int_equal(t.root->u.i64.items[0].last, last);
    assert_int_equal(t.p.dates.n, 0);
    typed_free(&t);
}

static void
expect_error(const char *query, const char *message)
{
    struct typed t;

    type_query(&t, query);
    assert_null(t.root);
    if (!t.diags || !strstr(t.diags, message))
        fail_msg("'%s': expected '%s' in: %s", query, message,
                 t.diags ? t.diags : "");
    typed_free(&t);
}

#define JAN2 1704153600000LL
#define JAN3 1704240000000LL

/* f:v is gte v and lte v; each range operator rounds its own way. */
static void
test_absolute_forms(void **state)
{
    (void)state;
    expect_range("@timestamp:2024-01-02", JAN2, JAN3 - 1);
    expect_range("@timestamp:\"2024-01-02\"", JAN2, JAN3 - 1);
    expect_range("@timestamp >= 2024-01-02", JAN2, INT64_MAX);
    expect_range("@timestamp > 2024-01-02", JAN3, INT64_MAX);
    expect_range("@timestamp < 2024-01-02", INT64_MIN, JAN2 - 1);
    expect_range("@timestamp <= 2024-01-02", INT64_MIN, JAN3 - 1);
    expect_range("event.created:2024", 1704067200000LL, JAN2 - 1);
    expect_range("@timestamp:1704153600000", JAN2, JAN2);
    expect_range("@timestamp:\"2024-01-02T00:00:00.5Z\"", JAN2 + 500,
                 JAN2 + 500);
    expect_range("@timestamp:\"2024-01-02||/M\"", 1704067200000LL,
                 1706745599999LL);
    expect_range("@timestamp:2024-01-01||+1d", JAN2, JAN2);
    /* null is an open bound: any date, as f:* */
    expect_range("@timestamp:null", INT64_MIN, INT64_MAX);
    expect_range("@timestamp < null", INT64_MIN, INT64_MAX);
}

/* A term on a negative epoch is empty: its lte end rounds up into the
 * millisecond below its gte end (-100.999999 ms), so nothing matches. */
static void
test_empty_ranges(void **state)
{
    struct typed t;

    (void)state;
    type_query(&t, "@timestamp:-100");
    assert_non_null(t.root);
    assert_int_equal(t.root->op, IR_FALSE);
    typed_free(&t);
    type_query(&t, "not @timestamp:-100");
    assert_int_equal(t.root->op, IR_TRUE);
    typed_free(&t);
}

/* Dates of one field merge under 'or' into one sorted table. */
static void
test_merge_under_or(void **state)
{
    struct typed t;

    (void)state;
    type_query(&t, "@timestamp:(2024-01-03 or 2024-01-02 or 2024-01-10)");
    assert_int_equal(t.root->op, IR_DATE_IN);
    assert_int_equal(t.root->u.i64.n, 2);
    assert_int_equal(t.root->u.i64.items[0].first, JAN2);
    assert_int_equal(t.root->u.i64.items[0].last, JAN3 + 86400000LL - 1);
    typed_free(&t);
    type_query(&t, "@timestamp:2024-01-02 and @timestamp:2024-01-03");
    assert_int_equal(t.root->op, IR_AND);
    typed_free(&t);
}

/* Bounds that read the clock are kept as written, each in its slot. */
static void
test_clock_ranges(void **state)
{
    struct typed t;
    const struct krt_date_rel *r;

    (void)state;
    type_query(&t, "@timestamp > now-1d/d or event.created:now/d or "
                   "@timestamp < 2024");
    assert_non_null(t.root);
    assert_int_equal(t.root->op, IR_OR);
    assert_int_equal(t.root->u.list.n, 3);
    assert_int_equal(t.p.dates.n, 2);
    r = t.p.dates.items[0];
    assert_int_equal(r->lower.len, 8);
    assert_memory_equal(r->lower.bytes, "now-1d/d", 8);
    assert_null(r->upper.bytes);
    assert_int_equal(r->flags, KRT_DATE_LOWER_EXCL);
    r = t.p.dates.items[1];
    assert_memory_equal(r->lower.bytes, "now/d", 5);
    assert_memory_equal(r->upper.bytes, "now/d", 5);
    assert_int_equal(r->flags, 0);
    assert_int_equal(t.root->u.list.items[0]->op, IR_DATE_REL);
    assert_int_equal(t.root->u.list.items[0]->u.date.slot, 0);
    assert_int_equal(t.root->u.list.items[1]->u.date.slot, 1);
    assert_int_equal(t.root->u.list.items[2]->op, IR_DATE_IN);
    typed_free(&t);
}

static void
test_refused(void **state)
{
    (void)state;
    expect_error("@timestamp:2024-02-30",
                 "'2024-02-30' is no date for field '@timestamp' (date)");
    expect_error("@timestamp:yesterday", "is no date for field");
    expect_error("@timestamp:true", "'true' is no date");
    expect_error("@timestamp > now-1x", "the unit is not one of");
    expect_error("@timestamp > now/2d", "rounding '/' takes a single unit");
    expect_error("@timestamp > now+", "ends without a unit");
    expect_error("@timestamp > nowish", "date math takes '+', '-' or '/'");
    expect_error("@timestamp > now+300000000y", "out of the range");
    expect_error("@timestamp:2024*", "wildcards only apply to keyword");
    /* LIMIT(zones): refused rather than read in the wrong zone */
    expect_error("@timestamp:\"2024-01-02T10:00Europe/Paris\"",
                 "names its time zone by region");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_absolute_forms),
        cmocka_unit_test(test_empty_ranges),
        cmocka_unit_test(test_merge_under_or),
        cmocka_unit_test(test_clock_ranges),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
