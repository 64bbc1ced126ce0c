/*
 * krt_double.c - floating-point fields: Java's number syntax, IEEE
 * rounding to binary32 and binary16, Lucene's sortable keys, and the
 * tests on such fields.
 *
 * Java's grammar is checked here, byte by byte; the conversion itself is
 * strtod or strtof on a copy holding only what C and Java read alike
 * (sign, digits, point, exponent, or a hexadecimal significand with its
 * binary exponent), in the C locale the runtime never leaves.  Both
 * glibc and Java round correctly, so the two agree on every input.
 */
#include "krt_double.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "krt_event.h"

/* ------------------------------------------------------------ syntax */

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool
is_hex(char c)
{
    return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* Index past the run of digits (hex digits when 'hex') at 'i'. */
static size_t
skip_run(const char *s, size_t i, size_t len, bool hex)
{
    while (i < len && (hex ? is_hex(s[i]) : is_digit(s[i])))
        i++;
    return i;
}

/* Index past an exponent's [+-]digits at 'i'; 'i' itself when none. */
static size_t
skip_exponent(const char *s, size_t i, size_t len)
{
    size_t j = i < len && (s[i] == '+' || s[i] == '-') ? i + 1 : i;
    size_t k = skip_run(s, j, len, false);
    return k > j ? k : i;
}

/*
 * The length of the number at the start of 's' (after the sign) that
 * Java's grammar accepts, leaving out a final f/F/d/D: 0 when 's' is no
 * such number.  '*special' is set for NaN (1) and Infinity (2).
 */
static size_t
java_number_len(const char *s, size_t len, int *special)
{
    bool hex = len > 2 && s[0] == '0' && (s[1] | 0x20) == 'x';
    size_t i = hex ? 2 : 0, j, body;

    *special = 0;
    if (len == 3 && memcmp(s, "NaN", 3) == 0)
        return *special = 1, 3;
    if (len == 8 && memcmp(s, "Infinity", 8) == 0)
        return *special = 2, 8;
    j = skip_run(s, i, len, hex);
    body = j - i;
    if (j < len && s[j] == '.') {
        size_t k = skip_run(s, j + 1, len, hex);
        body += k - (j + 1);
        j = k;
    }
    if (body == 0)
        return 0;
    if (j < len && (s[j] | 0x20) == (hex ? 'p' : 'e')) {
        size_t k = skip_exponent(s, j + 1, len);
        if (k == j + 1)
            return 0;
        j = k;
    } else if (hex) {
        return 0; /* Java requires the binary exponent */
    }
    if (j + 1 == len && strchr("fFdD", s[j]))
        return j;
    return j == len ? j : 0;
}

/* Trim what String.trim() trims: characters up to U+0020. */
static void
trim(const char **s, size_t *len)
{
    while (*len > 0 && (unsigned char)(*s)[0] <= 0x20) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && (unsigned char)(*s)[*len - 1] <= 0x20)
        (*len)--;
}

/*
 * Check 's' against Java's grammar and convert it with strtod ('as_float'
 * false) or strtof.  False when Java would throw NumberFormatException.
 */
static bool
java_parse(const char *s, size_t len, bool as_float, double *out)
{
    char small[64], *buf = small;
    size_t n;
    bool neg = false;
    int special;

    trim(&s, &len);
    if (len > 0 && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s++;
        len--;
    }
    n = java_number_len(s, len, &special);
    if (n == 0)
        return false;
    if (special) {
        *out = special == 1 ? NAN : neg ? -INFINITY : INFINITY;
        return true;
    }
    if (n + 2 > sizeof small && !(buf = malloc(n + 2)))
        return false;
    buf[0] = neg ? '-' : '+';
    memcpy(buf + 1, s, n);
    buf[n + 1] = '\0';
    *out = as_float ? (double)strtof(buf, NULL) : strtod(buf, NULL);
    if (buf != small)
        free(buf);
    return true;
}

bool
krt_java_double(const char *s, size_t len, double *out)
{
    return java_parse(s, len, false, out);
}

bool
krt_java_float(const char *s, size_t len, float *out)
{
    double d;

    if (!java_parse(s, len, true, &d))
        return false;
    *out = (float)d; /* exact: strtof's result widened and back */
    return true;
}

krt_i64
krt_java_round(double x)
{
    double f;

    if (isnan(x))
        return 0;
    f = floor(x);
    /* exact: a double less its floor is representable */
    if (x - f >= 0.5)
        f += 1.0;
    if (f >= 9223372036854775808.0)
        return (krt_i64)(~0ULL >> 1);
    if (f < -9223372036854775808.0)
        return -(krt_i64)(~0ULL >> 1) - 1;
    return (krt_i64)f;
}

/* -------------------------------------------------------------- keys */

krt_i64
krt_double_key(double d)
{
    krt_i64 bits;

    memcpy(&bits, &d, sizeof bits);
    if (isnan(d))
        bits = 0x7ff8000000000000LL; /* Double.doubleToLongBits */
    return bits < 0 ? bits ^ 0x7fffffffffffffffLL : bits;
}

double
krt_key_double(krt_i64 key)
{
    krt_i64 bits = key < 0 ? key ^ 0x7fffffffffffffffLL : key;
    double d;

    memcpy(&d, &bits, sizeof d);
    return d;
}

/* The bits of 'f' as a signed 32-bit value; NaN is Java's canonical. */
static krt_i64
float_bits(float f)
{
    krt_u32 u;

    memcpy(&u, &f, sizeof u);
    if (isnan(f))
        u = 0x7fc00000u;
    return u & 0x80000000u ? (krt_i64)u - 0x100000000LL : (krt_i64)u;
}

