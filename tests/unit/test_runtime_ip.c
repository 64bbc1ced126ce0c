/*
 * test_runtime_ip.c - addresses as Elasticsearch's ip fields read them,
 * and krt_any_ip_in over range tables.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "runtime_test.h"

#define V4(a, b, c, d)                                                    \
    { 0, 0xffff00000000ull | (krt_u64)(a) << 24 | (krt_u64)(b) << 16      \
             | (krt_u64)(c) << 8 | (krt_u64)(d) }

struct ip_case {
    const char *text;
    struct krt_ip want;
};

static const struct ip_case valid[] = {
    { "10.0.0.5", V4(10, 0, 0, 5) },
    { "0.0.0.0", V4(0, 0, 0, 0) },
    { "255.255.255.255", V4(255, 255, 255, 255) },
    { "192.168.1.10", V4(192, 168, 1, 10) },
    { "::ffff:10.0.0.5", V4(10, 0, 0, 5) },
    { "::FFFF:a00:5", V4(10, 0, 0, 5) },
    { "0000:0000:0000:0000:0000:ffff:0a00:0005", V4(10, 0, 0, 5) },
    { "0:0:0:0:0:ffff:10.0.0.5", V4(10, 0, 0, 5) },
    { "::10.0.0.5", { 0, 0x0a000005ull } },
    { "::", { 0, 0 } },
    { "::1", { 0, 1 } },
    { "0:0:0:0:0:0:0:1", { 0, 1 } },
    { "::0:1", { 0, 1 } },
    { "FE80::1", { 0xfe80000000000000ull, 1 } },
    { "fe80::", { 0xfe80000000000000ull, 0 } },
    { "2001:db8::8a2e:370:7334",
      { 0x20010db800000000ull, 0x00008a2e03707334ull } },
    { "2001:DB8:0:0:8:800:200C:417A",
      { 0x20010db800000000ull, 0x00080800200c417aull } },
    { "1:2:3:4:5:6:7::", { 0x0001000200030004ull, 0x0005000600070000ull } },
    { "::2:3:4:5:6:7:8", { 0x0000000200030004ull, 0x0005000600070008ull } },
    { "1::2:3:4:5:6:7", { 0x0001000000020003ull, 0x0004000500060007ull } },
    { "1::8", { 0x0001000000000000ull, 8 } },
    { "1:2:3:4:5:6:1.2.3.4",
      { 0x0001000200030004ull, 0x0005000601020304ull } },
    { "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
      { 0xffffffffffffffffull, 0xffffffffffffffffull } },
    { "::255.255.255.255", { 0, 0xffffffffull } },
    /* a scope id after hex groups is ignored */
    { "fe80::1%eth0", { 0xfe80000000000000ull, 1 } },
    { "fe80::1%1", { 0xfe80000000000000ull, 1 } },
    { "::1%0", { 0, 1 } },
    { "::%x", { 0, 0 } },
    { "::1%%", { 0, 1 } },
    { "::1%1.2.3.4", { 0, 1 } },
    { "0::0:0:0:0:0:0%:1", { 0, 0 } },
    { "FE80:0:0:0:0:0:0:1%en0 x", { 0xfe80000000000000ull, 1 } },
    /* a group's value counts, not its length */
    { "000fe80::1", { 0xfe80000000000000ull, 1 } },
    { "::00000000ffff", { 0, 0xffff } },
    { "0000000000000000000000001::", { 0x0001000000000000ull, 0 } },
    { "1:2:3:4:5:6:0000007:8",
      { 0x0001000200030004ull, 0x0005000600070008ull } },
    { "0000:0000:0000:0000:0000:0000:0000:00000", { 0, 0 } },
    { "00000::ffff:10.0.0.5", V4(10, 0, 0, 5) },
};

static const char *const invalid[] = {
    "", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3", "256.0.0.1",
    "1.2.3.256", "010.0.0.1", "1.2.3.04", "00.0.0.0", "0.0.0.00",
    "1.2.3.4 ", " 1.2.3.4", "1.2.3.a", "0x1.2.3.4", "1234", "1.2.3.-4",
    "+1.2.3.4", "1.2.3.4/8", "1111.2.3.4", "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7", ":::", "1::2::3", ":1::2", "1::2:", "1:2:3:4:5:6:7:8::",
    "::1:2:3:4:5:6:7:8", "12345::", "g::1", "[::1]", "::ffff:1.2.3",
    "::ffff:010.0.0.1", "1.2.3.4::",
    "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4", ":", "::1:", "1:", ":1",
    "::ffff:256.1.1.1", "fe80:::1", "1:2:3:4:5:6:7:8:", ":1:2:3:4:5:6:7:8",
    "1.2.3.4:1::", "::1.2.3.4.5", "::ffff:1.2..4", "1 ::", "::-1",
    "10000::", "fffff::", "1:0ffff0::", "00000000000000000000010000::",
    "::0x1", "0:0:0:0:0:0:0:0:00000",
    /* scope ids: not empty, and not after a dotted quad */
    "fe80::1%", "::1%", "%", "%eth0", "%::1", "1.2.3.4%eth0", "1.2.3.4%",
    "1.2.3.4%0", "::1.2.3.4%0", "::ffff:10.0.0.5%eth0", "::1:%0",
    "::1:1.2.3.%0", "1::2::3%eth0", "::1 %eth0",
};

