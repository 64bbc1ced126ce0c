/*
 * sema_num.c - floating-point fields, and keyword and boolean ranges.
 *
 * What each type does with a query value (Elasticsearch's
 * NumberFieldMapper and ScaledFloatFieldMapper, Lucene's FloatPoint,
 * DoublePoint and HalfFloatPoint):
 *
 *   double  term: the double; not finite, no document.  range: the
 *           bound, an exclusive one stepped to the next double
 *           (DoublePoint.nextUp/nextDown, which step -0.0 to +0.0).
 *   float   as double, on the value rounded to a float; an inclusive
 *           bound goes through nextDown then nextUp (or the reverse).
 *   half    term: the float rounded to binary16; not finite there, no
 *           document.  range: the first binary16 above the bound (at or
 *           above, inclusive), or below: HalfFloatPoint.nextUp/nextDown
 *           of the float, which is never rounded itself.
 *   scaled  term: Math.round of the scaled value.  range: the scaled
 *           bound (Math.nextUp/nextDown when exclusive), then ceil for
 *           the lower and floor for the upper, Math.round'ed to a long.
 *           A bound that is not finite makes BigDecimal throw: refused.
 */
#include "sema_num.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecs.h"
#include "krt_double.h"

bool
sema_is_float(enum krt_type t)
{
    return t == KRT_DOUBLE || t == KRT_FLOAT || t == KRT_HALF_FLOAT
        || t == KRT_SCALED_FLOAT;
}

/* -------------------------------------------------------- BigDecimal */

/* Whether the decimal 'm' times ten to the 'e' reads back as 'd'. */
static bool
reads_back(krt_u64 m, int e, double d)
{
    char buf[48];

    snprintf(buf, sizeof buf, "%llue%d", m, e);
    return strtod(buf, NULL) == d;
}

/* The 'n'-digit decimal nearest 'd' (> 0), as 'm' times ten to the 'e'. */
static void
nearest(double d, int n, krt_u64 *m, int *e)
{
    char buf[48], *p = buf;

    snprintf(buf, sizeof buf, "%.*e", n - 1, d);
    *m = 0;
    for (; *p != 'e'; p++) {
        if (*p != '.')
            *m = *m * 10 + (krt_u64)(*p - '0');
    }
    *e = atoi(p + 1) - (n - 1);
}

void
sema_num_java_digits(double d, krt_u64 *m, int *e)
{
    char buf[48];

    d = fabs(d);
    *m = 0;
    *e = 0;
    if (d == 0)
        return;
    for (int n = 1; n <= 17; n++) {
        krt_u64 other;

        nearest(d, n, m, e);
        if (reads_back(*m, *e, d)) {
            /* Double.toString writes two digits at least: the nearest */
            if (n == 1)
                nearest(d, 2, m, e);
            return;
        }
        /* next to a power of two the farther neighbour may read back */
        snprintf(buf, sizeof buf, "%llue%d", *m, *e);
        other = strtod(buf, NULL) < d ? *m + 1 : *m - 1;
        if (reads_back(other, *e, d)) {
            *m = other;
            return;
        }
    }
}

/* The decimal digits of 'a' times 'b' (each below 10^17) in 'out'. */
static void
multiply(krt_u64 a, krt_u64 b, char *out, size_t size)
{
    const krt_u64 base = 1000000000ULL;
    krt_u64 a1 = a / base, a0 = a % base, b1 = b / base, b0 = b % base;
    krt_u64 r0 = a0 * b0, r1 = a1 * b0 + a0 * b1, r2 = a1 * b1;

    r1 += r0 / base;
    r0 %= base;
    r2 += r1 / base;
    r1 %= base;
    if (r2)
        snprintf(out, size, "%llu%09llu%09llu", r2, r1, r0);
    else if (r1)
        snprintf(out, size, "%llu%09llu", r1, r0);
    else
        snprintf(out, size, "%llu", r0);
}

