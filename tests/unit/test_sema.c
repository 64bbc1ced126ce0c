/*
 * test_sema.c - typing: numbers, addresses and CIDR blocks, range bounds,
 * the port-26 rule's tables, and the values a field type refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "krt_run.h"
#include "parse.h"
#include "sema.h"
#include "sema_test.h"

#define V4(a, b, c, d) \
    ((krt_u64)0x0000FFFF00000000ULL | ((krt_u64)(a) << 24) \
     | ((krt_u64)(b) << 16) | ((krt_u64)(c) << 8) | (krt_u64)(d))

/* The compiler reads query numbers with the runtime's parser, keeping
 * the fraction and the sign that truncation drops. */
static void
test_parse_number(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        enum krt_int_status status;
        long long value;
        bool fraction, negative;
    } cases[] = {
        { "26", KRT_INT_OK, 26, false, false },
        { "026", KRT_INT_OK, 26, false, false },
        { "+26", KRT_INT_OK, 26, false, false },
        { "26.0", KRT_INT_OK, 26, false, false },
        { "26.9", KRT_INT_OK, 26, true, false },
        { "-26.9", KRT_INT_OK, -26, true, true },
        { "-0.5", KRT_INT_OK, 0, true, true },
        { "-0", KRT_INT_OK, 0, false, false },
        { "2.6e1", KRT_INT_OK, 26, false, false },
        { "2.65E1", KRT_INT_OK, 26, true, false },
        { "1e+2", KRT_INT_OK, 100, false, false },
        { "5e-1", KRT_INT_OK, 0, true, false },
        { "1.", KRT_INT_OK, 1, false, false },
        { ".5", KRT_INT_OK, 0, true, false },
        { "9223372036854775807", KRT_INT_OK, INT64_MAX, false, false },
        { "-9223372036854775808", KRT_INT_OK, INT64_MIN, false, true },
        { "9223372036854775808", KRT_INT_RANGE, 0, false, false },
        { "1e19", KRT_INT_RANGE, 0, false, false },
        /* BigDecimal's exponent is an int. */
        { "0e999999999999999", KRT_INT_NAN, 0, false, false },
        { "", KRT_INT_NAN, 0, false, false },
        { ".", KRT_INT_NAN, 0, false, false },
        { "1e", KRT_INT_NAN, 0, false, false },
        { "abc", KRT_INT_NAN, 0, false, false },
        { " 26", KRT_INT_NAN, 0, false, false },
        { "26 ", KRT_INT_NAN, 0, false, false },
        { "0x1A", KRT_INT_NAN, 0, false, false },
        { "Infinity", KRT_INT_NAN, 0, false, false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct krt_number n;
        enum krt_int_status st = krt_parse_number(
            cases[i].text, strlen(cases[i].text), KRT_LONG, &n);
        if (st != cases[i].status)
            fail_msg("'%s': status %d, expected %d", cases[i].text, st,
                     cases[i].status);
        if (st != KRT_INT_OK)
            continue;
        assert_true(n.value == cases[i].value);
        assert_int_equal(n.fraction, cases[i].fraction);
        assert_int_equal(n.negative, cases[i].negative);
    }
}

static void
test_parse_number_5000_digits(void **state)
{
    (void)state;
    char *big = malloc(5001);
    memset(big, '9', 5000);
    big[5000] = '\0';
    struct krt_number n;
    assert_int_equal(krt_parse_number(big, 5000, KRT_LONG, &n),
                     KRT_INT_RANGE);
    /* 5,000 digits after the point: a small number with a fraction. */
    big[0] = '0';
    big[1] = '.';
    assert_int_equal(krt_parse_number(big, 5000, KRT_LONG, &n), KRT_INT_OK);
    assert_true(n.fraction);
    assert_true(n.value == 0);
    free(big);
}

/* The single range of a one-test query. */
static struct krt_i64_range
long_range_of(const char *query)
{
    struct typed t;
    type_query(&t, query);
    assert_non_null(t.root);
    assert_int_equal(t.root->op, IR_LONG_IN);
    assert_int_equal(t.root->u.i64.n, 1);
    struct krt_i64_range r = t.root->u.i64.items[0];
    typed_free(&t);
    return r;
}

