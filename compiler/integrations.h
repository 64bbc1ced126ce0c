/*
 * integrations.h - field types of Elastic's integrations that ECS lacks.
 *
 * The table lives in integration_table.c, written by
 * scripts/gen-integration-table.py from compiler/fields/integrations.tsv
 * (each row names the integration file that defines its type) and
 * committed.  It holds fields (aws.cloudtrail.user_identity.type,
 * powershell.file.script_block_length, ...) and dynamic templates: the
 * sub-fields of an object with an object_type, whose names are patterns
 * (winlog.event_data.*).  A field ECS defines is not in it: lookups ask
 * ECS first (mapping_resolve), and this table only for what ECS lacks.
 */
#ifndef KQLC_INTEGRATIONS_H
#define KQLC_INTEGRATIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "krt.h"

/*
 * One field, or one dynamic template.  'ignore_above' is 0 when the
 * mapping sets no limit; 'flags' are struct krt_field's (a normalizer,
 * an analyzer); 'multi' marks a multi-field, which reads the values of
 * the field its name extends (process.name.caseless reads process.name).
 */
struct integ_field {
    const char *name;
    enum krt_type type;
    unsigned ignore_above;
    krt_u32 flags;
    bool multi;
};

/* The field named by the 'len' bytes of 'name'; NULL when none is. */
const struct integ_field *integ_find(const char *name, size_t len);

/* The first dynamic template whose pattern the 'len' bytes of 'name'
 * match; NULL when none does. */
const struct integ_field *integ_dynamic(const char *name, size_t len);

/* Number of fields of the table (dynamic templates not counted). */
size_t integ_count(void);

/* Field 'i' (0 <= i < integ_count()); fields come in strcmp order. */
const struct integ_field *integ_at(size_t i);

#endif