double
sema_num_scale(double d, double scale)
{
    krt_u64 md, ms;
    int ed, es;
    char digits[48], buf[64];

    sema_num_java_digits(d, &md, &ed);
    sema_num_java_digits(scale, &ms, &es);
    multiply(md, ms, digits, sizeof digits);
    /* BigDecimal has no negative zero */
    snprintf(buf, sizeof buf, "%s%se%d", d < 0 && md ? "-" : "", digits,
             ed + es);
    return strtod(buf, NULL);
}

/* ------------------------------------------------------------- keys */

/* The keys of a type's NaN and infinities, where stepping stops. */
struct key_space {
    krt_i64 nan, pinf, ninf;
};

static struct key_space
space_of(enum krt_type type)
{
    struct key_space k;

    if (type == KRT_DOUBLE) {
        k.nan = krt_double_key(NAN);
        k.pinf = krt_double_key(INFINITY);
        k.ninf = krt_double_key(-INFINITY);
    } else {
        k.nan = krt_float_key(NAN);
        k.pinf = krt_float_key(INFINITY);
        k.ninf = krt_float_key(-INFINITY);
    }
    return k;
}

/* FloatPoint.nextUp and DoublePoint.nextUp on keys: NaN and +Infinity
 * stay, -0.0 steps to +0.0 (the next key), and so on. */
static krt_i64
key_up(const struct key_space *k, krt_i64 key)
{
    return key == k->nan || key == k->pinf ? key : key + 1;
}

static krt_i64
key_down(const struct key_space *k, krt_i64 key)
{
    return key == k->nan || key == k->ninf ? key : key - 1;
}

/* HalfFloatPoint.nextUp: the first binary16 above the float 'v'. */
static float
half_up(float v)
{
    krt_i64 s;
    float r;

    if (isnan(v) || v == INFINITY)
        return v;
    s = krt_half_key(v);
    r = krt_key_half(s);
    return r <= v ? krt_key_half(s + 1) : r;
}

/* HalfFloatPoint.nextDown: the first binary16 below the float 'v'. */
static float
half_down(float v)
{
    krt_i64 s;
    float r;

    if (isnan(v) || v == -INFINITY)
        return v;
    s = krt_half_key(v);
    r = krt_key_half(s);
    return r >= v ? krt_key_half(s - 1) : r;
}

/* ------------------------------------------------------------ tests */

/* A leaf over one range of keys; no range at all when first > last. */
static struct ir_node *
key_leaf(struct arena *a, krt_u32 field, double scale, krt_i64 first,
         krt_i64 last, struct span sp)
{
    struct ir_node *n = ir_node_new(a, IR_FLOAT_IN, sp);

    n->field = field;
    n->u.i64.scale = scale;
    if (first > last)
        return n; /* empty table: simplifies to false */
    n->u.i64.items = arena_alloc(a, sizeof(struct krt_i64_range));
    n->u.i64.items[0].first = first;
    n->u.i64.items[0].last = last;
    n->u.i64.n = 1;
    return n;
}

static bool
is_lower(enum ast_range_op op)
{
    return op == AST_GT || op == AST_GTE;
}

/* double and float: the bound 'key' of a range, stepped as the type's
 * rangeQuery steps it, as a range of keys. */
static void
ieee_range(enum krt_type type, krt_i64 key, enum ast_range_op op,
           krt_i64 *first, krt_i64 *last)
{
    struct key_space k = space_of(type);

    /* the open side stays infinite: only a given bound is stepped */
    *first = k.ninf;
    *last = k.pinf;
    if (type == KRT_DOUBLE) {
        if (op == AST_GT)
            key = key_up(&k, key);
        else if (op == AST_LT)
            key = key_down(&k, key);
    } else if (is_lower(op)) {
        key = key_up(&k, op == AST_GTE ? key_down(&k, key) : key);
    } else {
        key = key_down(&k, op == AST_LTE ? key_up(&k, key) : key);
    }
    if (is_lower(op))
        *first = key;
    else
        *last = key;
}

