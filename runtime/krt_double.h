/*
 * krt_double.h - floating-point fields as Elasticsearch and Lucene hold
 * them, for the runtime's tests and for the compiler, which reads query
 * values the same way.
 *
 * Every value of a double, float, half_float or scaled_float field is
 * held as a key, a krt_i64 whose order is the order Lucene compares the
 * indexed values in, so that tests are lookups in krt_i64_range tables:
 *
 *   double        the sortable bits of the double (Lucene's
 *                 NumericUtils.doubleToSortableLong)
 *   float         the sortable bits of the value rounded to binary32
 *   half_float    the sortable bits of the value rounded to binary32,
 *                 then to binary16 (HalfFloatPoint)
 *   scaled_float  Math.round(value * scaling_factor), a long
 *
 * In the three IEEE key spaces -0.0 sorts just below +0.0 and NaN (one
 * NaN: Java's canonical one) above +Infinity, as Lucene sorts them.
 */
#ifndef KRT_DOUBLE_H
#define KRT_DOUBLE_H

#include <stddef.h>

#include "krt_run.h"

/*
 * Parse the 'len' bytes of 's' as Java's Double.parseDouble does: white
 * space and control characters (up to U+0020) trimmed at both ends, an
 * optional sign, then "NaN", "Infinity", a decimal number (digits with
 * an optional point and exponent) or a hexadecimal one (0x, hex digits,
 * a binary exponent p that Java requires), and an optional f, F, d or D
 * at the end.  The value is the nearest double.  False for anything
 * else, '*out' untouched.
 */
bool krt_java_double(const char *s, size_t len, double *out);

/* As krt_java_double, as Float.parseFloat: the nearest float. */
bool krt_java_float(const char *s, size_t len, float *out);

/* Java's Math.round: the nearest long, ties toward positive infinity;
 * NaN is 0 and values beyond a long saturate. */
krt_i64 krt_java_round(double x);

/* The keys of a double, a float and a half float (from a float: rounded
 * to the nearest binary16, ties to even). */
krt_i64 krt_double_key(double d);
krt_i64 krt_float_key(float f);
krt_i64 krt_half_key(float f);

/* The values keys stand for. */
double krt_key_double(krt_i64 key);
float krt_key_float(krt_i64 key);
float krt_key_half(krt_i64 key);

/*
 * Value 'v' as a field of type 'type' (KRT_DOUBLE, KRT_FLOAT,
 * KRT_HALF_FLOAT or KRT_SCALED_FLOAT, with 'scale' its scaling factor)
 * indexes it, as a key.  A number token is read as Jackson reads it for
 * the type (the nearest double, or the nearest float); a string as
 * Double.parseDouble or Float.parseFloat read it.  False for anything
 * else, for "" (which Elasticsearch coerces to null) and for a value
 * that is not finite in the type (Elasticsearch refuses the document).
 */
bool krt_value_float_key(struct krt_event *ev, const struct krt_value *v,
                         krt_u32 type, double scale, krt_i64 *key);

#endif
