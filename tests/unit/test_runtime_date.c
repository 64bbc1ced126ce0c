/*
 * test_runtime_date.c - dates as Elasticsearch reads them on a date
 * field of format strict_date_optional_time||epoch_millis, date math,
 * the ranges of range queries, and the tests of event values.
 *
 * Expected instants were worked out apart from kqlc (with Python's
 * datetime for years 1 to 9999, by counting days for the others); the
 * rules they pin come from Elasticsearch's documentation of the date
 * type, of date math and of range queries (missing date components,
 * rounding per operator), and from its ISO 8601 and epoch_millis
 * parsers where the documentation is silent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "krt_date.h"
#include "runtime_test.h"

#define DAY 86400000LL
/* 2024-01-31T10:20:30.456Z, a Wednesday: the clock of the math tests. */
#define NOW 1706696430456LL

static krt_i64
date_as(const char *s, bool round_up)
{
    krt_i64 ms = 0;

    if (krt_parse_date(s, strlen(s), round_up, &ms) != KRT_DATE_OK)
        fail_msg("'%s' should be a date", s);
    return ms;
}

#define DATE(s) date_as(s, false)
#define DATE_UP(s) date_as(s, true)

static void
expect_status(const char *s, enum krt_date_status want)
{
    krt_i64 ms;

    if (krt_parse_date(s, strlen(s), false, &ms) != want)
        fail_msg("'%s' should have status %d", s, (int)want);
}

#define NOT_DATE(s) expect_status(s, KRT_DATE_BAD)

static krt_i64
math_as(const char *s, bool round_up)
{
    krt_i64 ms = 0;
    const char *why = NULL;

    if (krt_date_math(s, strlen(s), round_up, NOW, &ms, &why) != KRT_DATE_OK)
        fail_msg("'%s' should be date math: %s", s, why);
    return ms;
}

#define MATH(s) math_as(s, false)
#define MATH_UP(s) math_as(s, true)

static void
bad_math(const char *s)
{
    krt_i64 ms;
    const char *why = NULL;

    if (krt_date_math(s, strlen(s), false, NOW, &ms, &why) != KRT_DATE_BAD)
        fail_msg("'%s' should be refused", s);
    assert_non_null(why);
}

/* ------------------------------------------------------------ ISO 8601 */

/* Every form strict_date_optional_time takes, each field optional from
 * the month on; no zone means UTC. */
static void
test_iso_forms(void **state)
{
    (void)state;
    assert_int_equal(DATE("2024"), 1704067200000LL);
    assert_int_equal(DATE("2024-01"), 1704067200000LL);
    assert_int_equal(DATE("2024-01-02"), 1704153600000LL);
    assert_int_equal(DATE("2024-01-02T"), 1704153600000LL);
    assert_int_equal(DATE("2024-01-02T10"), 1704153600000LL + 36000000);
    assert_int_equal(DATE("2024-01-02T10:30"), 1704191400000LL);
    assert_int_equal(DATE("2024-01-02T10:30:45"), 1704191445000LL);
    assert_int_equal(DATE("2024-01-02T10:30:45.1"), 1704191445100LL);
    assert_int_equal(DATE("2024-01-02T10:30:45.12"), 1704191445120LL);
    assert_int_equal(DATE("2024-01-02T10:30:45.123"), 1704191445123LL);
    assert_int_equal(DATE("2024-01-02T10:30:45.123456"), 1704191445123LL);
    assert_int_equal(DATE("2024-01-02T10:30:45.123456789"),
                     1704191445123LL);
    assert_int_equal(DATE("2024-01-02T10:30:45,123"), 1704191445123LL);
    assert_int_equal(DATE("2024-01-02T10:30:45.123Z"), 1704191445123LL);
}

/* Z, numeric offsets with and without colons, and the zone ids java's
 * ZoneId reads without a time-zone database. */
