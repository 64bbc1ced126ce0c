/*
 * test_ir.c - range tables and sets: sorting, merging, formatting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ir.h"

#define V4(a, b, c, d) \
    { 0, 0x0000FFFF00000000ULL | ((krt_u64)(a) << 24) | ((b) << 16) \
      | ((c) << 8) | (d) }

static void
test_ip_merge_overlap_and_adjacent(void **state)
{
    (void)state;
    struct krt_ip_range r[] = {
        { V4(192, 0, 0, 8), V4(192, 0, 0, 8) },        /* inside the /24 */
        { V4(10, 0, 0, 0), V4(10, 255, 255, 255) },
        { V4(192, 0, 0, 0), V4(192, 0, 0, 255) },
        { V4(224, 0, 0, 0), V4(239, 255, 255, 255) },
        { V4(240, 0, 0, 0), V4(255, 255, 255, 255) },  /* adjacent */
        { V4(11, 0, 0, 1), V4(11, 0, 0, 1) },          /* not adjacent */
    };
    size_t n = ir_merge_ip_ranges(r, 6);
    assert_int_equal(n, 4);
    struct krt_ip_range want[] = {
        { V4(10, 0, 0, 0), V4(10, 255, 255, 255) },
        { V4(11, 0, 0, 1), V4(11, 0, 0, 1) },
        { V4(192, 0, 0, 0), V4(192, 0, 0, 255) },
        { V4(224, 0, 0, 0), V4(255, 255, 255, 255) },
    };
    assert_memory_equal(r, want, sizeof want);
}

static void
test_ip_merge_at_the_top_of_the_space(void **state)
{
    (void)state;
    /* The last address has no successor: merging must not wrap. */
    struct krt_ip_range r[] = {
        { { 0xFF00000000000000ULL, 0 }, { UINT64_MAX, UINT64_MAX } },
        { { 0, 0 }, { 0, 0 } },
        { { 0, 1 }, { 0, 1 } },
    };
    size_t n = ir_merge_ip_ranges(r, 3);
    assert_int_equal(n, 2);
    assert_true(r[0].first.lo == 0 && r[0].last.lo == 1);
    assert_true(r[1].last.hi == UINT64_MAX && r[1].last.lo == UINT64_MAX);
}

static void
test_ip_merge_carries_across_halves(void **state)
{
    (void)state;
    /* [.., 0:ffff..ffff] and [1:0, ..] touch across the 64-bit halves. */
    struct krt_ip_range r[] = {
        { { 1, 0 }, { 1, 5 } },
        { { 0, 7 }, { 0, UINT64_MAX } },
    };
    assert_int_equal(ir_merge_ip_ranges(r, 2), 1);
    assert_true(r[0].first.hi == 0 && r[0].first.lo == 7);
    assert_true(r[0].last.hi == 1 && r[0].last.lo == 5);
}

static void
test_i64_merge(void **state)
{
    (void)state;
    struct krt_i64_range r[] = {
        { 26, 26 }, { 25, 25 }, { 100, 200 }, { 150, 300 },
        { INT64_MAX, INT64_MAX }, { INT64_MIN, -5 }, { 27, 30 },
    };
    size_t n = ir_merge_i64_ranges(r, 7);
    assert_int_equal(n, 4);
    assert_true(r[0].first == INT64_MIN && r[0].last == -5);
    assert_true(r[1].first == 25 && r[1].last == 30);
    assert_true(r[2].first == 100 && r[2].last == 300);
    assert_true(r[3].first == INT64_MAX && r[3].last == INT64_MAX);
}

static void
test_str_sort_dedup(void **state)
{
    (void)state;
    struct krt_str s[] = {
        { 9, "zeek.smtp" }, { 3, "tcp" }, { 9, "zeek.smtp" },
        { 3, "abc" }, { 0, "" },
    };
    size_t n = ir_sort_strs(s, 5);
    assert_int_equal(n, 4);
    assert_int_equal(s[0].len, 0);
    assert_memory_equal(s[1].bytes, "abc", 3);
    assert_memory_equal(s[2].bytes, "tcp", 3);
    assert_memory_equal(s[3].bytes, "zeek.smtp", 9);
}

