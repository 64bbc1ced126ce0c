/*
 * krt_ip.c - ip fields: addresses parsed as Elasticsearch's
 * InetAddresses.forString parses them, and lookups in range tables.
 *
 * The rules followed: a dotted quad has exactly four decimal parts of
 * at most 255, without a leading zero; IPv6 has eight groups of hex
 * digits, or fewer with one "::" that stands for at least one zero
 * group; a group may have any number of digits while its value is at
 * most ffff (Elasticsearch checks the value, not the length, so
 * "000fe80::1" is fe80::1); the last 32 bits may be written as a dotted
 * quad.  A '%' ends an address written in hex groups: what follows it
 * (a scope id, such as an interface name) is ignored but must not be
 * empty.  A dotted quad takes no scope id; no brackets, no white space.
 */
#include "krt_run.h"

#include <string.h>

#include "krt_event.h"

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

/* A group of hex digits whose value is at most ffff, or -1. */
static long
hextet(const char *s, size_t len)
{
    long v = 0;

    if (len == 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        int d = c >= '0' && c <= '9' ? c - '0'
              : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
              : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
        if (v > 0xffff)
            return -1;
    }
    return v;
}

/*
 * The colon-separated parts of an address: each one's value as a group
 * (-1: none) and whether it is empty.  Like Elasticsearch, at most ten
 * parts are told apart, and nine at most can form an address; two more
 * places hold the groups of a closing dotted quad.
 */
struct parts {
    long group[12];
    bool empty[12];
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
        p->empty[p->n] = stop == s;
        p->group[p->n++] = hextet(s, (size_t)(stop - s));
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
        if (p->empty[i]) {
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
    if (p->empty[0] && --*hi != 0)
        return false; /* a leading ':' that is not part of "::" */
    if (p->empty[p->n - 1] && --*lo != 0)
        return false;
    return *hi + *lo <= 7;
}

/* The eight groups the parts 'p' stand for. */
static bool
place_groups(const struct parts *p, unsigned groups[8])
{
    int gap, hi, lo;

    if (p->n < 3 || p->n > 9 || !find_gap(p, &gap, &hi, &lo))
        return false;
    for (int i = 0; i < 8; i++)
        groups[i] = 0;
    for (int i = 0; i < hi; i++) {
        if (p->group[i] < 0)
            return false;
        groups[i] = (unsigned)p->group[i];
    }
    for (int i = 0; i < lo; i++) {
        if (p->group[p->n - lo + i] < 0)
            return false;
        groups[8 - lo + i] = (unsigned)p->group[p->n - lo + i];
    }
    return true;
}

/*
 * IPv6, perhaps ending in a dotted quad, which stands for its last two
 * groups (no dot may come before it).
 */
static bool
parse_v6(const char *s, size_t len, struct krt_ip *out)
{
    const char *last = s + len;
    struct parts p;
    unsigned g[8];
    krt_u64 v4;
    bool quad;

    while (last > s && last[-1] != ':')
        last--;
    quad = memchr(last, '.', len - (size_t)(last - s)) != NULL;
    if (quad && (memchr(s, '.', (size_t)(last - s))
                 || !parse_v4(last, len - (size_t)(last - s), &v4)))
        return false;
    if (!split_colons(s, quad ? (size_t)(last - 1 - s) : len, &p))
        return false;
    if (quad) {
        p.group[p.n] = (long)(v4 >> 16);
        p.empty[p.n++] = false;
        p.group[p.n] = (long)(v4 & 0xffff);
        p.empty[p.n++] = false;
    }
    if (!place_groups(&p, g))
        return false;
    out->hi = (krt_u64)g[0] << 48 | (krt_u64)g[1] << 32 | g[2] << 16 | g[3];
    out->lo = (krt_u64)g[4] << 48 | (krt_u64)g[5] << 32 | g[6] << 16 | g[7];
    return true;
}

/*
 * The common case in one pass: a dotted quad as parse_v4 reads one,
 * made of digits and dots only (so without the '%' or ':' that would
 * send it elsewhere).  False leaves the text to the general path, which
 * decides as it always did.
 */
static bool
quick_v4(const char *s, size_t len, krt_u64 *out)
{
    krt_u64 v = 0;
    unsigned o = 0, digits = 0, dots = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';

        if (d <= 9) {
            /* at most three digits, and no leading zero */
            if (digits == 3 || (digits == 1 && o == 0))
                return false;
            o = o * 10 + d;
            digits++;
        } else if (s[i] == '.' && digits && o <= 255 && dots < 3) {
            v = v << 8 | o;
            o = 0;
            digits = 0;
            dots++;
        } else {
            return false;
        }
    }
    if (dots != 3 || digits == 0 || o > 255)
        return false;
    *out = v << 8 | o;
    return true;
}

bool
krt_parse_ip(const char *s, size_t len, struct krt_ip *out)
{
    const char *pct;
    krt_u64 v4;

    if (quick_v4(s, len, &v4)) {
        out->hi = 0;
        out->lo = (krt_u64)0xffff << 32 | v4;
        return true;
    }
    pct = memchr(s, '%', len);

    if (pct) {
        size_t head = (size_t)(pct - s);

        /* a scope id follows hex groups only, and is not empty */
        if (head + 1 == len || !memchr(s, ':', head) || memchr(s, '.', head))
            return false;
        len = head;
    }
    if (len == 0)
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
krt_value_ip(struct krt_event *ev, const struct krt_value *v,
             struct krt_ip *out)
{
    struct krt_ip_seen *seen = ev->ip_seen, *e;
    const char *s;
    size_t len;
    bool ok;

    if (v->kind != KRT_V_STRING || !krt_value_text(ev, v, &s, &len))
        return false;
    for (int i = 0; len < KRT_IP_SEEN_TEXT && i < KRT_IP_SEEN; i++) {
        if (seen[i].len == len + 1 && memcmp(seen[i].text, s, len) == 0) {
            *out = seen[i].ip;
            return seen[i].ok;
        }
    }
    ok = krt_parse_ip(s, len, out);
    if (len < KRT_IP_SEEN_TEXT) {
        e = &seen[ev->ip_next++ % KRT_IP_SEEN];
        e->len = (unsigned char)(len + 1);
        e->ok = ok;
        memcpy(e->text, s, len);
        e->ip = ok ? *out : (struct krt_ip){ 0, 0 };
    }
    return ok;
}

bool
krt_any_ip_in(struct krt_event *ev, krt_u32 field,
              const struct krt_ip_range *ranges, krt_u32 n)
{
    const struct krt_value *v;
    struct krt_ip ip;

    for (v = krt_value_first(ev, field); v; v = krt_value_next(ev, v)) {
        if (krt_value_ip(ev, v, &ip) && in_ranges(ranges, n, &ip))
            return true;
    }
    return false;
}