static void
test_iso_zones(void **state)
{
    (void)state;
    assert_int_equal(DATE("2024-01-02T10:30:45Z"), 1704191445000LL);
    assert_int_equal(DATE("2024-01-02T10:30:45+01:30"), 1704186045000LL);
    assert_int_equal(DATE("2024-01-02T10:30:45+0130"), 1704186045000LL);
    assert_int_equal(DATE("2024-01-02T10:30:45-05:00"), 1704209445000LL);
    assert_int_equal(DATE("2024-01-02T10:30:45-05"), 1704209445000LL);
    assert_int_equal(DATE("2024-01-02T10:30:45+01:30:15"),
                     1704186030000LL);
    assert_int_equal(DATE("2024-01-02T10:30:45+013015"), 1704186030000LL);
    assert_int_equal(DATE("2024-01-02T10:30:45.5-00:00"), 1704191445500LL);
    assert_int_equal(DATE("2024-01-02T10:30:45+18:00"),
                     1704191445000LL - 18 * 3600000LL);
    /* a zone may follow the hour or the minutes */
    assert_int_equal(DATE("2024-01-02T10Z"), 1704189600000LL);
    assert_int_equal(DATE("2024-01-02T10+01"), 1704186000000LL);
    assert_int_equal(DATE("2024-01-02T10:30-05:00"), 1704209400000LL);
    /* zone ids */
    assert_int_equal(DATE("2024-01-02T10:30:45UTC"), 1704191445000LL);
    assert_int_equal(DATE("2024-01-02T10:30:45GMT"), 1704191445000LL);
    assert_int_equal(DATE("2024-01-02T10:30:45UT"), 1704191445000LL);
    assert_int_equal(DATE("2024-01-02T10:30:45UTC+1"), 1704187845000LL);
    assert_int_equal(DATE("2024-01-02T10:30:45GMT-05:00"), 1704209445000LL);
    assert_int_equal(DATE("2024-01-02T10:30:45UT+0130"), 1704186045000LL);
    NOT_DATE("2024-01-02T10:30:45+24:00");
    NOT_DATE("2024-01-02T10:30:45+19:00");
    NOT_DATE("2024-01-02T10:30:45+18:00:01");
    NOT_DATE("2024-01-02T10:30:45+01:0030");
    NOT_DATE("2024-01-02T10:30:45+1");
    NOT_DATE("2024-01-02T10:30:45+01:60");
    NOT_DATE("2024-01-02T10:30:45z");
    NOT_DATE("2024-01-02T10:30:45UTC+19");
    NOT_DATE("2024-01-02T10:30:45UTC+1:00");
    NOT_DATE("2024-01-02Z");
    NOT_DATE("2024-01-02TZ");
    NOT_DATE("2024-01-02T+01:00");
}

/*
 * LIMIT(zones): a region id needs the time-zone database; it is told
 * apart from a malformed zone so that a query can say why it is refused.
 */
static void
test_iso_zone_regions(void **state)
{
    (void)state;
    expect_status("2024-01-02T10:30:45Europe/Paris", KRT_DATE_REGION);
    expect_status("2024-01-02T10:30:45EST5EDT", KRT_DATE_REGION);
    expect_status("2024-01-02T10Zulu", KRT_DATE_REGION);
    expect_status("2024-01-02T10:30:45ZZ", KRT_DATE_REGION);
    expect_status("2024-01-02T10:30:45Europe Paris", KRT_DATE_BAD);
}

static void
test_iso_invalid(void **state)
{
    (void)state;
    NOT_DATE("");
    NOT_DATE("24-01");
    NOT_DATE("24-01-02");
    NOT_DATE("+2024-01-02");
    NOT_DATE("12024-01-02");
    NOT_DATE("2024-1-02");
    NOT_DATE("2024-01-2");
    NOT_DATE("2024-13-01");
    NOT_DATE("2024-00-10");
    NOT_DATE("2024-01-00");
    NOT_DATE("2024-01-32");
    NOT_DATE("2024-04-31");
    NOT_DATE("2024/01/02");
    NOT_DATE("2024-01-02 10:30");
    NOT_DATE("2024-01-02t10:30");
    NOT_DATE("2024-01-02T1");
    NOT_DATE("2024-01-02T24");
    NOT_DATE("2024-01-02T10:60");
    NOT_DATE("2024-01-02T10:30:60");
    NOT_DATE("2024-01-02T10:30:45.");
    NOT_DATE("2024-01-02T10:30:45.1234567890");
    NOT_DATE("2024-01-02T10:30:");
    NOT_DATE("2024-01-02T10:30:45.5 ");
    NOT_DATE(" 2024-01-02");
    NOT_DATE("2024-01-02T10:30:45.5,5");
    NOT_DATE("-");
    NOT_DATE("garbage");
}