static void
test_valid_forms(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        struct krt_ip ip = { 1, 1 };
        const char *s = valid[i].text;

        if (!krt_parse_ip(s, strlen(s), &ip))
            fail_msg("rejected '%s'", s);
        if (ip.hi != valid[i].want.hi || ip.lo != valid[i].want.lo)
            fail_msg("'%s' read as %016llx%016llx", s, ip.hi, ip.lo);
    }
}

static void
test_invalid_forms(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        struct krt_ip ip = { 7, 7 };
        const char *s = invalid[i];

        if (krt_parse_ip(s, strlen(s), &ip))
            fail_msg("accepted '%s'", s);
        assert_true(ip.hi == 7 && ip.lo == 7);
    }
}

static bool
reads_as(const char *s, krt_u64 hi, krt_u64 lo)
{
    struct krt_ip ip = { 7, 7 };

    return krt_parse_ip(s, strlen(s), &ip) && ip.hi == hi && ip.lo == lo;
}

static bool
refused(const char *s)
{
    struct krt_ip ip = { 7, 7 };

    return !krt_parse_ip(s, strlen(s), &ip) && ip.hi == 7 && ip.lo == 7;
}

/*
 * Regression: an IPv6 address with a scope id was no address, and so
 * was one with a group of more than four digits.  Elasticsearch's
 * InetAddresses ignores what follows a '%' after IPv6 (refusing an empty
 * scope id, and any after an IPv4 address), and checks a group's value
 * (at most ffff), not its length.
 */
static void
test_scope_ids_and_long_groups(void **state)
{
    const krt_u64 fe80 = 0xfe80000000000000ull;

    (void)state;
    assert_true(reads_as("fe80::1%eth0", fe80, 1));
    assert_true(reads_as("fe80::1%25", fe80, 1));
    assert_true(reads_as("fe80::1%eth0:1.2", fe80, 1));
    assert_true(refused("fe80::1%"));
    assert_true(refused("10.0.0.5%eth0"));
    assert_true(refused("10.0.0.5%"));
    assert_true(refused("::ffff:10.0.0.5%eth0"));
    assert_true(reads_as("000fe80::1", fe80, 1));
    assert_true(reads_as("0:0:0:0:0:0:0:000000000001", 0, 1));
    assert_true(refused("10000::"));
    assert_true(refused("0fffff::"));
    assert_true(refused("100000000::"));
}

/* The length is what counts, not a terminating NUL. */
static void
test_length_bounds_text(void **state)
{
    struct krt_ip ip;

    (void)state;
    assert_true(krt_parse_ip("10.0.0.59", 8, &ip));
    assert_true(ip.lo == (0xffff00000000ull | 0x0a000005ull));
    assert_false(krt_parse_ip("10.0.0.5\0", 9, &ip));
    assert_false(krt_parse_ip("::1x", 4, &ip));
}