/* half_float: the range of keys for bound 'f' (a float). */
static void
half_range(float f, enum ast_range_op op, krt_i64 *first, krt_i64 *last)
{
    *first = krt_half_key(-INFINITY);
    *last = krt_half_key(INFINITY);
    if (is_lower(op))
        *first = krt_half_key(half_up(op == AST_GTE ? half_down(f) : f));
    else
        *last = krt_half_key(half_down(op == AST_LTE ? half_up(f) : f));
}

/* scaled_float: the range of longs for the scaled bound 'x'. */
static void
scaled_range(double x, enum ast_range_op op, krt_i64 *first, krt_i64 *last)
{
    *first = INT64_MIN;
    *last = INT64_MAX;
    if (is_lower(op))
        *first = krt_java_round(ceil(op == AST_GT ? nextafter(x, INFINITY)
                                                  : x));
    else
        *last = krt_java_round(floor(op == AST_LT ? nextafter(x, -INFINITY)
                                                  : x));
}

/* A term (op NULL) or bound on a double, float or half_float field. */
static struct ir_node *
ieee_test(struct arena *a, krt_u32 field, enum krt_type type, double d,
          const enum ast_range_op *op, struct span sp, bool *infinite)
{
    float f = (float)d;
    krt_i64 key = type == KRT_DOUBLE ? krt_double_key(d)
                : type == KRT_FLOAT ? krt_float_key(f) : krt_half_key(f);
    krt_i64 first = key, last = key;

    if (!op) {
        double held = type == KRT_DOUBLE ? d
                    : type == KRT_FLOAT ? f : krt_key_half(key);
        *infinite = !isfinite(held);
        if (*infinite)
            first = 1, last = 0;
    } else if (type == KRT_HALF_FLOAT) {
        half_range(f, *op, &first, &last);
    } else {
        ieee_range(type, key, *op, &first, &last);
    }
    return key_leaf(a, field, 0, first, last, sp);
}

struct ir_node *
sema_num_test(struct arena *a, krt_u32 field, enum krt_type type,
              double scale, const char *path, const struct ast_literal *v,
              const enum ast_range_op *op, struct span sp, char *msg,
              size_t size)
{
    const char *tname = ecs_type_name(type);
    bool infinite = false;
    double d = 0;
    float f = 0;
    bool ok;

    msg[0] = '\0';
    ok = v->kind == AST_LIT_STRING
         && (type == KRT_DOUBLE || type == KRT_SCALED_FLOAT
             ? krt_java_double(v->text.bytes, v->text.len, &d)
             : krt_java_float(v->text.bytes, v->text.len, &f));
    if (!ok) {
        snprintf(msg, size, "'%s' is not a number, as field '%s' (%s) "
                 "needs", v->text.bytes, path, tname);
        return NULL;
    }
    if (type == KRT_FLOAT || type == KRT_HALF_FLOAT)
        d = f;
    if (type != KRT_SCALED_FLOAT) {
        struct ir_node *n = ieee_test(a, field, type, d, op, sp, &infinite);
        if (infinite)
            snprintf(msg, size, "'%s' is not a finite %s: Elasticsearch "
                     "matches nothing with it", v->text.bytes, tname);
        return n;
    }
    if (scale <= 0 || !isfinite(scale)) {
        snprintf(msg, size, "field '%s' is a scaled_float without a "
                 "scaling_factor", path);
        return NULL;
    }
    if (!isfinite(d)) {
        snprintf(msg, size, "'%s' is not a finite number, as field '%s' "
                 "(scaled_float) needs", v->text.bytes, path);
        return NULL;
    }
    d = sema_num_scale(d, scale);
    krt_i64 first = krt_java_round(d), last = first;
    if (op)
        scaled_range(d, *op, &first, &last);
    return key_leaf(a, field, scale, first, last, sp);
}

