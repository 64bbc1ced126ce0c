/*
 * mapping.c - reading an Elasticsearch mapping file with jansson.
 *
 * Each index's properties are walked depth first: a field's name is its
 * parents' names and its own, joined by dots; a field with no "type" is
 * an object; "properties" holds the fields below an object (or nested
 * field); "fields" holds multi-fields, which read their parent's values.
 * The fields of all indices are then sorted by name; when two indices
 * give one name different meanings, the first index read wins and a
 * warning names both.
 */
#include "mapping.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ecs.h"
#include "integrations.h"
#include "sema_text.h"

/* A field as read, with the index that gave it and its place in the
 * file (for 'the first index wins'). */
struct entry {
    struct mapping_field f;
    const char *index;
    size_t order;
};

/*
 * The fields of a mapping, sorted by name with no name twice; names and
 * index names live in 'arena'.
 */
struct mapping {
    struct arena arena;
    struct entry *items;
    size_t n, cap;
};

/* What walking one file needs at hand. */
struct loader {
    struct mapping *m;
    struct diag *d;
    const char *file;
    const char *index;
    int errors;
};

static void
add_entry(struct loader *l, const struct mapping_field *f)
{
    struct mapping *m = l->m;

    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 256;
        m->items = xrealloc(m->items, m->cap * sizeof *m->items);
    }
    m->items[m->n].f = *f;
    m->items[m->n].index = l->index;
    m->items[m->n].order = m->n;
    m->n++;
}

/* A number a mapping parameter holds (JSON number or numeric string). */
static bool
number_of(const json_t *j, double *out)
{
    char *end;

    if (json_is_number(j)) {
        *out = json_number_value(j);
        return true;
    }
    if (!json_is_string(j))
        return false;
    errno = 0;
    *out = strtod(json_string_value(j), &end);
    return errno == 0 && end != json_string_value(j) && *end == '\0';
}

/* The type, ignore_above, scaling_factor and normalizer of field 'name'
 * from 'spec'. */
static bool
read_params(struct loader *l, const char *name, const json_t *spec,
            struct mapping_field *f)
{
    const json_t *type = json_object_get(spec, "type");
    const json_t *ia = json_object_get(spec, "ignore_above");
    const json_t *sf = json_object_get(spec, "scaling_factor");
    const json_t *norm = json_object_get(spec, "normalizer");
    double x;

    if (type && !json_is_string(type)) {
        diag_plain(l->d, DIAG_ERROR, "%s: field '%s': 'type' is not a "
                   "string", l->file, name);
        return false;
    }
    f->type = type ? ecs_type_from_name(json_string_value(type))
                   : KRT_OBJECT;
    if (ia && (!number_of(ia, &x) || x < 0 || x > 2147483647.0
               || x != floor(x))) {
        diag_plain(l->d, DIAG_ERROR, "%s: field '%s': 'ignore_above' is "
                   "not a count of characters", l->file, name);
        return false;
    }
    f->ignore_above = ia ? (unsigned)x : 0;
    /* 'lowercase' is Elasticsearch's one built-in normalizer; a custom
     * one, defined in the index settings, draws a warning instead */
    f->flags = f->type == KRT_KEYWORD && json_is_string(norm)
               && !strcmp(json_string_value(norm), "lowercase")
               ? KRT_FIELD_LOWERCASE : 0;
    /* A constant_keyword's value, when the mapping fixes it: every
     * document of the index holds it. */
    const json_t *cv = json_object_get(spec, "value");
    f->const_value = f->type == KRT_CONSTANT_KEYWORD && json_is_string(cv)
                     ? arena_strndup(&l->m->arena, json_string_value(cv),
                                     json_string_length(cv))
                     : NULL;
    f->scaling_factor = 0;
    if (f->type == KRT_SCALED_FLOAT) {
        /* Elasticsearch refuses such a mapping too */
        if (!sf || !number_of(sf, &x) || !isfinite(x) || x <= 0) {
            diag_plain(l->d, DIAG_ERROR, "%s: field '%s' is a scaled_float "
                       "without a positive 'scaling_factor'", l->file, name);
            return false;
        }
        f->scaling_factor = x;
    }
    return true;
}

