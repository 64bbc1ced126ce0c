/*
 * sema_date.h - typing the tests of date fields.
 *
 * Kibana sends f:v on a date field as a range query from v to v (gte and
 * lte, so each end rounds its own way) and f OP v as a range query with
 * one bound; Elasticsearch reads each bound as a date or as date math
 * (krt_date.h).  Bounds that do not read the clock become a table of
 * milliseconds now; bounds that do ('now-1d') are kept as written and
 * worked out when a run starts, from its clock.
 */
#ifndef KQLC_SEMA_DATE_H
#define KQLC_SEMA_DATE_H

#include <stddef.h>

#include "arena.h"
#include "ast.h"
#include "ir.h"

/*
 * The test that f:v ('op' NULL) or f OP v asks of date field number
 * 'field' ('path' names it in messages), as a leaf of 'a' spanning 'sp'.
 * A range that reads the clock gets the next slot of p->dates.  NULL
 * when Elasticsearch would refuse the value, with the reason in 'msg'.
 */
struct ir_node *sema_date_test(struct arena *a, struct ir_program *p,
                               krt_u32 field, const char *path,
                               const struct ast_literal *v,
                               const enum ast_range_op *op, struct span sp,
                               char *msg, size_t size);

#endif