/* Leap years, month ends, negative and extreme years. */
static void
test_calendar(void **state)
{
    (void)state;
    assert_int_equal(DATE("2024-02-29"), 1709164800000LL);
    NOT_DATE("2023-02-29");
    assert_int_equal(DATE("2000-02-29"), 951782400000LL);
    NOT_DATE("1900-02-29");
    NOT_DATE("2024-02-30");
    NOT_DATE("2024-06-31");
    assert_int_equal(DATE("2023-03-01"), 1677628800000LL);
    assert_int_equal(DATE("1970-01-01"), 0);
    assert_int_equal(DATE("1969-12-31T23:59:59Z"), -1000);
    assert_int_equal(DATE("0001-01-01"), -62135596800000LL);
    assert_int_equal(DATE("0000-01-01"), -62167219200000LL);
    assert_int_equal(DATE("-0000-01-01"), -62167219200000LL);
    assert_int_equal(DATE("-0001-01-01"), -62198755200000LL);
    assert_int_equal(DATE("-0001"), -62198755200000LL);
    assert_int_equal(DATE("9999-12-31T23:59:59.999Z"), 253402300799999LL);
    /* year 0 is a leap year, year -1 is not */
    assert_int_equal(DATE("0000-02-29"), -62167219200000LL + 59 * DAY);
    NOT_DATE("-0001-02-29");
}

/* -------------------------------------------------------- epoch millis */

static void
test_epoch_millis(void **state)
{
    (void)state;
    assert_int_equal(DATE("0"), 0);
    assert_int_equal(DATE("1704067200000"), 1704067200000LL);
    assert_int_equal(DATE("12345"), 12345);
    assert_int_equal(DATE("-1"), -1);
    assert_int_equal(DATE("-100"), -100);
    assert_int_equal(DATE("-0"), 0);
    assert_int_equal(DATE("123."), 123);
    assert_int_equal(DATE("1.5"), 1);
    assert_int_equal(DATE("1.999999"), 1);
    /* a negative fraction moves away from zero: -1.5 ms is in -2 */
    assert_int_equal(DATE("-1.5"), -2);
    assert_int_equal(DATE("-1."), -1);
    assert_int_equal(DATE("9223372036854775807"), INT64_MAX);
    assert_int_equal(DATE("-9223372036854775807"), -INT64_MAX);
    assert_int_equal(DATE("-9223372036854775807.5"), INT64_MIN);
    NOT_DATE("9223372036854775808");
    NOT_DATE("-9223372036854775808");
    NOT_DATE("00000000000000000001");
    NOT_DATE("1.1234567");
    NOT_DATE("1e3");
    NOT_DATE("1.5e3");
    NOT_DATE("+1");
    NOT_DATE(".5");
    NOT_DATE("1.2.3");
    NOT_DATE("--1");
    NOT_DATE("0x10");
}

/* Four digits are a year first (strict_date_optional_time is tried
 * before epoch_millis), negative ones too; other numbers are millis. */
static void
test_years_before_millis(void **state)
{
    (void)state;
    assert_int_equal(DATE("2024"), 1704067200000LL);
    assert_int_equal(DATE("1970"), 0);
    assert_int_equal(DATE("0001"), -62135596800000LL);
    assert_int_equal(DATE("-0001"), -62198755200000LL);
    assert_int_equal(DATE("999"), 999);
    assert_int_equal(DATE("20240"), 20240);
    assert_int_equal(DATE("-12345"), -12345);
}

