/*
 * mapping.h - field types from an Elasticsearch mapping file.
 *
 * The file is what `GET index/_mapping` returns: an object of indices,
 * each {"mappings": {"properties": {...}}}, or one bare {"mappings": ...}
 * or {"properties": ...}.  Its fields add to the ECS table or override
 * it: sema asks mapping_resolve, which answers from the mapping first,
 * then from ECS, then from the integrations' table (integrations.h).
 */
#ifndef KQLC_MAPPING_H
#define KQLC_MAPPING_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "krt.h"

struct mapping;

/*
 * A field as a query reads it.  'path_len' is how many bytes of the name
 * say where its values stand: a multi-field (a.b.text) reads its
 * parent's (a.b).  'scaling_factor' is a scaled_float's, else 0.
 * 'flags' are struct krt_field's (KRT_FIELD_LOWERCASE for a keyword with
 * the lowercase normalizer, ...).  'from_mapping' is false for a field
 * that only ECS or the integrations' table knows.
 */
struct mapping_field {
    const char *name;
    enum krt_type type;
    unsigned ignore_above;
    double scaling_factor;
    size_t path_len;
    bool from_mapping;
    krt_u32 flags;
    const char *const_value; /* a constant_keyword's 'value' from the
                                mapping, or NULL (set per data stream) */
};

/*
 * Read the mapping file at 'path'.  Errors and warnings go to 'd': a
 * syntax error at the file's line and column, a field Elasticsearch
 * would refuse (a scaled_float without a positive scaling_factor), two
 * indices giving one field different types (a warning; the first index
 * wins).  NULL after an error; free the result with mapping_free.
 */
struct mapping *mapping_load(struct diag *d, const char *path);

/* As mapping_load, from the 'len' bytes of 'text' named 'name'. */
struct mapping *mapping_parse(struct diag *d, const char *name,
                              const char *text, size_t len);

void mapping_free(struct mapping *m);

/* Number of fields of 'm', and field 'i' of them in strcmp order. */
size_t mapping_count(const struct mapping *m);
const struct mapping_field *mapping_at(const struct mapping *m, size_t i);

/*
 * The field named by the 'len' bytes of 'name': the mapping's ('m' may
 * be NULL), else ECS's, else the integrations' (integrations.h: a field,
 * a keyed sub-field of a flattened field, read as keyword, or a dynamic
 * template's).  False when none knows it.  This is the one lookup of a
 * field name.  'out->name' is the name of the entry that answered: for
 * a keyed sub-field, the flattened field's; for a dynamic template's
 * field, its pattern.
 */
bool mapping_resolve(const struct mapping *m, const char *name, size_t len,
                     struct mapping_field *out);

#endif