/* Our parser against glibc's inet_pton on random address-like text. */
static krt_u64
next_random(krt_u64 *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/*
 * The text inet_pton should read for what Elasticsearch reads as 's':
 * a scope id dropped (false when Elasticsearch refuses it), groups of
 * more than four digits cut down to four when only zeros lead them.
 */
static bool
es_text(const char *s, char *out, size_t cap)
{
    const char *pct = strchr(s, '%');
    size_t len = pct ? (size_t)(pct - s) : strlen(s);
    size_t n = 0;

    if (pct && (!memchr(s, ':', len) || memchr(s, '.', len) || !pct[1]))
        return false;
    for (size_t i = 0; i < len;) {
        size_t j = i;
        bool quad;

        while (j < len && s[j] && strchr("0123456789abcdefABCDEF", s[j]))
            j++;
        quad = j < len && s[j] == '.';
        if (quad)
            j = len; /* the dotted quad, as written */
        while (!quad && j - i > 4 && s[i] == '0')
            i++;
        assert_true(n + (j - i) + 2 <= cap);
        memcpy(out + n, s + i, j - i);
        n += j - i;
        if (j < len)
            out[n++] = s[j++];
        i = j;
    }
    out[n] = '\0';
    return true;
}

static bool
pton(const char *text, struct krt_ip *out)
{
    unsigned char b[16];
    char s[128];

    if (!es_text(text, s, sizeof s))
        return false;

    if (strchr(s, ':')) {
        if (inet_pton(AF_INET6, s, b) != 1)
            return false;
    } else {
        memset(b, 0, 10);
        b[10] = b[11] = 0xff;
        if (inet_pton(AF_INET, s, b + 12) != 1)
            return false;
    }
    out->hi = out->lo = 0;
    for (int i = 0; i < 8; i++) {
        out->hi = out->hi << 8 | b[i];
        out->lo = out->lo << 8 | b[i + 8];
    }
    return true;
}

#define COUNT(a) (sizeof(a) / sizeof(a)[0])

static const char *
pick(krt_u64 *seed, const char *const *list, size_t n)
{
    return list[next_random(seed) % n];
}

/*
 * Address-like text: pieces drawn at random, either in the shape of a
 * dotted quad (with a part too many or too few now and then) or freely.
 */
static size_t
random_address(krt_u64 *seed, char *s)
{
    static const char *const octets[] = {
        "0", "1", "9", "10", "99", "255", "256", "01", "010", "00", "1000",
        "a", "",
    };
    static const char *const pieces[] = {
        "0", "1", "9", "ff", "FFFF", "abcd", "12345", "a", "01", "255",
        "256", "010", "00", "192", ":", ":", ":", "::", ".", ".", ".",
        ":::", "%1", "g", "%", "%eth0", "0000", "000fe80",
    };
    bool quad = next_random(seed) % 2;
    size_t n = quad ? 3 + next_random(seed) % 3 : 1 + next_random(seed) % 14;
    size_t len = 0;

    s[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *p = quad ? pick(seed, octets, COUNT(octets))
                             : pick(seed, pieces, COUNT(pieces));
        if (quad && i > 0)
            s[len++] = '.';
        memcpy(s + len, p, strlen(p) + 1);
        len += strlen(p);
    }
    return len;
}

/*
 * Compared with inet_pton, which knows neither scope ids nor groups of
 * more than four digits, on text adjusted for both.
 */
static void
test_agrees_with_inet_pton(void **state)
{
    krt_u64 seed = 0x9e3779b97f4a7c15ull;
    int v4 = 0, v6 = 0, scoped = 0, wide = 0;

    (void)state;
    for (int n = 0; n < 1000000; n++) {
        char s[96];
        size_t len = random_address(&seed, s);
        struct krt_ip a = { 0, 0 }, b = { 0, 0 };
        bool ours = krt_parse_ip(s, len, &a);
        bool theirs = pton(s, &b);

        if (ours != theirs || a.hi != b.hi || a.lo != b.lo)
            fail_msg("'%s': ours %d, inet_pton %d", s, ours, theirs);
        v4 += ours && !strchr(s, ':');
        v6 += ours && strchr(s, ':');
        scoped += ours && strchr(s, '%');
        wide += ours && strstr(s, "00000");
    }
    /* The comparison saw both kinds of address, scope ids, wide groups. */
    assert_true(v4 > 1000);
    assert_true(v6 > 1000);
    assert_true(scoped > 1000);
    assert_true(wide > 100);
}

/*
 * Text of digits and dots only takes a one-pass path (quick_v4): it must
 * give inet_pton's answer on every such text, a quad or not, with parts
 * of any length, leading zeros, values past 255, dots doubled, leading
 * or trailing.
 */
static void
test_digits_and_dots(void **state)
{
    krt_u64 seed = 0x243f6a8885a308d3ull;
    int quads = 0;

    (void)state;
    for (int n = 0; n < 1000000; n++) {
        char s[24];
        size_t len = next_random(&seed) % 20;
        struct krt_ip a = { 0, 0 }, b = { 0, 0 };

        for (size_t i = 0; i < len; i++) {
            unsigned r = (unsigned)(next_random(&seed) % 16);
            s[i] = r < 4 ? '.' : r < 7 ? '0' : r < 9 ? '2' : r < 10 ? '5'
                 : (char)('0' + next_random(&seed) % 10);
        }
        s[len] = '\0';
        bool ours = krt_parse_ip(s, len, &a);
        bool theirs = pton(s, &b);

        if (ours != theirs || a.hi != b.hi || a.lo != b.lo)
            fail_msg("'%s': ours %d, inet_pton %d", s, ours, theirs);
        quads += ours;
    }
    /* The comparison saw many quads (and many more non-quads). */
    assert_true(quads > 1000);
}

/* ------------------------------------------------------------ ranges */

static const struct krt_field ip_fields[] = {
    { "ip", KRT_IP, 0, 0 },
};

/* 10.0.0.0/8, 192.168.0.0/16, ::1, fe80::/10 in address order. */
static const struct krt_ip_range table[] = {
    { { 0, 1 }, { 0, 1 } },
    { V4(10, 0, 0, 0), V4(10, 255, 255, 255) },
    { V4(192, 168, 0, 0), V4(192, 168, 255, 255) },
    { { 0xfe80000000000000ull, 0 },
      { 0xfebfffffffffffffull, 0xffffffffffffffffull } },
};

static bool
ip_in(struct rt *t, const char *value)
{
    char line[256];

    snprintf(line, sizeof line, "{\"ip\":%s}", value);
    return krt_any_ip_in(rt_event(t, line), 0, table, 4);
}

static void
test_range_edges(void **state)
{
    struct rt t;

    (void)state;
    rt_open(&t, ip_fields, 1);
    assert_false(ip_in(&t, "\"0.0.0.0\""));
    assert_false(ip_in(&t, "\"::\""));
    assert_true(ip_in(&t, "\"::1\""));
    assert_false(ip_in(&t, "\"::2\""));
    assert_false(ip_in(&t, "\"9.255.255.255\""));
    assert_true(ip_in(&t, "\"10.0.0.0\""));
    assert_true(ip_in(&t, "\"10.255.255.255\""));
    assert_false(ip_in(&t, "\"11.0.0.0\""));
    assert_false(ip_in(&t, "\"192.167.255.255\""));
    assert_true(ip_in(&t, "\"192.168.0.0\""));
    assert_true(ip_in(&t, "\"192.168.255.255\""));
    assert_false(ip_in(&t, "\"192.169.0.0\""));
    assert_false(ip_in(&t, "\"fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff\""));
    assert_true(ip_in(&t, "\"fe80::\""));
    assert_true(ip_in(&t, "\"FEBF:ffff:ffff:ffff:ffff:ffff:ffff:ffff\""));
    assert_false(ip_in(&t, "\"fec0::\""));
    assert_false(ip_in(&t, "\"255.255.255.255\""));
    rt_close(&t);
}

static void
test_mapped_and_values(void **state)
{
    struct rt t;

    (void)state;
    rt_open(&t, ip_fields, 1);
    assert_true(ip_in(&t, "\"::ffff:10.0.0.5\""));
    assert_true(ip_in(&t, "\"::ffff:a00:5\""));
    assert_false(ip_in(&t, "\"::10.0.0.5\"")); /* IPv4-compatible: not v4 */
    assert_true(ip_in(&t, "\"0:0:0:0:0:0:0:1\""));
    assert_true(ip_in(&t, "\"10.0.0.\\u0035\"")); /* escapes decoded */
    assert_true(ip_in(&t, "[\"8.8.8.8\", \"10.1.1.1\"]"));
    assert_false(ip_in(&t, "[\"8.8.8.8\", \"1.1.1.1\"]"));
    assert_false(ip_in(&t, "167772165")); /* a number is no address */
    assert_false(ip_in(&t, "true"));
    assert_false(ip_in(&t, "null"));
    assert_false(ip_in(&t, "{\"x\":\"10.0.0.1\"}"));
    assert_false(ip_in(&t, "\"010.0.0.1\""));
    assert_false(ip_in(&t, "\"10.0.0.1/8\""));
    assert_true(ip_in(&t, "\"fe80::1%eth0\""));
    assert_true(ip_in(&t, "\"00000000000000000000::1\""));
    assert_false(ip_in(&t, "\"10.0.0.1%eth0\""));
    assert_false(ip_in(&t, "\"fe80::1%\""));
    assert_false(ip_in(&t, "[]"));
    assert_false(krt_any_ip_in(rt_event(&t, "{}"), 0, table, 4));
    assert_false(krt_any_ip_in(rt_event(&t, "{\"ip\":\"10.0.0.1\"}"), 0,
                               table, 0));
    rt_close(&t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_forms),
        cmocka_unit_test(test_invalid_forms),
        cmocka_unit_test(test_length_bounds_text),
        cmocka_unit_test(test_scope_ids_and_long_groups),
        cmocka_unit_test(test_agrees_with_inet_pton),
        cmocka_unit_test(test_digits_and_dots),
        cmocka_unit_test(test_range_edges),
        cmocka_unit_test(test_mapped_and_values),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