/* ------------------------------------------------------- rounding up */

/* Range queries fill missing components with 01, 01, 23, 59, 59 and
 * 999999999 for their gt and lte bounds (Elasticsearch's range query
 * documentation, 'Missing date components'); epoch millis get .999999. */
static void
test_round_up(void **state)
{
    (void)state;
    assert_int_equal(DATE_UP("2024"), 1704153599999LL);
    assert_int_equal(DATE_UP("2024-03"), 1709337599999LL);
    assert_int_equal(DATE_UP("2024-01-02"), 1704239999999LL);
    assert_int_equal(DATE_UP("2024-01-02T"), 1704239999999LL);
    assert_int_equal(DATE_UP("2024-01-02T10"), 1704193199999LL);
    assert_int_equal(DATE_UP("2024-01-02T10Z"), 1704193199999LL);
    assert_int_equal(DATE_UP("2024-01-02T10:30"), 1704191459999LL);
    assert_int_equal(DATE_UP("2024-01-02T10:30:45"), 1704191445999LL);
    assert_int_equal(DATE_UP("2024-01-02T10:30:45.5"), 1704191445500LL);
    assert_int_equal(DATE_UP("1000"), -30610224000000LL + DAY - 1);
    assert_int_equal(DATE_UP("12345"), 12345);
    /* .999999 of a negative millisecond reaches into the one before */
    assert_int_equal(DATE_UP("-100"), -101);
    assert_int_equal(DATE_UP("-100."), -100);
    assert_int_equal(DATE_UP("-100.5"), -101);
}

/* The date type keeps milliseconds: finer digits round toward the past. */
static void
test_sub_millisecond(void **state)
{
    (void)state;
    assert_int_equal(DATE("2024-01-01T00:00:00.0009Z"), 1704067200000LL);
    assert_int_equal(DATE("2024-01-01T00:00:00.000999999Z"),
                     1704067200000LL);
    assert_int_equal(DATE("1969-12-31T23:59:59.9999Z"), -1);
    assert_int_equal(DATE("1969-12-31T23:59:59.999Z"), -1);
    assert_int_equal(DATE("1969-12-31T23:59:59.9989Z"), -2);
}

/* ------------------------------------------------------------ math */

static void
test_math_units(void **state)
{
    (void)state;
    assert_int_equal(MATH("now"), NOW);
    assert_int_equal(MATH("now+1y"), 1738318830456LL);
    assert_int_equal(MATH("now-1y"), 1675160430456LL);
    assert_int_equal(MATH("now+1M"), 1709202030456LL); /* 2024-02-29 */
    assert_int_equal(MATH("now+1w"), NOW + 7 * DAY);
    assert_int_equal(MATH("now-2w"), NOW - 14 * DAY);
    assert_int_equal(MATH("now+1d"), NOW + DAY);
    assert_int_equal(MATH("now-1d"), NOW - DAY);
    assert_int_equal(MATH("now+1h"), NOW + 3600000);
    assert_int_equal(MATH("now-1H"), NOW - 3600000);
    assert_int_equal(MATH("now+90m"), NOW + 90 * 60000);
    assert_int_equal(MATH("now-3600s"), NOW - 3600000);
    assert_int_equal(MATH("now+d"), NOW + DAY);
    assert_int_equal(MATH("now+007d"), NOW + 7 * DAY);
    assert_int_equal(MATH("now-1d+1d"), NOW);
    assert_int_equal(MATH("now+48h"), NOW + 2 * DAY);
    assert_int_equal(MATH("now-100000s"), NOW - 100000000LL);
    assert_int_equal(MATH("now+2147483647s"), NOW + 2147483647000LL);
}

/* Adding months or years keeps the day when the month has it, and
 * otherwise takes the month's last day (java.time's plusMonths). */
