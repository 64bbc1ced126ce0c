/*
 * sema_date.c - typing the tests of date fields (see sema_date.h).
 *
 * The meaning is Elasticsearch's range query on a date field whose
 * format is strict_date_optional_time||epoch_millis (ECS sets none, so
 * the default holds): a gte bound is read rounding down, an lte bound
 * rounding up (2024-01-02 ends at 23:59:59.999), a gt bound rounding up
 * then one millisecond later, an lt bound rounding down then one
 * millisecond earlier.  KQL values reach it as strings: Kibana has not
 * parsed numbers since 7.12, so 2024 is the year and not 2024 ms.
 */
#include "sema_date.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "krt_date.h"

/* The bounds that f:v or f OP v give, on the text 'text'. */
static struct krt_date_rel
bounds(const struct krt_str *text, const enum ast_range_op *op)
{
    struct krt_date_rel r = { { 0, NULL }, { 0, NULL }, 0 };

    if (!op || *op == AST_GT || *op == AST_GTE)
        r.lower = *text;
    if (!op || *op == AST_LT || *op == AST_LTE)
        r.upper = *text;
    if (op && *op == AST_GT)
        r.flags = KRT_DATE_LOWER_EXCL;
    if (op && *op == AST_LT)
        r.flags = KRT_DATE_UPPER_EXCL;
    return r;
}

/* A table of one range, or none when the range is empty. */
static struct ir_node *
date_in(struct arena *a, const struct krt_i64_range *range, struct span sp)
{
    struct ir_node *n = ir_node_new(a, IR_DATE_IN, sp);

    if (range->first > range->last)
        return n; /* an empty table: simplifies to false */
    n->u.i64.items = arena_alloc(a, sizeof *range);
    n->u.i64.items[0] = *range;
    n->u.i64.n = 1;
    return n;
}

/* A range that reads the clock: its text kept, in the next slot. */
static struct ir_node *
date_rel(struct arena *a, struct ir_program *p, const struct krt_date_rel *r,
         struct span sp)
{
    struct ir_node *n = ir_node_new(a, IR_DATE_REL, sp);
    struct krt_date_rel *kept = arena_alloc(a, sizeof *kept);

    *kept = *r;
    if (r->lower.bytes)
        kept->lower.bytes = arena_strndup(a, r->lower.bytes, r->lower.len);
    if (r->upper.bytes)
        kept->upper.bytes = arena_strndup(a, r->upper.bytes, r->upper.len);
    n->u.date.rel = kept;
    n->u.date.slot = (krt_u32)p->dates.n;
    ptrvec_push(a, &p->dates, kept);
    return n;
}

struct ir_node *
sema_date_test(struct arena *a, struct ir_program *p, krt_u32 field,
               const char *path, const struct ast_literal *v,
               const enum ast_range_op *op, struct span sp, char *msg,
               size_t size)
{
    struct krt_str text = { (krt_u32)v->text.len, v->text.bytes };
    struct krt_i64_range range = { INT64_MIN, INT64_MAX };
    struct krt_date_rel r = bounds(&text, op);
    enum krt_date_status st = KRT_DATE_OK;
    const char *why = "";
    struct ir_node *n;

    /* Kibana sends null as a null bound, which leaves the range open:
     * any date matches, as f:* would. */
    if (v->kind == AST_LIT_TRUE || v->kind == AST_LIT_FALSE)
        st = KRT_DATE_BAD;
    else if (v->kind == AST_LIT_STRING)
        st = krt_date_range(&r, krt_clock_ms(), &range, &why);
    if (st == KRT_DATE_REGION) {
        snprintf(msg, size, "'%s' names its time zone by region, which "
                 "kqlc does not read; write an offset such as +01:00",
                 v->text.bytes);
        return NULL;
    }
    if (st != KRT_DATE_OK) {
        snprintf(msg, size, "'%s' is no date for field '%s' (date)%s%s",
                 v->text.bytes, path, *why ? ": " : "", why);
        return NULL;
    }
    if (v->kind == AST_LIT_STRING && krt_date_uses_now(text.bytes, text.len))
        n = date_rel(a, p, &r, sp);
    else
        n = date_in(a, &range, sp);
    n->field = field;
    return n;
}
