/*
 * krt_num.c - integer fields: numbers and numeric strings read as
 * Elasticsearch coerces them, and lookups in range tables.
 *
 * Text (strings, and the values of queries) on a long field is read
 * exactly as Java's BigDecimal reads it, then truncated toward zero.
 * Such a value is never held as a double: the digits are accumulated in
 * 64 bits and the first one that would pass 2^63 ends the work, so a
 * number of thousands of digits costs one pass over its text.
 *
 * integer, short and byte read text as Elasticsearch's parsers of those
 * types do: Double.parseDouble (krt_java_double), a range check of the
 * double, then Java's cast toward zero.  So " 26 ", "26d" and "0x1Ap0"
 * are 26, and "2147483647.5" is out of an integer's range although its
 * integer part is not.
 *
 * A JSON number token with a fraction or an exponent is read as the
 * JSON parser Elasticsearch uses (Jackson) reads it: as the nearest
 * double, then cast toward zero.
 */
#include "krt_run.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "krt_double.h"
#include "krt_event.h"

/* A decimal as BigDecimal's syntax splits it. */
struct decimal {
    const char *int_digits;
    size_t nint;
    const char *frac_digits;
    size_t nfrac;
    krt_i64 exp;
    bool neg;
};

#define INT32_LO (-2147483647LL - 1)
#define INT32_HI 2147483647LL

/*
 * LIMIT(num): digits are ASCII; Java also reads other Unicode decimal
 * digits (Arabic-Indic and the like), which no event source writes in a
 * number; such text is no number here and matches nothing.
 */