static void
test_math_month_ends(void **state)
{
    krt_i64 ms;
    const char *why;

    (void)state;
    assert_int_equal(MATH("2024-01-31||+1M"), 1709164800000LL);
    assert_int_equal(MATH("2024-03-31||-1M"), 1709164800000LL);
    assert_int_equal(MATH("2023-01-31||+1M"), 1677542400000LL);
    assert_int_equal(MATH("2024-02-29||+1y"), 1740700800000LL);
    assert_int_equal(MATH("2024-02-29||+4y"), 1835395200000LL);
    assert_int_equal(MATH("2024-01-31||+1M+1M"), 1711670400000LL);
    assert_int_equal(MATH("2024-01-31||+2M"), 1711843200000LL);
    assert_int_equal(MATH("2024-12-15||+1M"), 1736899200000LL);
    assert_int_equal(MATH("2024-01-15||-13M"), 1671062400000LL);
    assert_int_equal(krt_date_math("now+1M", 6, false, 1711880430456LL, &ms,
                                   &why), KRT_DATE_OK);
    assert_int_equal(ms, 1714472430456LL); /* 03-31 to 04-30 */
}

/* Each rounding, down (gte, lt) and up to the unit's last millisecond
 * (gt, lte). */
static void
test_math_rounding(void **state)
{
    (void)state;
    assert_int_equal(MATH("now/y"), 1704067200000LL);
    assert_int_equal(MATH_UP("now/y"), 1735689599999LL);
    assert_int_equal(MATH("now/M"), 1704067200000LL);
    assert_int_equal(MATH_UP("now/M"), 1706745599999LL);
    assert_int_equal(MATH("now/w"), 1706486400000LL);  /* Monday 01-29 */
    assert_int_equal(MATH_UP("now/w"), 1707091199999LL);
    assert_int_equal(MATH("now/d"), 1706659200000LL);
    assert_int_equal(MATH_UP("now/d"), 1706745599999LL);
    assert_int_equal(MATH("now/h"), 1706695200000LL);
    assert_int_equal(MATH_UP("now/h"), 1706698799999LL);
    assert_int_equal(MATH("now/H"), 1706695200000LL);
    assert_int_equal(MATH("now/m"), 1706696400000LL);
    assert_int_equal(MATH_UP("now/m"), 1706696459999LL);
    assert_int_equal(MATH("now/s"), 1706696430000LL);
    assert_int_equal(MATH_UP("now/s"), 1706696430999LL);
    assert_int_equal(MATH("now/1d"), 1706659200000LL);
    /* the week of a Sunday starts the Monday before */
    assert_int_equal(MATH("2024-01-28T12:00:00Z||/w"), 1705881600000LL);
    assert_int_equal(MATH("2024-01-29||/w"), 1706486400000LL);
    /* before 1970 */
    assert_int_equal(MATH("1969-07-20T20:17:40Z||/d"), -14256000000LL);
    assert_int_equal(MATH_UP("1969-07-20T20:17:40Z||/d"),
                     -14256000000LL + DAY - 1);
    /* math after rounding, and rounding twice */
    assert_int_equal(MATH("now-1d/d"), 1706572800000LL);
    assert_int_equal(MATH_UP("now-1d/d"), 1706659199999LL);
    assert_int_equal(MATH("now/d+1h"), 1706659200000LL + 3600000);
    assert_int_equal(MATH_UP("now/d+1h"), 1706745599999LL + 3600000);
    assert_int_equal(MATH_UP("now/d/d"), 1706745599999LL);
}

/* 'DATE||math' parses the date as written, never rounded up; without
 * '||' a date alone is rounded as its operator asks. */