static void
test_long_range_bounds(void **state)
{
    (void)state;
    struct krt_i64_range r;
    r = long_range_of("destination.port > 10");
    assert_true(r.first == 11 && r.last == INT64_MAX);
    r = long_range_of("destination.port >= 10");
    assert_true(r.first == 10 && r.last == INT64_MAX);
    r = long_range_of("destination.port < 10");
    assert_true(r.first == INT64_MIN && r.last == 9);
    r = long_range_of("destination.port <= 10");
    assert_true(r.first == INT64_MIN && r.last == 10);
    /* A fractional bound moves to the integer inside the range. */
    r = long_range_of("destination.port > 1.5");
    assert_true(r.first == 2);
    r = long_range_of("destination.port >= 1.5");
    assert_true(r.first == 2);
    r = long_range_of("destination.port > -1.5");
    assert_true(r.first == -1);
    r = long_range_of("destination.port < 1.5");
    assert_true(r.last == 1);
    r = long_range_of("destination.port <= -1.5");
    assert_true(r.last == -2);
    r = long_range_of("destination.port:\"026\"");
    assert_true(r.first == 26 && r.last == 26);
}

static void
test_fraction_on_integer_field_matches_nothing(void **state)
{
    (void)state;
    struct typed t;
    type_query(&t, "destination.port:26.5");
    assert_non_null(t.root);
    assert_int_equal(t.root->op, IR_FALSE);
    typed_free(&t);
}

/* The single ip range of a one-test query. */
static struct krt_ip_range
ip_range_of(const char *query)
{
    struct typed t;
    type_query(&t, query);
    if (!t.root)
        fail_msg("%s: %s", query, t.diags);
    assert_int_equal(t.root->op, IR_IP_IN);
    assert_int_equal(t.root->u.ip.n, 1);
    struct krt_ip_range r = t.root->u.ip.items[0];
    typed_free(&t);
    return r;
}

static void
test_cidr_blocks(void **state)
{
    (void)state;
    struct krt_ip_range r = ip_range_of("source.ip:10.1.2.3/8");
    assert_true(r.first.hi == 0 && r.first.lo == V4(10, 0, 0, 0));
    assert_true(r.last.hi == 0 && r.last.lo == V4(10, 255, 255, 255));
    r = ip_range_of("source.ip:0.0.0.0/0");
    assert_true(r.first.lo == V4(0, 0, 0, 0));
    assert_true(r.last.lo == V4(255, 255, 255, 255));
    r = ip_range_of("source.ip:\"FE80::/10\"");
    assert_true(r.first.hi == 0xFE80000000000000ULL && r.first.lo == 0);
    assert_true(r.last.hi == 0xFEBFFFFFFFFFFFFFULL);
    assert_true(r.last.lo == UINT64_MAX);
    r = ip_range_of("source.ip:\"::/0\"");
    assert_true(r.first.hi == 0 && r.first.lo == 0);
    assert_true(r.last.hi == UINT64_MAX && r.last.lo == UINT64_MAX);
    r = ip_range_of("source.ip:\"2001:db8::/127\"");
    assert_true(r.first.lo == 0 && r.last.lo == 1);
    r = ip_range_of("source.ip > 10.0.0.5");
    assert_true(r.first.lo == V4(10, 0, 0, 6));
    assert_true(r.last.hi == UINT64_MAX);
}

static void
test_refused_values(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "source.ip:10.0.0.0/33",
        /* Elasticsearch: no CIDR on an IPv4-mapped IPv6 address. */
        "source.ip:\"::ffff:10.0.0.0/8\"",
        "source.ip:\"::ffff:0:0/96\"",
        "source.ip:\"::1/129\"",
        "source.ip:10.0.0.0/",
        "source.ip:10.0.0",
        "source.ip:10.*",
        "destination.port:abc",
        "destination.port > 1e30",
        "destination.port:true",
        "destination.port:2*",
        "destination.port > x",
        "network.transport:null",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct typed t;
        type_query(&t, bad[i]);
        if (t.root)
            fail_msg("'%s' was accepted", bad[i]);
        assert_non_null(strstr(t.diags, "error:"));
        typed_free(&t);
    }
    /* A term out of an integer type's range is Elasticsearch's
     * match_none, with a warning; a range bound out of range is not. */
    struct typed t;
    type_query(&t, "destination.port:1e30");
    assert_non_null(t.root);
    assert_int_equal(t.root->op, IR_FALSE);
    assert_non_null(strstr(t.diags, "warning: '1e30' is out of range"));
    typed_free(&t);
}