krt_i64
krt_float_key(float f)
{
    krt_i64 bits = float_bits(f);
    return bits < 0 ? bits ^ 0x7fffffffLL : bits;
}

float
krt_key_float(krt_i64 key)
{
    krt_i64 bits = key < 0 ? key ^ 0x7fffffffLL : key;
    krt_u32 u = (krt_u32)(bits & 0xffffffffLL);
    float f;

    memcpy(&f, &u, sizeof f);
    return f;
}

/* 'm' divided by 2^'shift' (1..31), rounded to nearest, ties to even. */
static krt_u32
round_shift(krt_u32 m, unsigned shift)
{
    krt_u32 q = m >> shift, rest = m & ((1u << shift) - 1);
    krt_u32 half = 1u << (shift - 1);

    if (rest > half || (rest == half && (q & 1)))
        q++;
    return q;
}

/*
 * The binary16 bits nearest the binary32 'f' (IEEE 754 round to nearest,
 * ties to even): a carry out of the significand steps the exponent, and
 * past 65504 the result is infinity.  NaN stays NaN.
 */
static krt_u32
half_bits(float f)
{
    krt_u32 u = (krt_u32)(float_bits(f) & 0xffffffffLL);
    krt_u32 sign = (u >> 16) & 0x8000u, man = u & 0x7fffffu;
    int exp = (int)((u >> 23) & 0xff) - 127 + 15;

    if (((u >> 23) & 0xff) == 0xff)
        return sign | 0x7c00u | (man >> 13);
    if (((u >> 23) & 0xff) == 0)
        return sign; /* below 2^-126: far under half a binary16 step */
    if (exp >= 0x1f)
        return sign | 0x7c00u;
    if (exp <= 0) {
        unsigned shift = (unsigned)(14 - exp);
        return shift > 24 ? sign : sign | round_shift(man | 0x800000u,
                                                      shift);
    }
    return sign | round_shift(((krt_u32)exp << 23) | man, 13);
}

krt_i64
krt_half_key(float f)
{
    krt_i64 bits = (krt_i64)half_bits(f);

    if (bits & 0x8000)
        bits -= 0x10000;
    return bits < 0 ? bits ^ 0x7fffLL : bits;
}

float
krt_key_half(krt_i64 key)
{
    krt_u32 h = (krt_u32)((key < 0 ? key ^ 0x7fffLL : key) & 0xffff);
    krt_u32 sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f;
    krt_u32 man = h & 0x3ffu;
    float f;

    if (exp == 0x1f)
        return sign ? -(man ? NAN : INFINITY) : man ? NAN : INFINITY;
    f = exp ? ldexpf((float)(man | 0x400u), (int)exp - 25)
            : ldexpf((float)man, -24);
    return sign ? -f : f;
}

/* ------------------------------------------------------------ values */

/* A number as the type's parser reads it: the nearest double or float. */
static bool
read_number(struct krt_event *ev, const struct krt_value *v, bool as_float,
            double *out)
{
    const char *s;
    size_t len;
    char *end;

    switch (v->kind) {
    case KRT_V_NUMBER:
        /* the scanner validated the token; a byte that ends it follows */
        *out = as_float ? (double)strtof(v->text, &end)
                        : strtod(v->text, &end);
        /* Jackson reads -0 as the integer 0: no sign survives */
        if (*out == 0 && !memchr(v->text, '.', v->len)
            && !memchr(v->text, 'e', v->len) && !memchr(v->text, 'E', v->len))
            *out = 0.0;
        return end == v->text + v->len;
    case KRT_V_STRING:
        krt_value_text(ev, v, &s, &len);
        return len > 0 && java_parse(s, len, as_float, out);
    default:
        return false;
    }
}

bool
krt_value_float_key(struct krt_event *ev, const struct krt_value *v,
                    krt_u32 type, double scale, krt_i64 *key)
{
    bool as_float = type == KRT_FLOAT || type == KRT_HALF_FLOAT;
    double d;

    if (!read_number(ev, v, as_float, &d) || !isfinite(d))
        return false;
    switch (type) {
    case KRT_FLOAT:
        *key = krt_float_key((float)d);
        return true;
    case KRT_HALF_FLOAT:
        *key = krt_half_key((float)d);
        return isfinite(krt_key_half(*key));
    case KRT_SCALED_FLOAT:
        *key = krt_java_round(d * scale);
        return true;
    default:
        *key = krt_double_key(d);
        return true;
    }
}

/* Whether 'x' lies in one of the 'n' sorted, disjoint ranges. */
static bool
in_ranges(const struct krt_i64_range *r, krt_u32 n, krt_i64 x)
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

/* Some value of 'field', as a key of its type, lies in the ranges. */
static bool
any_key_in(struct krt_event *ev, krt_u32 field, double scale,
           const struct krt_i64_range *ranges, krt_u32 n)
{
    const struct krt_value *v;
    krt_u32 type = ev->fields[field].type;
    krt_i64 key;

    for (v = krt_value_first(ev, field); v; v = krt_value_next(ev, v)) {
        if (krt_value_float_key(ev, v, type, scale, &key)
            && in_ranges(ranges, n, key))
            return true;
    }
    return false;
}

bool
krt_any_float_in(struct krt_event *ev, krt_u32 field,
                 const struct krt_i64_range *ranges, krt_u32 n)
{
    return any_key_in(ev, field, 1.0, ranges, n);
}

bool
krt_any_scaled_in(struct krt_event *ev, krt_u32 field, double scale,
                  const struct krt_i64_range *ranges, krt_u32 n)
{
    return any_key_in(ev, field, scale, ranges, n);
}