static void
test_math_anchors(void **state)
{
    (void)state;
    assert_int_equal(MATH("2024-01-02||"), 1704153600000LL);
    assert_int_equal(MATH_UP("2024-01-02||"), 1704153600000LL);
    assert_int_equal(MATH_UP("2024-01-02"), 1704239999999LL);
    assert_int_equal(MATH("2024-01-02||+1d"), 1704240000000LL);
    assert_int_equal(MATH_UP("2024-01-02||+1d"), 1704240000000LL);
    assert_int_equal(MATH("2024-01-02||/M"), 1704067200000LL);
    assert_int_equal(MATH_UP("2024-01-02||/M"), 1706745599999LL);
    assert_int_equal(MATH("2024-01-01||+1M/d"), 1706745600000LL);
    assert_int_equal(MATH("1704067200000||+1d"), 1704153600000LL);
    assert_int_equal(MATH("2024-01-02T10:30:45+01:00||/h"),
                     1704186000000LL);
}

static void
test_math_errors(void **state)
{
    (void)state;
    bad_math("");
    bad_math("now+");
    bad_math("now+1");
    bad_math("now-12");
    bad_math("now/2d");
    bad_math("now/0d");
    bad_math("now+1x");
    bad_math("now+1D");
    bad_math("now+1Y");
    bad_math("now 1d");
    bad_math("now -1d");
    bad_math("nowx");
    bad_math("now*2d");
    bad_math("now||+1d");
    bad_math("||+1d");
    bad_math("2024-02-30||+1d");
    bad_math("2024-01-02||1d");
    bad_math("now+2147483648s");
    bad_math("now+99999999999d");
    bad_math("now+1000000000y");
    bad_math("now+300000000y");
    bad_math("9223372036854775807||+1s");
    bad_math("garbage");
}

/* ------------------------------------------------------------ ranges */

static struct krt_i64_range
range_of(const char *lower, const char *upper, krt_u32 flags)
{
    struct krt_date_rel r = {
        { lower ? (krt_u32)strlen(lower) : 0, lower },
        { upper ? (krt_u32)strlen(upper) : 0, upper }, flags };
    struct krt_i64_range out;
    const char *why;

    assert_int_equal(krt_date_range(&r, NOW, &out, &why), KRT_DATE_OK);
    return out;
}

/* gte rounds down; gt rounds up then adds 1 ms; lt rounds down then
 * takes 1 ms; lte rounds up (range query documentation, 'Date math and
 * rounding').  f:v is gte v and lte v, as Kibana sends it. */
static void
test_ranges_by_operator(void **state)
{
    struct krt_i64_range r;

    (void)state;
    r = range_of("now/d", NULL, 0);
    assert_int_equal(r.first, 1706659200000LL);
    assert_int_equal(r.last, INT64_MAX);
    r = range_of("now/d", NULL, KRT_DATE_LOWER_EXCL);
    assert_int_equal(r.first, 1706745600000LL);
    r = range_of(NULL, "now/d", KRT_DATE_UPPER_EXCL);
    assert_int_equal(r.first, INT64_MIN);
    assert_int_equal(r.last, 1706659199999LL);
    r = range_of(NULL, "now/d", 0);
    assert_int_equal(r.last, 1706745599999LL);
    r = range_of("2024-01-02", "2024-01-02", 0);
    assert_int_equal(r.first, 1704153600000LL);
    assert_int_equal(r.last, 1704239999999LL);
    r = range_of("2024", "2024", 0);
    assert_int_equal(r.first, 1704067200000LL);
    assert_int_equal(r.last, 1704153599999LL);
    r = range_of("2024-01-02T10:30:45.123Z", "2024-01-02T10:30:45.123Z", 0);
    assert_int_equal(r.first, 1704191445123LL);
    assert_int_equal(r.last, 1704191445123LL);
    r = range_of("2024-01-02", NULL, KRT_DATE_LOWER_EXCL);
    assert_int_equal(r.first, 1704240000000LL);
    r = range_of(NULL, "2024-01-02", KRT_DATE_UPPER_EXCL);
    assert_int_equal(r.last, 1704153599999LL);
    /* a negative epoch term is empty: its lte end rounds into -101 */
    r = range_of("-100", "-100", 0);
    assert_true(r.first > r.last);
    /* Java's ++ on Long.MAX_VALUE wraps: every date is after it */
    r = range_of("9223372036854775807", NULL, KRT_DATE_LOWER_EXCL);
    assert_int_equal(r.first, INT64_MIN);
}