static size_t
skip_digits(const char *s, size_t i, size_t len)
{
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

/*
 * The exponent s[i..len), after the 'e'.  BigDecimal refuses more than
 * ten digits once leading zeros are gone, and values outside int.
 */
static bool
split_exponent(const char *s, size_t i, size_t len, krt_i64 *exp)
{
    bool neg = false;
    krt_i64 e = 0;

    if (i < len && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if (i == len || skip_digits(s, i, len) != len)
        return false;
    while (len - i > 10 && s[i] == '0')
        i++;
    if (len - i > 10)
        return false;
    for (; i < len; i++)
        e = e * 10 + (s[i] - '0');
    *exp = neg ? -e : e;
    return *exp >= INT32_LO && *exp <= INT32_HI;
}

/* Split 's' as [+-] digits [. digits] [eE [+-] digits]; false if it isn't. */
static bool
split_decimal(const char *s, size_t len, struct decimal *d)
{
    size_t i = 0, j;

    d->neg = false;
    d->exp = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        d->neg = s[i++] == '-';
    j = skip_digits(s, i, len);
    d->int_digits = s + i;
    d->nint = j - i;
    i = j;
    d->frac_digits = s + i;
    d->nfrac = 0;
    if (i < len && s[i] == '.') {
        j = skip_digits(s, i + 1, len);
        d->frac_digits = s + i + 1;
        d->nfrac = j - (i + 1);
        i = j;
    }
    if (d->nint + d->nfrac == 0)
        return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        if (!split_exponent(s, i + 1, len, &d->exp))
            return false;
        i = len;
    }
    /* BigDecimal's scale, fraction digits less exponent, is an int too. */
    return i == len && (krt_i64)d->nfrac - d->exp >= INT32_LO
           && (krt_i64)d->nfrac - d->exp <= INT32_HI;
}

static unsigned
digit_at(const struct decimal *d, size_t i)
{
    const char *c = i < d->nint ? &d->int_digits[i]
                                : &d->frac_digits[i - d->nint];
    return (unsigned)(*c - '0');
}

/*
 * The magnitude of the integer part of 'd' in '*out'; false when it
 * exceeds 2^63, which no integer type holds.
 */
static bool
magnitude(const struct decimal *d, krt_u64 *out)
{
    const krt_u64 limit = (krt_u64)1 << 63;
    krt_i64 k = (krt_i64)d->nint + d->exp; /* digits before the point */
    krt_i64 n = (krt_i64)(d->nint + d->nfrac);
    krt_u64 acc = 0;

    for (krt_i64 i = 0; i < k && i < n; i++) {
        unsigned dg = digit_at(d, (size_t)i);
        if (acc > (limit - dg) / 10)
            return false;
        acc = acc * 10 + dg;
    }
    for (krt_i64 i = n; acc != 0 && i < k; i++) {
        if (acc > limit / 10)
            return false;
        acc *= 10;
    }
    *out = acc;
    return true;
}

static unsigned
type_bits(krt_u32 type)
{
    switch (type) {
    case KRT_INTEGER:
        return 32;
    case KRT_SHORT:
        return 16;
    case KRT_BYTE:
        return 8;
    default:
        return 64;
    }
}

/* Whether a non-zero digit stands after the decimal point. */
static bool
has_fraction(const struct decimal *d)
{
    krt_i64 k = (krt_i64)d->nint + d->exp; /* digits before the point */
    krt_i64 n = (krt_i64)(d->nint + d->nfrac);

    for (krt_i64 i = k < 0 ? 0 : k; i < n; i++) {
        if (digit_at(d, (size_t)i) != 0)
            return true;
    }
    return false;
}

/* Bounds of the narrower integer types, as doubles. */
static void
type_bounds(krt_u32 type, double *lo, double *hi)
{
    unsigned bits = type_bits(type);

    *hi = ldexp(1.0, (int)bits - 1) - 1;
    *lo = -ldexp(1.0, (int)bits - 1);
}

/*
 * A query value of an integer, short or byte field, as the mappers'
 * parse(Object) reads it: Double.parseDouble, the type's range, the
 * cast.  The fraction and the sign are the double's (hasDecimalPart and
 * signum).
 *
 * LIMIT(num): Elasticsearch reads "NaN" as 0 with a fraction and no
 * sign, which makes f:NaN match nothing and f >= NaN mean f >= 0; no
 * rule asks that, so a NaN query value is refused as no number.
 */
static enum krt_int_status
parse_narrow(const char *s, size_t len, krt_u32 type, struct krt_number *out)
{
    double d, lo, hi;

    if (!krt_java_double(s, len, &d) || isnan(d))
        return KRT_INT_NAN;
    type_bounds(type, &lo, &hi);
    if (d < lo || d > hi)
        return KRT_INT_RANGE;
    out->value = (krt_i64)d;
    out->fraction = d != trunc(d);
    out->negative = d < 0;
    return KRT_INT_OK;
}

enum krt_int_status
krt_parse_number(const char *s, size_t len, krt_u32 type,
                 struct krt_number *out)
{
    struct decimal d;
    krt_u64 mag, neg_max;

    if (type_bits(type) < 64)
        return parse_narrow(s, len, type, out);
    if (!split_decimal(s, len, &d))
        return KRT_INT_NAN;
    if (!magnitude(&d, &mag))
        return KRT_INT_RANGE;
    neg_max = (krt_u64)1 << (type_bits(type) - 1);
    if (mag > neg_max - !d.neg)
        return KRT_INT_RANGE;
    out->value = d.neg && mag ? -(krt_i64)(mag - 1) - 1 : (krt_i64)mag;
    out->fraction = has_fraction(&d);
    out->negative = d.neg && (mag != 0 || out->fraction);
    return KRT_INT_OK;
}

/*
 * A string value of an integer, short or byte field, as the document
 * parser reads it (XContentParser.intValue and shortValue): the double
 * must lie within the type, or within int for byte, whose mapper then
 * checks the int it cast.  Java casts NaN to 0, and so does this.
 */
static enum krt_int_status
narrow_value(const char *s, size_t len, krt_u32 type, krt_i64 *out)
{
    double d, lo, hi;
    krt_i64 x;

    if (!krt_java_double(s, len, &d))
        return KRT_INT_NAN;
    type_bounds(type == KRT_BYTE ? KRT_INTEGER : type, &lo, &hi);
    if (d < lo || d > hi)
        return KRT_INT_RANGE;
    x = isnan(d) ? 0 : (krt_i64)d;
    if (type == KRT_BYTE && (x < -128 || x > 127))
        return KRT_INT_RANGE;
    *out = x;
    return KRT_INT_OK;
}

/*
 * The common case in one pass: at most 18 decimal digits, perhaps after
 * a '-', which every type reads as that integer (a double holds it
 * exactly), within the type's range or out of it.  False leaves the text
 * to the general path, which decides as it always did.
 */
static bool
quick_int(const char *s, size_t len, krt_u32 type, enum krt_int_status *st,
          krt_i64 *out)
{
    unsigned bits = type_bits(type);
    bool neg = len > 0 && s[0] == '-';
    krt_i64 v = 0;

    if (len == (size_t)neg || len - neg > 18)
        return false;
    for (size_t i = neg; i < len; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';

        if (d > 9)
            return false;
        v = v * 10 + (krt_i64)d;
    }
    v = neg ? -v : v;
    *st = KRT_INT_OK;
    if (bits < 64 && (v < -((krt_i64)1 << (bits - 1))
                      || v > ((krt_i64)1 << (bits - 1)) - 1))
        *st = KRT_INT_RANGE;
    else
        *out = v;
    return true;
}

enum krt_int_status
krt_parse_int(const char *s, size_t len, krt_u32 type, krt_i64 *out)
{
    struct krt_number n;
    enum krt_int_status st;

    if (quick_int(s, len, type, &st, out))
        return st;
    if (type_bits(type) < 64)
        return narrow_value(s, len, type, out);
    st = krt_parse_number(s, len, type, &n);
    if (st == KRT_INT_OK)
        *out = n.value;
    return st;
}

/* Whether the number token 's' has a fraction or an exponent. */
static bool
is_float_token(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
            return true;
    }
    return false;
}