static const char port26[] =
    "(data_stream.dataset: (network_traffic.flow or zeek.smtp) or "
    "event.category:(network or network_traffic)) and "
    "network.transport:tcp and destination.port:26 and "
    "source.ip:(10.0.0.0/8 or 172.16.0.0/12 or 192.168.0.0/16) and "
    "not destination.ip:(10.0.0.0/8 or 100.64.0.0/10 or 127.0.0.0/8 or "
    "169.254.0.0/16 or 172.16.0.0/12 or 192.0.0.0/24 or 192.0.0.0/29 or "
    "192.0.0.10/32 or 192.0.0.170/32 or 192.0.0.171/32 or 192.0.0.8/32 or "
    "192.0.0.9/32 or 192.0.2.0/24 or 192.168.0.0/16 or 192.175.48.0/24 or "
    "192.31.196.0/24 or 192.52.193.0/24 or 192.88.99.0/24 or "
    "198.18.0.0/15 or 198.51.100.0/24 or 203.0.113.0/24 or 224.0.0.0/4 or "
    "240.0.0.0/4 or \"::1\" or \"FE80::/10\" or \"FF00::/8\")";

/* The rule's shape: five tests, the value lists merged into tables. */
static void
test_port26_rule_ir(void **state)
{
    (void)state;
    struct typed t;
    type_query(&t, port26);
    assert_non_null(t.root);
    assert_int_equal(t.root->op, IR_AND);
    assert_int_equal(t.root->u.list.n, 5);
    struct ir_node **k = t.root->u.list.items;

    assert_int_equal(k[0]->op, IR_OR);
    assert_int_equal(k[0]->u.list.n, 2);
    assert_int_equal(k[0]->u.list.items[0]->op, IR_KW_IN);
    assert_int_equal(k[0]->u.list.items[0]->u.strs.n, 2);
    assert_int_equal(k[1]->op, IR_KW_IN);
    assert_int_equal(k[2]->op, IR_LONG_IN);
    assert_int_equal(k[3]->op, IR_IP_IN);
    assert_int_equal(k[3]->u.ip.n, 3);
    assert_int_equal(k[4]->op, IR_NOT);

    /* 26 excluded blocks merge into 19 intervals: 192.0.0.0/24 holds the
     * /29 and the /32s, and 224/4 and 240/4 touch. */
    const struct ir_node *ex = k[4]->u.child;
    assert_int_equal(ex->op, IR_IP_IN);
    assert_int_equal(ex->u.ip.n, 19);
    const struct krt_ip_range *r = ex->u.ip.items;
    assert_true(r[0].first.hi == 0 && r[0].first.lo == 1);
    assert_true(r[0].last.lo == 1);
    assert_true(r[1].first.lo == V4(10, 0, 0, 0));
    assert_true(r[6].first.lo == V4(192, 0, 0, 0));
    assert_true(r[6].last.lo == V4(192, 0, 0, 255));
    assert_true(r[16].first.lo == V4(224, 0, 0, 0));
    assert_true(r[16].last.lo == V4(255, 255, 255, 255));
    assert_true(r[17].first.hi == 0xFE80000000000000ULL);
    assert_true(r[18].first.hi == 0xFF00000000000000ULL);
    assert_true(r[18].last.hi == UINT64_MAX && r[18].last.lo == UINT64_MAX);

    /* Six fields, each once, with their ECS types. */
    assert_int_equal(t.p.fields.n, 6);
    const struct ir_field *f = t.p.fields.items[0];
    assert_string_equal(f->path, "data_stream.dataset");
    assert_int_equal(f->type, KRT_CONSTANT_KEYWORD);
    typed_free(&t);
}

static void
test_unknown_field_warns(void **state)
{
    (void)state;
    struct typed t;
    type_query(&t, "custom.a:x and custom.b:y and custom.a:z");
    assert_non_null(t.root);
    assert_non_null(strstr(t.diags, "warning: fields with no known type, "
                           "read as keyword: 'custom.a', 'custom.b' "
                           "[-Wunknown-field]"));
    typed_free(&t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_number),
        cmocka_unit_test(test_parse_number_5000_digits),
        cmocka_unit_test(test_long_range_bounds),
        cmocka_unit_test(test_fraction_on_integer_field_matches_nothing),
        cmocka_unit_test(test_cidr_blocks),
        cmocka_unit_test(test_refused_values),
        cmocka_unit_test(test_port26_rule_ir),
        cmocka_unit_test(test_unknown_field_warns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