/* ------------------------------------------------------------ events */

enum { TS, NFIELDS };

static const struct krt_field fields[] = {
    [TS] = { "ts", KRT_DATE, 0 },
};

/* Whether the event 'line' has a ts in [first, last]. */
static bool
in(const char *line, krt_i64 first, krt_i64 last)
{
    struct rt t;
    struct krt_i64_range r = { first, last };
    bool hit;

    rt_open(&t, fields, NFIELDS);
    hit = krt_any_date_in(rt_event(&t, line), TS, &r, 1);
    rt_close(&t);
    return hit;
}

static bool
exists(const char *line)
{
    struct rt t;
    bool hit;

    rt_open(&t, fields, NFIELDS);
    hit = krt_exists(rt_event(&t, line), TS);
    rt_close(&t);
    return hit;
}

#define JAN2 1704153600000LL

/* Strings and numbers, ISO and epoch; anything else is no value. */
static void
test_event_values(void **state)
{
    (void)state;
    assert_true(in("{\"ts\":\"2024-01-02T00:00:00Z\"}", JAN2, JAN2));
    assert_true(in("{\"ts\":\"2024-01-02\"}", JAN2, JAN2));
    assert_true(in("{\"ts\":\"2024-01-02T01:00:00+01:00\"}", JAN2, JAN2));
    assert_true(in("{\"ts\":1704153600000}", JAN2, JAN2));
    assert_true(in("{\"ts\":\"1704153600000\"}", JAN2, JAN2));
    assert_true(in("{\"ts\":1704153600000.9}", JAN2, JAN2));
    assert_true(in("{\"ts\":\"2024-01-02T00:00:00.000999Z\"}", JAN2, JAN2));
    assert_true(in("{\"ts\":\"\\u0032024-01-02\"}", JAN2, JAN2));
    /* a number of four digits is a year */
    assert_true(in("{\"ts\":2024}", 1704067200000LL, 1704067200000LL));
    assert_false(in("{\"ts\":2024}", 2024, 2024));
    assert_true(in("{\"ts\":-5}", -5, -5));
    assert_false(in("{\"ts\":1.7041536e12}", INT64_MIN, INT64_MAX));
    assert_false(in("{\"ts\":\"garbage\"}", INT64_MIN, INT64_MAX));
    assert_false(in("{\"ts\":\"2024-02-30\"}", INT64_MIN, INT64_MAX));
    assert_false(in("{\"ts\":true}", INT64_MIN, INT64_MAX));
    assert_false(in("{\"ts\":null}", INT64_MIN, INT64_MAX));
    assert_false(in("{\"ts\":{\"a\":1}}", INT64_MIN, INT64_MAX));
    assert_false(in("{\"other\":1}", INT64_MIN, INT64_MAX));
    /* arrays: any element */
    assert_true(in("{\"ts\":[\"x\",\"2024-01-02\"]}", JAN2, JAN2));
    assert_true(in("{\"ts\":[1,1704153600000]}", JAN2, JAN2));
    assert_false(in("{\"ts\":[\"x\",\"2024-01-03\"]}", JAN2, JAN2));
}

/* f:* holds for a date Elasticsearch indexes; ignore_malformed drops the
 * rest (a document refused outright matches no query either). */
static void
test_event_exists(void **state)
{
    (void)state;
    assert_true(exists("{\"ts\":\"2024-01-02\"}"));
    assert_true(exists("{\"ts\":0}"));
    assert_true(exists("{\"ts\":[\"x\",\"2024\"]}"));
    assert_false(exists("{\"ts\":\"not a date\"}"));
    assert_false(exists("{\"ts\":\"\"}"));
    assert_false(exists("{\"ts\":true}"));
    assert_false(exists("{\"ts\":null}"));
    assert_false(exists("{\"ts\":[]}"));
    assert_false(exists("{\"ts\":{\"a\":\"2024\"}}"));
    assert_false(exists("{\"ts\":\"2024-01-02T10Europe/Paris\"}"));
}