/* Warn of what kqlc does not apply, so that no answer is silently off. */
static void
warn_unapplied(struct loader *l, const char *name, const json_t *spec)
{
    const json_t *type = json_object_get(spec, "type");
    const json_t *path = json_object_get(spec, "path");
    const json_t *norm = json_object_get(spec, "normalizer");

    if (norm && !(json_is_string(type)
                  && !strcmp(json_string_value(type), "keyword")
                  && json_is_string(norm)
                  && !strcmp(json_string_value(norm), "lowercase")))
        /* LIMIT(mapping): a custom normalizer is defined in the index
         * settings, which a mapping does not hold; the values are
         * compared as they are, and a warning says so. */
        diag_plain(l->d, DIAG_WARNING, "%s: field '%s': normalizer '%s' "
                   "is not applied; values are compared as they are",
                   l->file, name, json_is_string(norm)
                   ? json_string_value(norm) : "?");
    if (json_object_get(spec, "null_value"))
        /* LIMIT(mapping): null_value would index a stand-in for null;
         * the runtime reads null as no value, so a warning says so. */
        diag_plain(l->d, DIAG_WARNING, "%s: field '%s': null_value is not "
                   "applied; a null value is no value", l->file, name);
    if (json_is_string(type) && !strcmp(json_string_value(type), "alias"))
        diag_plain(l->d, DIAG_WARNING, "%s: field '%s' is an alias of '%s', "
                   "which kqlc does not follow: queries on it are refused",
                   l->file, name, json_is_string(path)
                   ? json_string_value(path) : "?");
}

static void walk(struct loader *l, const json_t *props, const char *prefix);

/* Field 'key' under 'prefix' with 'spec'; then its children. */
static void
walk_field(struct loader *l, const char *prefix, const char *key,
           const json_t *spec)
{
    struct mapping_field f = { 0 };
    const json_t *props, *fields, *sub_spec;
    const char *sub;
    char *name = arena_printf(&l->m->arena, "%s%s", prefix, key);

    if (!json_is_object(spec)) {
        diag_plain(l->d, DIAG_ERROR, "%s: field '%s' is not an object",
                   l->file, name);
        l->errors++;
        return;
    }
    if (!read_params(l, name, spec, &f)) {
        l->errors++;
        return;
    }
    warn_unapplied(l, name, spec);
    f.name = name;
    f.path_len = strlen(name);
    f.from_mapping = true;
    add_entry(l, &f);
    props = json_object_get(spec, "properties");
    if (props)
        walk(l, props, arena_printf(&l->m->arena, "%s.", name));
    fields = json_object_get(spec, "fields");
    json_object_foreach((json_t *)fields, sub, sub_spec) {
        struct mapping_field mf = { 0 };
        char *mname = arena_printf(&l->m->arena, "%s.%s", name, sub);
        if (!json_is_object(sub_spec) || !read_params(l, mname, sub_spec,
                                                      &mf)) {
            l->errors++;
            continue;
        }
        mf.name = mname;
        mf.path_len = strlen(name);
        mf.from_mapping = true;
        add_entry(l, &mf);
    }
}

static void
walk(struct loader *l, const json_t *props, const char *prefix)
{
    const char *key;
    const json_t *spec;

    if (!json_is_object(props)) {
        diag_plain(l->d, DIAG_ERROR, "%s: 'properties' under '%s' is not "
                   "an object", l->file, prefix);
        l->errors++;
        return;
    }
    json_object_foreach((json_t *)props, key, spec)
        walk_field(l, prefix, key, spec);
}

/* One index's "mappings" object. */
static void
walk_mappings(struct loader *l, const json_t *mappings)
{
    const json_t *props = json_object_get(mappings, "properties");

    if (!json_is_object(mappings)) {
        diag_plain(l->d, DIAG_ERROR, "%s: 'mappings' of index '%s' is not "
                   "an object", l->file, l->index);
        l->errors++;
        return;
    }
    /* Elasticsearch 6 put the properties under the mapping's type name
     * ({"_doc": {"properties": ...}}): read that one type's fields. */
    if (!props && json_object_size(mappings) == 1) {
        const json_t *typed = json_object_iter_value(
            json_object_iter((json_t *)mappings));
        if (json_is_object(typed))
            props = json_object_get(typed, "properties");
    }
    if (props)
        walk(l, props, "");
    else
        diag_plain(l->d, DIAG_WARNING, "%s: the mapping of index '%s' "
                   "defines no fields", l->file, l->index);
}