/* 2^63 and 2^31, exactly representable as doubles. */
#define TWO_63 9223372036854775808.0
#define TWO_31 2147483648.0

/*
 * The float token 's' as Jackson converts it for Elasticsearch: the
 * nearest double (strtod, in the C locale the runtime never leaves),
 * refused outside [-2^63, 2^63] for long, where 2^63 saturates to the
 * largest long as Java's cast does.  The narrower types go through int
 * first, as their mappers do: the double must lie within int, is cast
 * toward zero, and the int must then fit the type.
 */
static enum krt_int_status
float_token(const char *s, size_t len, krt_u32 type, krt_i64 *out)
{
    unsigned bits = type_bits(type);
    char *end;
    double d = strtod(s, &end);
    krt_i64 x;

    /* the scanner validated the token; a byte that ends it follows */
    assert(end == s + len);
    (void)len;
    if (bits == 64) {
        if (!(d >= -TWO_63 && d <= TWO_63))
            return KRT_INT_RANGE;
        *out = d == TWO_63 ? (krt_i64)(~0ull >> 1) : (krt_i64)d;
        return KRT_INT_OK;
    }
    if (!(d >= -TWO_31 && d <= TWO_31 - 1))
        return KRT_INT_RANGE;
    x = (krt_i64)d;
    if (x < -((krt_i64)1 << (bits - 1)) || x >= (krt_i64)1 << (bits - 1))
        return KRT_INT_RANGE;
    *out = x;
    return KRT_INT_OK;
}

enum krt_int_status
krt_value_int(struct krt_event *ev, const struct krt_value *v, krt_u32 type,
              krt_i64 *out)
{
    const char *s;
    size_t len;

    switch (v->kind) {
    case KRT_V_NUMBER:
        if (is_float_token(v->text, v->len))
            return float_token(v->text, v->len, type, out);
        return krt_parse_int(v->text, v->len, type, out);
    case KRT_V_STRING:
        krt_value_text(ev, v, &s, &len);
        return krt_parse_int(s, len, type, out);
    default:
        return KRT_INT_NAN;
    }
}

/* Whether 'x' lies in one of the 'n' sorted, disjoint ranges. */
bool
krt_i64_in_ranges(const struct krt_i64_range *r, krt_u32 n, krt_i64 x)
{
    krt_u32 lo = 0, hi = n;

    while (lo < hi) {
        krt_u32 mid = lo + (hi - lo) / 2;
        if (r[mid].last < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && r[lo].first <= x;
}

bool
krt_any_long_in(struct krt_event *ev, krt_u32 field,
                const struct krt_i64_range *ranges, krt_u32 n)
{
    const struct krt_value *v;
    krt_i64 x;

    for (v = krt_value_first(ev, field); v; v = krt_value_next(ev, v)) {
        if (krt_value_int(ev, v, ev->fields[field].type, &x) == KRT_INT_OK
            && krt_i64_in_ranges(ranges, n, x))
            return true;
    }
    return false;
}
