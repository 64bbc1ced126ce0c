/*
 * sema_num.h - typing the tests of floating-point fields, and the
 * ranges of keyword and boolean fields.
 *
 * Elasticsearch converts a query value on a double, float or half_float
 * field as it converts a document's value (Float.parseFloat for float
 * and half_float, Double.parseDouble for double), and a term or bound on
 * a scaled_float through BigDecimal (ScaledFloatFieldType.scale).  The
 * tests compare keys (krt_double.h), so each value or bound becomes a
 * range of keys here, exclusive bounds stepped with nextUp or nextDown
 * as the field type's rangeQuery steps them.
 */
#ifndef KQLC_SEMA_NUM_H
#define KQLC_SEMA_NUM_H

#include <stddef.h>

#include "arena.h"
#include "ast.h"
#include "ir.h"

/* Whether 't' is double, float, half_float or scaled_float. */
bool sema_is_float(enum krt_type t);

/*
 * The test that f:v ('op' NULL) or f OP v asks of floating-point field
 * number 'field' of type 'type' ('scale' its scaling factor when it is a
 * scaled_float; 'path' names it in messages), as a leaf of 'a' spanning
 * 'sp'.  NULL when Elasticsearch would refuse the value, with the reason
 * in 'msg'.  A leaf that matches nothing for a reason the user should
 * hear (a term that is not finite) comes with that reason in 'msg' (a
 * warning); otherwise 'msg' is "".
 */
struct ir_node *sema_num_test(struct arena *a, krt_u32 field,
                              enum krt_type type, double scale,
                              const char *path, const struct ast_literal *v,
                              const enum ast_range_op *op, struct span sp,
                              char *msg, size_t size);

/*
 * f OP v on a keyword-like field: the terms from v on one side, compared
 * as bytes (TermRangeQuery).  NULL, with the reason in 'msg', for null.
 */
struct ir_node *sema_kw_range(struct arena *a, krt_u32 field,
                              const struct ast_literal *v,
                              enum ast_range_op op, struct span sp,
                              char *msg, size_t size);

/*
 * f OP v on a boolean field, whose terms are F and T (false < true): a
 * test of the booleans in range.  NULL, with the reason in 'msg', when v
 * is neither true nor false.
 */
struct ir_node *sema_bool_range(struct arena *a, krt_u32 field,
                                const char *path,
                                const struct ast_literal *v,
                                enum ast_range_op op, struct span sp,
                                char *msg, size_t size);

/*
 * The query value 'd' on a scaled_float of factor 'scale', as
 * Elasticsearch scales it: the decimal Double.toString gives of each,
 * multiplied exactly, then rounded to the nearest double.  'd' finite.
 */
double sema_num_scale(double d, double scale);

/* The shortest decimal that reads back as 'd' (Double.toString's
 * digits): '*m' times ten to the '*e'; at least two digits. */
void sema_num_java_digits(double d, krt_u64 *m, int *e);

/* Key 'key' of a field of type 'type' (factor 'scale') as the value it
 * stands for, in 'buf': "0.1", "-Infinity", "NaN", "*" for an open end. */
void sema_num_key_text(enum krt_type type, double scale, krt_i64 key,
                       char *buf, size_t size);

#endif