/* The file's shape: bare properties, bare mappings, or indices. */
static void
walk_root(struct loader *l, const json_t *root)
{
    const char *index;
    const json_t *body;

    l->index = "";
    if (json_object_get(root, "properties")) {
        walk(l, json_object_get(root, "properties"), "");
        return;
    }
    if (json_object_get(root, "mappings")) {
        walk_mappings(l, json_object_get(root, "mappings"));
        return;
    }
    json_object_foreach((json_t *)root, index, body) {
        l->index = arena_strndup(&l->m->arena, index, strlen(index));
        if (!json_is_object(body) || !json_object_get(body, "mappings")) {
            diag_plain(l->d, DIAG_ERROR, "%s: index '%s' has no 'mappings'",
                       l->file, index);
            l->errors++;
            continue;
        }
        walk_mappings(l, json_object_get(body, "mappings"));
    }
}

static int
entry_cmp(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    int c = strcmp(x->f.name, y->f.name);

    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static bool
same_meaning(const struct mapping_field *a, const struct mapping_field *b)
{
    return a->type == b->type && a->ignore_above == b->ignore_above
        && a->scaling_factor == b->scaling_factor
        && a->path_len == b->path_len && a->flags == b->flags;
}

/* Sort by name; keep the first of each name, warning where they part. */
static void
settle(struct loader *l)
{
    struct mapping *m = l->m;
    size_t out = 0;

    if (m->n > 1)
        qsort(m->items, m->n, sizeof *m->items, entry_cmp);
    for (size_t i = 0; i < m->n; i++) {
        const struct entry *keep = out ? &m->items[out - 1] : NULL;
        const struct entry *e = &m->items[i];
        if (!keep || strcmp(keep->f.name, e->f.name) != 0) {
            m->items[out++] = *e;
            continue;
        }
        if (same_meaning(&keep->f, &e->f))
            continue;
        diag_plain(l->d, DIAG_WARNING, "%s: field '%s' is '%s' in index "
                   "'%s' and '%s' in index '%s'; kqlc reads it as in '%s'",
                   l->file, e->f.name, ecs_type_name(keep->f.type),
                   keep->index, ecs_type_name(e->f.type), e->index,
                   keep->index);
    }
    m->n = out;
}

struct mapping *
mapping_parse(struct diag *d, const char *name, const char *text,
              size_t len)
{
    json_error_t err;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    struct loader l = { .d = d, .file = name };
    struct diag_source src = { .name = name, .text = text, .len = len };

    if (!root || !json_is_object(root)) {
        size_t at = root ? 0 : (size_t)err.position;
        /* jansson's position is just past the byte it stopped at */
        if (at > 0 && at <= len && err.position > 0)
            at--;
        diag_report(d, &src, DIAG_ERROR, span_make((uint32_t)at,
                                                    (uint32_t)at + 1),
                    "%s", root ? "a mapping is a JSON object" : err.text);
        json_decref(root);
        return NULL;
    }
    l.m = xmalloc(sizeof *l.m);
    memset(l.m, 0, sizeof *l.m);
    arena_init(&l.m->arena);
    walk_root(&l, root);
    json_decref(root);
    settle(&l);
    if (l.errors) {
        mapping_free(l.m);
        return NULL;
    }
    return l.m;
}

struct mapping *
mapping_load(struct diag *d, const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t len = 0, cap = 0, got;
    struct mapping *m = NULL;

    if (!f) {
        diag_plain(d, DIAG_ERROR, "cannot read mapping '%s': %s", path,
                   strerror(errno));
        return NULL;
    }
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 1 << 16;
            text = xrealloc(text, cap);
        }
        got = fread(text + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    if (ferror(f))
        diag_plain(d, DIAG_ERROR, "cannot read mapping '%s': %s", path,
                   strerror(errno));
    else
        m = mapping_parse(d, path, text, len);
    fclose(f);
    free(text);
    return m;
}

void
mapping_free(struct mapping *m)
{
    if (!m)
        return;
    arena_free(&m->arena);
    free(m->items);
    free(m);
}

size_t
mapping_count(const struct mapping *m)
{
    return m ? m->n : 0;
}

const struct mapping_field *
mapping_at(const struct mapping *m, size_t i)
{
    return &m->items[i].f;
}

/* strcmp() of the NUL-terminated 'a' against the 'len' bytes of 'b'. */
static int
name_cmp(const char *a, const char *b, size_t len)
{
    int c = strncmp(a, b, len);

    if (c)
        return c;
    return a[len] != '\0';
}

static const struct mapping_field *
find(const struct mapping *m, const char *name, size_t len)
{
    size_t lo = 0, hi = m ? m->n : 0;

    /* a name with a NUL byte is in no mapping */
    if (memchr(name, '\0', len))
        return NULL;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = name_cmp(m->items[mid].f.name, name, len);
        if (c == 0)
            return &m->items[mid].f;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* 'i' as a mapping_field read at the path of the 'len' bytes of its
 * name: its parent's for a multi-field. */
static void
from_integ(const struct integ_field *i, size_t len,
           struct mapping_field *out)
{
    out->name = i->name;
    out->type = i->type;
    out->ignore_above = i->ignore_above;
    out->scaling_factor = 0;
    out->path_len = len;
    if (i->multi) {
        /* its name is its parent's and one part more */
        const char *dot = strrchr(i->name, '.');
        out->path_len = dot ? (size_t)(dot - i->name) : len;
    }
    out->from_mapping = false;
    out->flags = i->flags;
    out->const_value = NULL;
}

/*
 * The integrations' field named by the 'len' bytes of 'name': a field of
 * the table; a keyed sub-field of a flattened field (Elasticsearch
 * answers one as a keyword, within the flattened field's ignore_above);
 * the field of a dynamic template.
 */
static bool
integ_resolve(const char *name, size_t len, struct mapping_field *out)
{
    const struct integ_field *i = integ_find(name, len);

    if (i) {
        from_integ(i, len, out);
        return true;
    }
    for (size_t n = len; n-- > 0;) {
        if (name[n] != '.' || !(i = integ_find(name, n)))
            continue;
        if (i->type != KRT_FLATTENED)
            break;
        from_integ(i, len, out);
        out->type = KRT_KEYWORD;
        return true;
    }
    i = integ_dynamic(name, len);
    if (!i)
        return false;
    from_integ(i, len, out);
    return true;
}

/*
 * A key below a flattened field of the mapping or of ECS
 * (file.pe.imports.name below file.pe.imports): Elasticsearch reads it
 * as a keyword, with the flattened field's ignore_above.  The nearest
 * enclosing field that is known decides; an object lets the search go
 * on outwards.
 */
static bool
flattened_key(const struct mapping *m, const char *name, size_t len,
              struct mapping_field *out)
{
    for (size_t n = len; n-- > 0;) {
        const struct mapping_field *f;
        const struct ecs_field *e;
        enum krt_type type;
        unsigned ignore_above;
        const char *fname;

        if (name[n] != '.')
            continue;
        if ((f = find(m, name, n))) {
            type = f->type;
            ignore_above = f->ignore_above;
            fname = f->name;
        } else if ((e = ecs_lookup(name, n))) {
            type = e->type;
            ignore_above = e->ignore_above;
            fname = e->name;
        } else {
            continue;
        }
        if (type == KRT_OBJECT)
            continue;
        if (type != KRT_FLATTENED)
            return false;
        *out = (struct mapping_field){ .name = fname, .type = KRT_KEYWORD,
                                       .ignore_above = ignore_above,
                                       .path_len = len,
                                       .from_mapping = f != NULL };
        return true;
    }
    return false;
}

bool
mapping_resolve(const struct mapping *m, const char *name, size_t len,
                struct mapping_field *out)
{
    const struct mapping_field *f = find(m, name, len);
    const struct ecs_field *e;

    if (f) {
        *out = *f;
        return true;
    }
    /* a name with a NUL byte is no field */
    if (memchr(name, '\0', len))
        return false;
    e = ecs_lookup(name, len);
    if (!e) {
        return integ_resolve(name, len, out)
            || flattened_key(m, name, len, out);
    }
    out->name = e->name;
    out->type = e->type;
    out->ignore_above = e->ignore_above;
    out->scaling_factor = ecs_scaling_factor(e);
    out->path_len = sema_source_len(name, len);
    out->from_mapping = false;
    out->flags = 0;
    out->const_value = NULL;
    return true;
}