static void
test_format_ip(void **state)
{
    (void)state;
    char buf[64];
    struct krt_ip v4 = V4(192, 168, 0, 1);
    ir_format_ip(&v4, buf, sizeof buf);
    assert_string_equal(buf, "192.168.0.1");
    struct krt_ip one = { 0, 1 };
    ir_format_ip(&one, buf, sizeof buf);
    assert_string_equal(buf, "::1");
    struct krt_ip zero = { 0, 0 };
    ir_format_ip(&zero, buf, sizeof buf);
    assert_string_equal(buf, "::");
    struct krt_ip fe80 = { 0xFE80000000000000ULL, 0 };
    ir_format_ip(&fe80, buf, sizeof buf);
    assert_string_equal(buf, "fe80::");
    struct krt_ip doc = { 0x20010DB800000000ULL, 0x0000000100000001ULL };
    ir_format_ip(&doc, buf, sizeof buf);
    assert_string_equal(buf, "2001:db8::1:0:1");
    struct krt_ip full = { UINT64_MAX, UINT64_MAX };
    ir_format_ip(&full, buf, sizeof buf);
    assert_string_equal(buf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    /* A single zero group is not compressed. */
    struct krt_ip single = { 0x0001000000020003ULL, 0x0004000500060007ULL };
    ir_format_ip(&single, buf, sizeof buf);
    assert_string_equal(buf, "1:0:2:3:4:5:6:7");
}

/* Under 'or', two tests of one field merge into one table. */
static void
test_simplify_merges_under_or_only(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a);
    struct krt_i64_range r1 = { 25, 25 }, r2 = { 26, 26 };
    struct ir_node *l1 = ir_node_new(&a, IR_LONG_IN, span_make(0, 1));
    struct ir_node *l2 = ir_node_new(&a, IR_LONG_IN, span_make(2, 3));
    l1->u.i64.items = &r1;
    l1->u.i64.n = 1;
    l2->u.i64.items = &r2;
    l2->u.i64.n = 1;
    struct ir_node *items[] = { l1, l2 };
    struct ir_node *or = ir_node_new(&a, IR_OR, span_make(0, 3));
    or->u.list.items = items;
    or->u.list.n = 2;
    struct ir_node *m = ir_simplify(&a, or);
    assert_int_equal(m->op, IR_LONG_IN);
    assert_int_equal(m->u.i64.n, 1);
    assert_true(m->u.i64.items[0].first == 25);
    assert_true(m->u.i64.items[0].last == 26);
    assert_int_equal(m->span.start, 0);
    assert_int_equal(m->span.end, 3);

    /* The same two tests under 'and' stay apart: an array may hold 25
     * and 26, which satisfies both but no single merged test. */
    struct ir_node *l3 = ir_node_new(&a, IR_LONG_IN, span_make(0, 1));
    struct ir_node *l4 = ir_node_new(&a, IR_LONG_IN, span_make(2, 3));
    struct krt_i64_range r3 = { 25, 25 }, r4 = { 26, 26 };
    l3->u.i64.items = &r3;
    l3->u.i64.n = 1;
    l4->u.i64.items = &r4;
    l4->u.i64.n = 1;
    struct ir_node *items2[] = { l3, l4 };
    struct ir_node *and = ir_node_new(&a, IR_AND, span_make(0, 3));
    and->u.list.items = items2;
    and->u.list.n = 2;
    m = ir_simplify(&a, and);
    assert_int_equal(m->op, IR_AND);
    assert_int_equal(m->u.list.n, 2);
    arena_free(&a);
}

static void
test_simplify_constants(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a);
    struct ir_node *t = ir_node_new(&a, IR_TRUE, span_make(0, 0));
    struct ir_node *e = ir_node_new(&a, IR_EXISTS, span_make(0, 0));
    struct ir_node *items[] = { t, e };
    struct ir_node *or = ir_node_new(&a, IR_OR, span_make(0, 0));
    or->u.list.items = items;
    or->u.list.n = 2;
    assert_int_equal(ir_simplify(&a, or)->op, IR_TRUE);

    struct ir_node *n1 = ir_node_new(&a, IR_NOT, span_make(0, 0));
    struct ir_node *n2 = ir_node_new(&a, IR_NOT, span_make(0, 0));
    n1->u.child = n2;
    n2->u.child = e;
    assert_ptr_equal(ir_simplify(&a, n1), e);

    /* An empty set never holds. */
    struct ir_node *empty = ir_node_new(&a, IR_LONG_IN, span_make(0, 0));
    assert_int_equal(ir_simplify(&a, empty)->op, IR_FALSE);
    arena_free(&a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ip_merge_overlap_and_adjacent),
        cmocka_unit_test(test_ip_merge_at_the_top_of_the_space),
        cmocka_unit_test(test_ip_merge_carries_across_halves),
        cmocka_unit_test(test_i64_merge),
        cmocka_unit_test(test_str_sort_dedup),
        cmocka_unit_test(test_format_ip),
        cmocka_unit_test(test_simplify_merges_under_or_only),
        cmocka_unit_test(test_simplify_constants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
