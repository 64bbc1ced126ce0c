/*
 * krt_date.c - dates as Elasticsearch reads them (see krt_date.h), date
 * math, and the tests of date fields.
 *
 * strict_date_optional_time is read the way Elasticsearch's ISO 8601
 * parser reads it (its Iso8601Parser, tried before java.time): a year of
 * exactly four digits, possibly negative, then optionally -MM, -DD, T,
 * HH, :MM, :SS and a fraction of one to nine digits after '.' or ','; a
 * zone may follow the hour, the minutes, the seconds or the fraction.
 * Fields are checked at their place (month <= 12, day <= 31, hour <= 23,
 * minute and second <= 59) and the date as a whole (no 2023-02-29).
 * epoch_millis is an optional '-', one to nineteen digits that fit a
 * long, and an optional '.' with up to six digits, a fraction of a
 * millisecond that moves away from zero with the sign.
 *
 * Date math works on a day number and the nanoseconds into that day, in
 * UTC, with the ranges of java.time (years up to 999,999,999 either
 * way), so that nothing overflows where Elasticsearch would not fail.
 */
#include "krt_date.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "krt_event.h"
#include "krt_log.h"

#define NS_PER_MS 1000000LL
#define NS_PER_SEC 1000000000LL
#define NS_PER_DAY 86400000000000LL
#define MS_PER_DAY 86400000LL
#define MAX_OFFSET 64800 /* a zone offset is at most 18 hours */
#define MAX_YEAR 999999999LL
/* java.time's LocalDate range: -999999999-01-01 to 999999999-12-31. */
#define MIN_DAY (-365243219162LL)
#define MAX_DAY 365241780471LL
#define INT32_MAXV 2147483647LL

/* A point in time: days since 1970-01-01 and nanoseconds into the day. */
struct instant {
    krt_i64 day;
    krt_i64 ns; /* 0 <= ns < NS_PER_DAY */
};

/* The fields of a date, as written or filled in. */
struct civil {
    krt_i64 year;
    int month, day, hour, minute, second;
    krt_i64 nano;
    int offset; /* seconds east of UTC */
};

/* ------------------------------------------------------------ calendar */

static krt_i64
floor_div(krt_i64 a, krt_i64 b)
{
    krt_i64 q = a / b;

    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* a mod b with the sign of b; computed from the remainder so that no
 * product can overflow near INT64_MIN. */
static krt_i64
floor_mod(krt_i64 a, krt_i64 b)
{
    krt_i64 r = a % b;

    return r != 0 && (r < 0) != (b < 0) ? r + b : r;
}

static bool
is_leap(krt_i64 y)
{
    return floor_mod(y, 4) == 0
           && (floor_mod(y, 100) != 0 || floor_mod(y, 400) == 0);
}

static int
month_days(krt_i64 y, int m)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31 };

    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/*
 * Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar.
 * Years are counted from March, so that February's leap day ends a
 * year; a 400-year cycle has 146097 days.
 */
static krt_i64
days_from_civil(krt_i64 y, int m, int d)
{
    krt_i64 year = m > 2 ? y : y - 1;
    krt_i64 cycle = floor_div(year, 400);
    krt_i64 yoc = year - cycle * 400;               /* 0 .. 399 */
    krt_i64 mar = m > 2 ? m - 3 : m + 9;            /* March is 0 */
    krt_i64 doy = (153 * mar + 2) / 5 + d - 1;      /* 0 .. 365 */
    krt_i64 doc = yoc * 365 + yoc / 4 - yoc / 100 + doy;

    return cycle * 146097 + doc - 719468; /* 0000-03-01 to 1970-01-01 */
}

