/*
 * krt_ip.c - ip fields: addresses parsed as Elasticsearch's
 * InetAddresses.forString parses them, and lookups in range tables.
 *
 * The rules followed: a dotted quad has exactly four decimal parts of
 * one to three digits, at most 255, without a leading zero; IPv6 has
 * eight groups of one to four hex digits, or fewer with one "::" that
 * stands for at least one zero group; its last 32 bits may be written
 * as a dotted quad; there is no zone id, no brackets, no white space.
 */
#include "krt_run.h"

#include <string.h>

#include "krt_event.h"

/* Longest IPv6 text that can be valid: 6 groups and a dotted quad. */
#define IP6_TEXT_MAX 45

/* A part of a dotted quad, or -1. */
static int
octet(const char *s, size_t len)
{
    int v = 0;

    if (len == 0 || len > 3 || (len > 1 && s[0] == '0'))
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v <= 255 ? v : -1;
}

static bool
parse_v4(const char *s, size_t len, krt_u64 *out)
{
    const char *end = s + len;
    krt_u64 v = 0;

    for (int part = 0; part < 4; part++) {
        const char *dot = memchr(s, '.', (size_t)(end - s));
        const char *stop = part < 3 ? dot : end;
        int o;

        if (!stop || (part == 3 && dot))
            return false;
        o = octet(s, (size_t)(stop - s));
        if (o < 0)
            return false;
        v = v << 8 | (krt_u64)o;
        s = stop + 1;
    }
    *out = v;
    return true;
}

/* A group of one to four hex digits, or -1. */
static long
hextet(const char *s, size_t len)
{
    long v = 0;

    if (len == 0 || len > 4)
        return -1;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        int d = c >= '0' && c <= '9' ? c - '0'
              : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
              : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* The colon-separated parts of 's': their starts and lengths. */
struct parts {
    const char *at[10];
    size_t len[10];
    int n;
};

static bool
split_colons(const char *s, size_t len, struct parts *p)
{
    const char *end = s + len;

    p->n = 0;
    for (;;) {
        const char *c = memchr(s, ':', (size_t)(end - s));
        const char *stop = c ? c : end;

        if (p->n == 10)
            return false;
        p->at[p->n] = s;
        p->len[p->n++] = (size_t)(stop - s);
        if (!c)
            return true;
        s = c + 1;
    }
}

/*
 * Where "::" is in 'p' (-1: nowhere) and how many groups it leaves on
 * each side; false when the parts cannot form an address.
 */
static bool
find_gap(const struct parts *p, int *gap, int *hi, int *lo)
{
    *gap = -1;
    for (int i = 1; i + 1 < p->n; i++) {
        if (p->len[i] == 0) {
            if (*gap >= 0)
                return false;
            *gap = i;
        }
    }
    if (*gap < 0) {
        *hi = p->n;
        *lo = 0;
        return p->n == 8;
    }
    *hi = *gap;
    *lo = p->n - *gap - 1;
    if (p->len[0] == 0 && --*hi != 0)
        return false; /* a leading ':' that is not part of "::" */
    if (p->len[p->n - 1] == 0 && --*lo != 0)
        return false;
    return *hi + *lo <= 7;
}

/* IPv6 made of hex groups only, into groups[8]. */
static bool
parse_v6_groups(const char *s, size_t len, unsigned groups[8])
{
    struct parts p;
    int gap, hi, lo;

    if (!split_colons(s, len, &p) || p.n < 3 || p.n > 9
        || !find_gap(&p, &gap, &hi, &lo))
        return false;
    for (int i = 0; i < 8; i++)
        groups[i] = 0;
    for (int i = 0; i < hi; i++) {
        long g = hextet(p.at[i], p.len[i]);
        if (g < 0)
            return false;
        groups[i] = (unsigned)g;
    }
    for (int i = 0; i < lo; i++) {
        long g = hextet(p.at[p.n - lo + i], p.len[p.n - lo + i]);
        if (g < 0)
            return false;
        groups[8 - lo + i] = (unsigned)g;
    }
    return true;
}

/*
 * IPv6, perhaps ending in a dotted quad, which is rewritten as two hex
 * groups first.
 */
static bool
parse_v6(const char *s, size_t len, struct krt_ip *out)
{
    char text[IP6_TEXT_MAX + 16]; /* the quad becomes 9 characters */
    const char *last = s + len;
    unsigned g[8];
    krt_u64 v4;

    while (last > s && last[-1] != ':')
        last--;
    if (memchr(last, '.', len - (size_t)(last - s))) {
        if (memchr(s, '.', (size_t)(last - s))
            || !parse_v4(last, len - (size_t)(last - s), &v4))
            return false;
        len = (size_t)(last - s);
        memcpy(text, s, len);
        for (int shift = 28; shift >= 0; shift -= 4) {
            text[len++] = "0123456789abcdef"[v4 >> shift & 15];
            if (shift == 16)
                text[len++] = ':';
        }
        s = text;
    }
    if (!parse_v6_groups(s, len, g))
        return false;
    out->hi = (krt_u64)g[0] << 48 | (krt_u64)g[1] << 32 | g[2] << 16 | g[3];
    out->lo = (krt_u64)g[4] << 48 | (krt_u64)g[5] << 32 | g[6] << 16 | g[7];
    return true;
}

bool
krt_parse_ip(const char *s, size_t len, struct krt_ip *out)
{
    krt_u64 v4;

    if (len == 0 || len > IP6_TEXT_MAX)
        return false;
    if (memchr(s, ':', len))
        return parse_v6(s, len, out);
    if (!parse_v4(s, len, &v4))
        return false;
    out->hi = 0;
    out->lo = (krt_u64)0xffff << 32 | v4;
    return true;
}

static int
compare_ip(const struct krt_ip *a, const struct krt_ip *b)
{
    if (a->hi != b->hi)
        return a->hi < b->hi ? -1 : 1;
    if (a->lo != b->lo)
        return a->lo < b->lo ? -1 : 1;
    return 0;
}

/* Whether 'x' lies in one of the 'n' sorted, disjoint ranges. */
static bool
in_ranges(const struct krt_ip_range *r, krt_u32 n, const struct krt_ip *x)
{
    krt_u32 lo = 0, hi = n;

    while (lo < hi) {
        krt_u32 mid = lo + (hi - lo) / 2;
        if (compare_ip(&r[mid].last, x) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && compare_ip(&r[lo].first, x) <= 0;
}

bool
krt_any_ip_in(struct krt_event *ev, krt_u32 field,
              const struct krt_ip_range *ranges, krt_u32 n)
{
    const struct krt_value *v;
    const char *s;
    size_t len;
    struct krt_ip ip;

    for (v = krt_value_first(ev, field); v; v = krt_value_next(ev, v)) {
        if (v->kind != KRT_V_STRING)
            continue;
        krt_value_text(ev, v, &s, &len);
        if (krt_parse_ip(s, len, &ip) && in_ranges(ranges, n, &ip))
            return true;
    }
    return false;
}