/* Ranges that read the clock are worked out once, for the scanner. */
static void
test_resolved_ranges(void **state)
{
    static const struct krt_date_rel dates[] = {
        { { 8, "now-1d/d" }, { 0, 0 }, 0 },
        { { 0, 0 }, { 5, "now/d" }, KRT_DATE_UPPER_EXCL },
        { { 3, "now" }, { 3, "now" }, 0 },
    };
    const struct krt_program prog = { .abi = KRT_ABI_VERSION,
                                      .dates = dates, .ndates = 3 };
    struct krt_i64_range *r;
    struct krt_event *ev;
    struct rt t;
    char err[200];

    (void)state;
    r = krt_dates_resolve(&prog, NOW, err, sizeof err);
    assert_non_null(r);
    assert_int_equal(r[0].first, 1706572800000LL);
    assert_int_equal(r[0].last, INT64_MAX);
    assert_int_equal(r[1].last, 1706659199999LL);
    assert_int_equal(r[2].first, NOW);
    assert_int_equal(r[2].last, NOW);
    rt_open(&t, fields, NFIELDS);
    krt_scanner_set_dates(t.sc, r, 3);
    ev = rt_event(&t, "{\"ts\":\"2024-01-30T00:00:00Z\"}");
    assert_true(krt_any_date_rel(ev, TS, 0));
    assert_true(krt_any_date_rel(ev, TS, 1));
    assert_false(krt_any_date_rel(ev, TS, 2));
    ev = rt_event(&t, "{\"ts\":1706696430456}");
    assert_true(krt_any_date_rel(ev, TS, 2));
    rt_close(&t);
    free(r);
}

/* Date math that leaves the dates a long holds fails at that clock. */
static void
test_resolve_out_of_range(void **state)
{
    static const struct krt_date_rel dates[] = {
        { { 14, "now+200000000y" }, { 0, 0 }, 0 },
    };
    const struct krt_program prog = { .abi = KRT_ABI_VERSION,
                                      .dates = dates, .ndates = 1 };
    char err[300];
    struct krt_i64_range *r;

    (void)state;
    r = krt_dates_resolve(&prog, 0, err, sizeof err);
    assert_non_null(r);
    free(r);
    /* about the year 95,000,000: 200,000,000 years on passes 2^63 ms */
    assert_null(krt_dates_resolve(&prog, 3000000000000000000LL, err,
                                  sizeof err));
    assert_non_null(strstr(err, "now+200000000y"));
}

static void
test_format(void **state)
{
    char buf[48];

    (void)state;
    krt_format_date(NOW, buf, sizeof buf);
    assert_string_equal(buf, "2024-01-31T10:20:30.456Z");
    krt_format_date(-1, buf, sizeof buf);
    assert_string_equal(buf, "1969-12-31T23:59:59.999Z");
    krt_format_date(-62198755200000LL, buf, sizeof buf);
    assert_string_equal(buf, "-0001-01-01T00:00:00.000Z");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iso_forms),
        cmocka_unit_test(test_iso_zones),
        cmocka_unit_test(test_iso_zone_regions),
        cmocka_unit_test(test_iso_invalid),
        cmocka_unit_test(test_calendar),
        cmocka_unit_test(test_epoch_millis),
        cmocka_unit_test(test_years_before_millis),
        cmocka_unit_test(test_round_up),
        cmocka_unit_test(test_sub_millisecond),
        cmocka_unit_test(test_math_units),
        cmocka_unit_test(test_math_month_ends),
        cmocka_unit_test(test_math_rounding),
        cmocka_unit_test(test_math_anchors),
        cmocka_unit_test(test_math_errors),
        cmocka_unit_test(test_ranges_by_operator),
        cmocka_unit_test(test_event_values),
        cmocka_unit_test(test_event_exists),
        cmocka_unit_test(test_resolved_ranges),
        cmocka_unit_test(test_resolve_out_of_range),
        cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