/* The inverse of days_from_civil. */
static void
civil_from_days(krt_i64 days, krt_i64 *y, int *m, int *d)
{
    krt_i64 z = days + 719468;
    krt_i64 cycle = floor_div(z, 146097);
    krt_i64 doc = z - cycle * 146097;               /* 0 .. 146096 */
    krt_i64 yoc = (doc - doc / 1460 + doc / 36524 - doc / 146096) / 365;
    krt_i64 doy = doc - (365 * yoc + yoc / 4 - yoc / 100);
    krt_i64 mar = (5 * doy + 2) / 153;

    *d = (int)(doy - (153 * mar + 2) / 5 + 1);
    *m = (int)(mar < 10 ? mar + 3 : mar - 9);
    *y = cycle * 400 + yoc + (*m <= 2);
}

static struct instant
instant_from_ms(krt_i64 ms)
{
    struct instant t;

    t.day = floor_div(ms, MS_PER_DAY);
    t.ns = floor_mod(ms, MS_PER_DAY) * NS_PER_MS;
    return t;
}

/* Add 'ns' (any sign, |ns| < 2^62) and carry into the days. */
static void
add_ns(struct instant *t, krt_i64 ns)
{
    t->ns += ns;
    t->day += floor_div(t->ns, NS_PER_DAY);
    t->ns = floor_mod(t->ns, NS_PER_DAY);
}

static bool
in_java_range(const struct instant *t)
{
    return t->day >= MIN_DAY && t->day <= MAX_DAY;
}

/*
 * The instant as milliseconds, rounding down; false when they do not fit
 * a long.  Before 1970 the sum is taken from the next day back, so that
 * the first millisecond a long holds is still reached.
 */
static bool
instant_ms(const struct instant *t, krt_i64 *ms)
{
    krt_i64 sub = t->ns / NS_PER_MS, next;

    if (t->day >= 0) {
        if (t->day > (INT64_MAX - sub) / MS_PER_DAY)
            return false;
        *ms = t->day * MS_PER_DAY + sub;
        return true;
    }
    if (t->day + 1 < INT64_MIN / MS_PER_DAY)
        return false;
    next = (t->day + 1) * MS_PER_DAY;
    if (next < INT64_MIN + (MS_PER_DAY - sub))
        return false;
    *ms = next - (MS_PER_DAY - sub);
    return true;
}

/* ------------------------------------------------------------ zones */

