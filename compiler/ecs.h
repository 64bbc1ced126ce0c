/*
 * ecs.h - the Elastic Common Schema: field names and their types.
 *
 * The table lives in ecs_table.c, written by scripts/gen-ecs-table.py from
 * ECS's fields.csv (types) and ECS's Elasticsearch mapping (ignore_above,
 * scaling_factor), and committed; regenerate it when ECS moves.  It holds every row of
 * fields.csv, multi-fields such as process.command_line.text included, as
 * a field of its own.  Lookups also know the objects that dotted names
 * imply without fields.csv listing them ('destination' for
 * 'destination.ip'); iteration walks the fields.csv rows only.
 */
#ifndef KQLC_ECS_H
#define KQLC_ECS_H

#include <stddef.h>

#include "krt.h"

/* One field.  'ignore_above' is 0 when the mapping sets no limit. */
struct ecs_field {
    const char *name;
    enum krt_type type;
    unsigned ignore_above;
};

/* The field named by the 'len' bytes of 'name'; NULL when ECS has none. */
const struct ecs_field *ecs_lookup(const char *name, size_t len);

/* The scaling_factor of scaled_float field 'f' (from ECS's mapping);
 * 0 for the other fields. */
double ecs_scaling_factor(const struct ecs_field *f);

/* Number of fields of the table (the rows of fields.csv). */
size_t ecs_count(void);

/* Field 'i' (0 <= i < ecs_count()); fields come in strcmp order of name. */
const struct ecs_field *ecs_at(size_t i);

/* Elasticsearch's name of type 't' ("keyword", "long", "ip", ...);
 * KRT_OTHER is "other". */
const char *ecs_type_name(enum krt_type t);

/* The type Elasticsearch calls 'name'; KRT_OTHER when none is known. */
enum krt_type ecs_type_from_name(const char *name);

#endif