/* ---------------------------------------------------- other ranges */

struct ir_node *
sema_kw_range(struct arena *a, krt_u32 field, const struct ast_literal *v,
              enum ast_range_op op, struct span sp, char *msg, size_t size)
{
    struct ir_node *n;
    struct krt_str b;

    if (v->kind == AST_LIT_NULL) {
        snprintf(msg, size, "'null' is no value: a range needs a bound");
        return NULL;
    }
    n = ir_node_new(a, IR_KW_RANGE, sp);
    n->field = field;
    b.bytes = v->text.bytes;
    b.len = (krt_u32)v->text.len;
    if (is_lower(op)) {
        n->u.kwr.lower = b;
        n->u.kwr.flags = op == AST_GT ? KRT_RANGE_LOWER_EXCL : 0;
    } else {
        n->u.kwr.upper = b;
        n->u.kwr.flags = op == AST_LT ? KRT_RANGE_UPPER_EXCL : 0;
    }
    return n;
}

/* The boolean 'v' stands for: 1 true, 0 false, -1 neither. */
static int
bool_of(const struct ast_literal *v)
{
    if (v->kind == AST_LIT_TRUE || v->kind == AST_LIT_FALSE)
        return v->kind == AST_LIT_TRUE;
    if (v->kind == AST_LIT_STRING && !strcmp(v->text.bytes, "true"))
        return 1;
    if (v->kind == AST_LIT_STRING && !strcmp(v->text.bytes, "false"))
        return 0;
    return -1;
}

struct ir_node *
sema_bool_range(struct arena *a, krt_u32 field, const char *path,
                const struct ast_literal *v, enum ast_range_op op,
                struct span sp, char *msg, size_t size)
{
    int b = bool_of(v);
    bool has_false, has_true;
    struct ir_node *n;

    if (b < 0) {
        snprintf(msg, size, "'%s' is not a boolean (true or false), as "
                 "field '%s' needs", v->text.bytes, path);
        return NULL;
    }
    /* The terms are F and T: false < true. */
    has_false = op == AST_LTE || (op == AST_GTE && b == 0)
                || (op == AST_LT && b == 1);
    has_true = op == AST_GTE || (op == AST_LTE && b == 1)
               || (op == AST_GT && b == 0);
    n = ir_node_new(a, has_false && has_true ? IR_EXISTS
                       : has_false || has_true ? IR_BOOL_IS : IR_FALSE, sp);
    n->field = field;
    n->u.b = has_true;
    return n;
}

/* ---------------------------------------------------------- display */

/* The shortest "%.*g" of 'x' that reads back as it (through strtof for
 * a float). */
static void
shortest(double x, bool as_float, char *buf, size_t size)
{
    if (x == floor(x) && fabs(x) < 1e15) {
        snprintf(buf, size, "%.0f", x);
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, size, "%.*g", p, x);
        if (as_float ? strtof(buf, NULL) == (float)x
                     : strtod(buf, NULL) == x)
            return;
    }
}

void
sema_num_key_text(enum krt_type type, double scale, krt_i64 key, char *buf,
                  size_t size)
{
    double x;

    if (type == KRT_SCALED_FLOAT) {
        if (key == INT64_MIN || key == INT64_MAX) {
            snprintf(buf, size, "*");
            return;
        }
        shortest((double)key / scale, false, buf, size);
        return;
    }
    x = type == KRT_DOUBLE ? krt_key_double(key)
      : type == KRT_FLOAT ? krt_key_float(key) : krt_key_half(key);
    if (isnan(x))
        snprintf(buf, size, "NaN");
    else if (isinf(x))
        snprintf(buf, size, "%sInfinity", x < 0 ? "-" : "");
    else if (x == 0)
        snprintf(buf, size, "%s0", signbit(x) ? "-" : "");
    else
        shortest(x, type != KRT_DOUBLE, buf, size);
}