static bool
digits_at(const char *s, size_t len, size_t at, size_t n, int *out)
{
    int v = 0;

    if (at + n > len)
        return false;
    for (size_t i = at; i < at + n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/*
 * The offset 's' after its sign, as the ISO parser reads it: HH, then
 * optionally MM and SS, with a colon before both or before neither.
 */
static bool
iso_offset(const char *s, size_t len, int *secs)
{
    int h, m = 0, sec = 0;
    size_t at = 3;
    bool colon;

    if (!digits_at(s, len, 1, 2, &h) || h > 23)
        return false;
    if (len > 3) {
        colon = s[3] == ':';
        at += colon;
        if (!digits_at(s, len, at, 2, &m) || m > 59)
            return false;
        at += 2;
        if (len > at) {
            if ((s[at] == ':') != colon)
                return false;
            at += colon;
            if (!digits_at(s, len, at, 2, &sec) || sec > 59)
                return false;
            at += 2;
        }
    }
    *secs = (h * 60 + m) * 60 + sec;
    if (s[0] == '-')
        *secs = -*secs;
    return at == len && *secs <= MAX_OFFSET && *secs >= -MAX_OFFSET;
}

/*
 * java.time's ZoneOffset.of: +h, +hh, +hhmm, +hh:mm, +hhmmss, +hh:mm:ss,
 * at most 18 hours.
 */
static bool
java_offset(const char *s, size_t len, int *secs)
{
    int h, m = 0, sec = 0;
    bool ok;

    if (len < 2 || (s[0] != '+' && s[0] != '-'))
        return false;
    if (len == 2)
        ok = digits_at(s, len, 1, 1, &h);
    else if (len == 3 || len == 5 || len == 7)
        ok = digits_at(s, len, 1, 2, &h)
             && (len < 5 || digits_at(s, len, 3, 2, &m))
             && (len < 7 || digits_at(s, len, 5, 2, &sec));
    else if (len == 6 || len == 9)
        ok = digits_at(s, len, 1, 2, &h) && s[3] == ':'
             && digits_at(s, len, 4, 2, &m)
             && (len < 9 || (s[6] == ':' && digits_at(s, len, 7, 2, &sec)));
    else
        ok = false;
    if (!ok || h > 18 || m > 59 || sec > 59 || (h == 18 && m + sec > 0))
        return false;
    *secs = (h * 60 + m) * 60 + sec;
    if (s[0] == '-')
        *secs = -*secs;
    return true;
}

/* Whether 's' has the shape of a region id: [A-Za-z][A-Za-z0-9~/._+-]+. */
static bool
region_shape(const char *s, size_t len)
{
    if (len < 2 || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z'))
        return false;
    for (size_t i = 1; i < len; i++) {
        char c = s[i];
        if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
            && !(c >= '0' && c <= '9') && !strchr("~/._+-", c))
            return false;
    }
    return true;
}

/*
 * A zone as java.time's ZoneId.of reads it: an offset, or UTC, GMT or UT
 * alone or followed by an offset.
 *
 * LIMIT(zones): a region id (Europe/Paris, EST5EDT) needs the time-zone
 * database, which kqlc does not carry; a query value naming one is
 * refused and an event value naming one is read as no value, with a
 * warning (Elasticsearch would read both).  ECS sources write Z or an
 * offset.
 */
static enum krt_date_status
zone_id(const char *s, size_t len, int *secs)
{
    size_t prefix = 0;

    if (len <= 1 || s[0] == '+' || s[0] == '-')
        return len == 1 && s[0] == 'Z' ? (*secs = 0, KRT_DATE_OK)
               : java_offset(s, len, secs) ? KRT_DATE_OK : KRT_DATE_BAD;
    if (len >= 3 && (!memcmp(s, "UTC", 3) || !memcmp(s, "GMT", 3)))
        prefix = 3;
    else if (!memcmp(s, "UT", 2))
        prefix = 2;
    if (prefix && len == prefix) {
        *secs = 0;
        return KRT_DATE_OK;
    }
    if (prefix && (s[prefix] == '+' || s[prefix] == '-'))
        return java_offset(s + prefix, len - prefix, secs) ? KRT_DATE_OK
                                                           : KRT_DATE_BAD;
    return region_shape(s, len) ? KRT_DATE_REGION : KRT_DATE_BAD;
}

/* The zone that ends a date, from 's' (a sign or a letter) to its end. */
static enum krt_date_status
parse_zone(const char *s, size_t len, int *secs)
{
    if (len == 1 && s[0] == 'Z') {
        *secs = 0;
        return KRT_DATE_OK;
    }
    if (s[0] == '+' || s[0] == '-')
        return iso_offset(s, len, secs) ? KRT_DATE_OK : KRT_DATE_BAD;
    return zone_id(s, len, secs);
}

static bool
zone_starts(char c)
{
    return c == '+' || c == '-' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* ------------------------------------------------------------ ISO 8601 */

/* Fill the fields from 'from' on with their defaults. */
static void
fill(struct civil *c, int from, bool round_up)
{
    if (from <= 1)
        c->month = 1;
    if (from <= 2)
        c->day = 1;
    if (from <= 3)
        c->hour = round_up ? 23 : 0;
    if (from <= 4)
        c->minute = round_up ? 59 : 0;
    if (from <= 5)
        c->second = round_up ? 59 : 0;
    if (from <= 6)
        c->nano = round_up ? 999999999 : 0;
}

/* The fraction of a second at 's[20]', and a zone after it. */
static enum krt_date_status
iso_fraction(const char *s, size_t len, struct civil *c)
{
    static const krt_i64 scale[10] = { 0, 100000000, 10000000, 1000000,
                                       100000, 10000, 1000, 100, 10, 1 };
    size_t at = 20;

    c->nano = 0;
    while (at < len && at < 29 && s[at] >= '0' && s[at] <= '9')
        c->nano = c->nano * 10 + (s[at++] - '0');
    if (at == 20)
        return KRT_DATE_BAD;
    c->nano *= scale[at - 20];
    if (at == len)
        return KRT_DATE_OK;
    return zone_starts(s[at]) ? parse_zone(s + at, len - at, &c->offset)
                              : KRT_DATE_BAD;
}

/*
 * The time from 's[11]' on: each part may end the text, or be followed
 * by a zone (after the hour at the earliest).
 */
static enum krt_date_status
iso_time(const char *s, size_t len, struct civil *c, bool round_up)
{
    static const size_t ends[3] = { 13, 16, 19 };
    int *parts[3] = { &c->hour, &c->minute, &c->second };
    static const int limits[3] = { 23, 59, 59 };

    for (int i = 0; i < 3; i++) {
        size_t at = ends[i] - 2;
        if (!digits_at(s, len, at, 2, parts[i]) || *parts[i] > limits[i])
            return KRT_DATE_BAD;
        if (len == ends[i] || zone_starts(s[ends[i]])) {
            fill(c, 4 + i, round_up);
            if (len == ends[i])
                return KRT_DATE_OK;
            return parse_zone(s + ends[i], len - ends[i], &c->offset);
        }
        if (s[ends[i]] != (i < 2 ? ':' : '.') && !(i == 2 && s[19] == ','))
            return KRT_DATE_BAD;
    }
    return iso_fraction(s, len, c);
}

/* The text after an optional '-' sign: YYYY[-MM[-DD[T[time]]]]. */
static enum krt_date_status
iso_fields(const char *s, size_t len, struct civil *c, bool round_up)
{
    int year;

    if (!digits_at(s, len, 0, 4, &year))
        return KRT_DATE_BAD;
    c->year = year;
    if (len == 4) {
        fill(c, 1, round_up);
        return KRT_DATE_OK;
    }
    if (s[4] != '-' || !digits_at(s, len, 5, 2, &c->month) || c->month > 12)
        return KRT_DATE_BAD;
    if (len == 7) {
        fill(c, 2, round_up);
        return KRT_DATE_OK;
    }
    if (s[7] != '-' || !digits_at(s, len, 8, 2, &c->day) || c->day > 31)
        return KRT_DATE_BAD;
    if (len == 10 || len == 11) {
        fill(c, 3, round_up);
        return len == 10 || s[10] == 'T' ? KRT_DATE_OK : KRT_DATE_BAD;
    }
    if (s[10] != 'T')
        return KRT_DATE_BAD;
    return iso_time(s, len, c, round_up);
}

/* An ISO 8601 date, checked as a whole, as an instant. */
static enum krt_date_status
parse_iso(const char *s, size_t len, bool round_up, struct instant *t)
{
    struct civil c = { 0 };
    bool neg = len > 0 && s[0] == '-';
    enum krt_date_status st = iso_fields(s + neg, len - neg, &c, round_up);

    if (st != KRT_DATE_OK)
        return st;
    if (neg)
        c.year = -c.year;
    if (c.month < 1 || c.day < 1 || c.day > month_days(c.year, c.month))
        return KRT_DATE_BAD;
    t->day = days_from_civil(c.year, c.month, c.day);
    t->ns = 0;
    add_ns(t, ((c.hour * 60LL + c.minute) * 60 + c.second - c.offset)
                  * NS_PER_SEC + c.nano);
    return KRT_DATE_OK;
}

/* ------------------------------------------------------------ epoch */

/* epoch_millis: [-]digits[.[digits]], at most 19 and 6 digits. */
static bool
parse_epoch(const char *s, size_t len, bool round_up, struct instant *t)
{
    size_t at = len > 0 && s[0] == '-', start = at;
    krt_u64 ms = 0;
    krt_i64 sub = round_up ? NS_PER_MS - 1 : 0;

    for (; at < len && s[at] >= '0' && s[at] <= '9'; at++) {
        unsigned dg = (unsigned)(s[at] - '0');
        if (at - start == 19 || ms > ((krt_u64)INT64_MAX - dg) / 10)
            return false;
        ms = ms * 10 + dg;
    }
    if (at == start)
        return false;
    if (at < len && s[at] == '.') {
        size_t frac = ++at;
        sub = 0;
        for (; at < len && s[at] >= '0' && s[at] <= '9'; at++) {
            if (at - frac == 6)
                return false; /* before 'sub' can overflow */
            sub = sub * 10 + (s[at] - '0');
        }
        for (size_t i = at - frac; i < 6; i++)
            sub *= 10;
    }
    if (at != len)
        return false;
    *t = instant_from_ms(s[0] == '-' ? -(krt_i64)ms : (krt_i64)ms);
    add_ns(t, s[0] == '-' ? -sub : sub);
    return true;
}

/* strict_date_optional_time, else epoch_millis. */
static enum krt_date_status
parse_instant(const char *s, size_t len, bool round_up, struct instant *t)
{
    enum krt_date_status st = parse_iso(s, len, round_up, t);

    if (st == KRT_DATE_BAD && parse_epoch(s, len, round_up, t))
        st = KRT_DATE_OK;
    return st;
}

enum krt_date_status
krt_parse_date(const char *s, size_t len, bool round_up, krt_i64 *ms)
{
    struct instant t;
    enum krt_date_status st = parse_instant(s, len, round_up, &t);

    if (st == KRT_DATE_OK && !instant_ms(&t, ms))
        st = KRT_DATE_BAD;
    return st;
}

/* ------------------------------------------------------------ math */

/* Add 'n' months (years when 'months' is 12), keeping the day if it can. */
static bool
add_months(struct instant *t, krt_i64 n)
{
    krt_i64 y, total;
    int m, d;

    civil_from_days(t->day, &y, &m, &d);
    total = y * 12 + (m - 1) + n;
    y = floor_div(total, 12);
    m = (int)floor_mod(total, 12) + 1;
    if (y > MAX_YEAR || y < -MAX_YEAR)
        return false;
    if (d > month_days(y, m))
        d = month_days(y, m);
    t->day = days_from_civil(y, m, d);
    return true;
}

/* Add 'n' of 'unit' (y M w d h H m s); false outside java.time's range. */
static bool
add_units(struct instant *t, char unit, krt_i64 n)
{
    switch (unit) {
    case 'y':
        return add_months(t, n * 12);
    case 'M':
        return add_months(t, n);
    case 'w':
        t->day += n * 7;
        break;
    case 'd':
        t->day += n;
        break;
    case 'h':
    case 'H':
        t->day += floor_div(n, 24);
        add_ns(t, floor_mod(n, 24) * 3600 * NS_PER_SEC);
        break;
    case 'm':
        t->day += floor_div(n, 1440);
        add_ns(t, floor_mod(n, 1440) * 60 * NS_PER_SEC);
        break;
    default:
        t->day += floor_div(n, 86400);
        add_ns(t, floor_mod(n, 86400) * NS_PER_SEC);
        break;
    }
    return in_java_range(t);
}

/* Round down to the start of 'unit'. */
static void
round_down(struct instant *t, char unit)
{
    krt_i64 y;
    int m, d;

    switch (unit) {
    case 'y':
    case 'M':
        civil_from_days(t->day, &y, &m, &d);
        t->day = days_from_civil(y, unit == 'y' ? 1 : m, 1);
        t->ns = 0;
        break;
    case 'w':
        t->day -= floor_mod(t->day + 3, 7); /* 1970-01-01 was a Thursday */
        t->ns = 0;
        break;
    case 'd':
        t->ns = 0;
        break;
    case 'h':
    case 'H':
        t->ns -= t->ns % (3600 * NS_PER_SEC);
        break;
    case 'm':
        t->ns -= t->ns % (60 * NS_PER_SEC);
        break;
    default:
        t->ns -= t->ns % NS_PER_SEC;
        break;
    }
}

/* The number before a unit: digits, or 1 when there are none. */
static bool
math_number(const char *s, size_t len, size_t *at, krt_i64 *n,
            const char **why)
{
    size_t i = *at;

    *n = 0;
    if (s[i] < '0' || s[i] > '9') {
        *n = 1;
        return true;
    }
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        *n = *n * 10 + (s[i] - '0');
        if (*n > INT32_MAXV) {
            *why = "the number is larger than 2147483647";
            return false;
        }
    }
    if (i == len) {
        *why = "the date math ends without a unit";
        return false;
    }
    *at = i;
    return true;
}

/* One step: +N unit, -N unit or /unit. */
static bool
math_step(const char *s, size_t len, size_t *at, bool round_up,
          struct instant *t, const char **why)
{
    char op = s[(*at)++], unit;
    krt_i64 n;

    if (op != '+' && op != '-' && op != '/') {
        *why = "date math takes '+', '-' or '/' here";
        return false;
    }
    if (*at == len) {
        *why = "the date math ends without a unit";
        return false;
    }
    if (!math_number(s, len, at, &n, why))
        return false;
    if (op == '/' && n != 1) {
        *why = "rounding '/' takes a single unit";
        return false;
    }
    unit = s[(*at)++];
    if (unit == '\0' || !strchr("yMwdhHms", unit)) {
        *why = "the unit is not one of y, M, w, d, h, H, m, s";
        return false;
    }
    *why = "the date leaves the years java.time holds";
    if (op != '/')
        return add_units(t, unit, op == '-' ? -n : n);
    round_down(t, unit);
    if (!round_up)
        return true;
    /* Rounding up goes to the last millisecond of the unit. */
    if (!add_units(t, unit, 1))
        return false;
    add_ns(t, -NS_PER_MS);
    return in_java_range(t);
}

bool
krt_date_uses_now(const char *s, size_t len)
{
    return len >= 3 && memcmp(s, "now", 3) == 0;
}

/* Where "||" first stands in 's', or NULL. */
static const char *
anchor_end(const char *s, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (s[i] == '|' && s[i + 1] == '|')
            return s + i;
    }
    return NULL;
}

enum krt_date_status
krt_date_math(const char *s, size_t len, bool round_up, krt_i64 now,
              krt_i64 *ms, const char **why)
{
    static const char not_date[] =
        "it is neither strict_date_optional_time (ISO 8601) nor "
        "epoch_millis";
    struct instant t;
    const char *bars = NULL;
    size_t at;
    enum krt_date_status st;

    *why = not_date;
    if (krt_date_uses_now(s, len)) {
        t = instant_from_ms(now);
        at = 3;
    } else if ((bars = anchor_end(s, len)) == NULL) {
        return krt_parse_date(s, len, round_up, ms);
    } else {
        at = (size_t)(bars - s) + 2;
        st = bars == s ? KRT_DATE_BAD : parse_instant(s, at - 2, false, &t);
        if (st != KRT_DATE_OK)
            return st;
    }
    while (at < len) {
        if (!math_step(s, len, &at, round_up, &t, why))
            return KRT_DATE_BAD;
    }
    if (!instant_ms(&t, ms)) {
        *why = "the date is out of the range of epoch milliseconds";
        return KRT_DATE_BAD;
    }
    return KRT_DATE_OK;
}

/* ------------------------------------------------------------ ranges */

enum krt_date_status
krt_date_range(const struct krt_date_rel *r, krt_i64 now,
               struct krt_i64_range *out, const char **why)
{
    bool gt = r->flags & KRT_DATE_LOWER_EXCL;
    bool lt = r->flags & KRT_DATE_UPPER_EXCL;
    enum krt_date_status st;
    krt_i64 x;

    out->first = INT64_MIN;
    out->last = INT64_MAX;
    if (r->lower.bytes) {
        st = krt_date_math(r->lower.bytes, r->lower.len, gt, now, &x, why);
        if (st != KRT_DATE_OK)
            return st;
        out->first = gt ? (krt_i64)((krt_u64)x + 1) : x;
    }
    if (r->upper.bytes) {
        st = krt_date_math(r->upper.bytes, r->upper.len, !lt, now, &x, why);
        if (st != KRT_DATE_OK)
            return st;
        out->last = lt ? (krt_i64)((krt_u64)x - 1) : x;
    }
    return KRT_DATE_OK;
}

struct krt_i64_range *
krt_dates_resolve(const struct krt_program *prog, krt_i64 now, char *err,
                  size_t size)
{
    struct krt_i64_range *out = malloc((prog->ndates + 1) * sizeof *out);
    const char *why = "";
    char when[48];

    if (!out) {
        snprintf(err, size, "out of memory");
        return NULL;
    }
    for (krt_u32 i = 0; i < prog->ndates; i++) {
        const struct krt_date_rel *r = &prog->dates[i];
        if (krt_date_range(r, now, &out[i], &why) == KRT_DATE_OK)
            continue;
        krt_format_date(now, when, sizeof when);
        snprintf(err, size, "the date range '%.*s%s%.*s' cannot be worked "
                 "out at --now %s: %s", (int)r->lower.len,
                 r->lower.bytes ? r->lower.bytes : "",
                 r->lower.bytes && r->upper.bytes ? " .. " : "",
                 (int)r->upper.len, r->upper.bytes ? r->upper.bytes : "",
                 when, why);
        free(out);
        return NULL;
    }
    return out;
}

/* ------------------------------------------------------------ tests */

/* Value 'v' as a date; a region zone is reported once a process. */
static enum krt_date_status
value_date(struct krt_event *ev, const struct krt_value *v, krt_i64 *ms)
{
    static bool warned;
    enum krt_date_status st;
    const char *s;
    size_t len;

    if ((v->kind != KRT_V_STRING && v->kind != KRT_V_NUMBER)
        || !krt_value_text(ev, v, &s, &len))
        return KRT_DATE_BAD;
    st = krt_parse_date(s, len, false, ms);
    if (st == KRT_DATE_REGION && !warned) {
        warned = true;
        KRT_LOG(KRT_LOG_WARN, "warning: the date '%.*s' names a time-zone "
                "region, which kqlc does not read: it is taken as no "
                "value", (int)(len > 80 ? 80 : len), s);
    }
    return st;
}

bool
krt_value_is_date(struct krt_event *ev, const struct krt_value *v)
{
    krt_i64 ms;

    return value_date(ev, v, &ms) == KRT_DATE_OK;
}

/* Whether 'x' lies in one of the 'n' sorted, disjoint ranges. */
bool
krt_any_date_in(struct krt_event *ev, krt_u32 field,
                const struct krt_i64_range *ranges, krt_u32 n)
{
    const struct krt_value *v;
    krt_i64 ms;

    for (v = krt_value_first(ev, field); v; v = krt_value_next(ev, v)) {
        if (value_date(ev, v, &ms) == KRT_DATE_OK
            && krt_i64_in_ranges(ranges, n, ms))
            return true;
    }
    return false;
}

bool
krt_any_date_rel(struct krt_event *ev, krt_u32 field, krt_u32 date)
{
    /* A host that runs a program with dates hands their ranges over. */
    assert(date < ev->ndates);
    if (date >= ev->ndates || ev->dates[date].first > ev->dates[date].last)
        return false;
    return krt_any_date_in(ev, field, &ev->dates[date], 1);
}

/* ------------------------------------------------------------ clock */

void
krt_format_date(krt_i64 ms, char *buf, size_t size)
{
    struct instant t = instant_from_ms(ms);
    krt_i64 y, sec = t.ns / NS_PER_SEC;
    int m, d;

    civil_from_days(t.day, &y, &m, &d);
    snprintf(buf, size, "%s%04lld-%02d-%02dT%02lld:%02lld:%02lld.%03lldZ",
             y < 0 ? "-" : "", y < 0 ? -y : y, m, d, sec / 3600,
             sec / 60 % 60, sec % 60, t.ns / NS_PER_MS % 1000);
}

krt_i64
krt_clock_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (krt_i64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
