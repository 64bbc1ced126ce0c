/*
 * sema_fields.c - field names with wildcards.
 *
 * Kibana expands a field pattern against the fields of the index
 * pattern (kbn-es-query's getFields and wildcard.test: '*' spans any
 * characters, dots included, the rest is compared exactly) and sends a
 * bool query whose should clauses test each field with its own type,
 * minimum_should_match 1: an IR_OR here.  Our index pattern is the known
 * fields, a mapping's and ECS's.
 *
 * Leniency.  Kibana's is() asks Elasticsearch to be lenient only for free
 * text (its multi_match); the per-field match, term and range queries of
 * an expansion are sent as they are, so a field that cannot read the
 * value (a word on a long field, a bad address on an ip field) makes
 * Elasticsearch refuse the search on an index that maps it.  kqlc's
 * known fields are all of ECS, far more than any one index maps, so
 * refusing the rule for such a field would refuse rules that run: the
 * field is left out instead, as a lenient query leaves it out (it could
 * match nothing anyway), and a warning says so.
 */
#include "sema_fields.h"

#include <stdio.h>
#include <string.h>

#include "ecs.h"
#include "integrations.h"
#include "sema_text.h"

/* Where the 'nlen' bytes of 'needle' first stand in 'hay', or NULL. */
static const char *
find_bytes(const char *hay, size_t len, const char *needle, size_t nlen)
{
    for (size_t i = 0; nlen <= len && i <= len - nlen; i++) {
        if (!memcmp(hay + i, needle, nlen))
            return hay + i;
    }
    return NULL;
}

bool
sema_fields_test(const struct kql_text *pat, const char *name, size_t len)
{
    size_t nparts = pat->nwild + 1, from = 0, at = 0;

    for (size_t i = 0; i < nparts; i++) {
        size_t to = i < pat->nwild ? pat->wild[i] : pat->len;
        const char *part = pat->bytes + from;
        size_t plen = to - from;

        from = to;
        if (i == 0) {
            if (plen > len || memcmp(name, part, plen))
                return false;
            at = plen;
        } else if (i == nparts - 1) {
            /* the last part ends the name, after what came before */
            return plen <= len - at
                && !memcmp(name + len - plen, part, plen);
        } else {
            /* leftmost is best: it leaves the most for later parts */
            const char *hit = find_bytes(name + at, len - at, part, plen);
            if (!hit)
                return false;
            at = (size_t)(hit - name) + plen;
        }
    }
    return at == len;
}

static bool
is_leaf(enum krt_type t)
{
    return t != KRT_OBJECT && t != KRT_NESTED;
}

static void
from_ecs(const struct ecs_field *e, struct mapping_field *out)
{
    size_t len = strlen(e->name);

    out->name = e->name;
    out->type = e->type;
    out->ignore_above = e->ignore_above;
    out->scaling_factor = ecs_scaling_factor(e);
    out->path_len = sema_source_len(e->name, len);
    out->from_mapping = false;
    out->flags = 0;
    out->const_value = NULL;
}

/* Which of the three 'names' (NULL: that source is done) comes first in
 * strcmp order; the earlier source on a tie. */
static int
first_of(const char *const names[3])
{
    int first = -1;

    for (int k = 0; k < 3; k++) {
        if (names[k] && (first < 0 || strcmp(names[k], names[first]) < 0))
            first = k;
    }
    return first;
}

/*
 * Walk the mapping's fields, ECS's and the integrations' together, all in
 * strcmp order, the mapping's winning a name it holds, then ECS's; store
 * the matching leaf fields in 'out' (when not NULL).  Returns how many
 * matched.  (The integrations' dynamic templates are patterns, no fields
 * to walk.)
 */
static size_t
merge_walk(const struct mapping *m, const struct kql_text *pat,
           struct mapping_field *out)
{
    size_t at[3] = { 0, 0, 0 }, n = 0;
    size_t end[3] = { mapping_count(m), ecs_count(), integ_count() };

    for (;;) {
        const char *names[3] = {
            at[0] < end[0] ? mapping_at(m, at[0])->name : NULL,
            at[1] < end[1] ? ecs_at(at[1])->name : NULL,
            at[2] < end[2] ? integ_at(at[2])->name : NULL,
        };
        int first = first_of(names);
        const char *name = first < 0 ? NULL : names[first];
        struct mapping_field f;

        if (!name)
            break;
        for (int k = 0; k < 3; k++)
            at[k] += names[k] && !strcmp(names[k], name);
        /* the name first: from_ecs looks up the field's parents */
        if (!sema_fields_test(pat, name, strlen(name)))
            continue;
        if (first == 0)
            f = *mapping_at(m, at[0] - 1);
        else if (first == 1)
            from_ecs(ecs_at(at[1] - 1), &f);
        else
            mapping_resolve(NULL, name, strlen(name), &f);
        if (!is_leaf(f.type))
            continue;
        if (out)
            out[n] = f;
        n++;
    }
    return n;
}

size_t
sema_fields_match(struct arena *a, const struct mapping *m,
                  const struct kql_text *pat, struct mapping_field **out)
{
    size_t n = merge_walk(m, pat, NULL);

    *out = arena_alloc(a, (n ? n : 1) * sizeof **out);
    merge_walk(m, pat, *out);
    return n;
}

const char *
sema_fields_pattern(struct arena *a, const struct kql_text *t)
{
    char *s = arena_alloc(a, t->len + t->nwild + 1);
    size_t o = 0, from = 0;

    for (size_t i = 0; i <= t->nwild; i++) {
        size_t to = i < t->nwild ? t->wild[i] : t->len;
        memcpy(s + o, t->bytes + from, to - from);
        o += to - from;
        if (i < t->nwild)
            s[o++] = '*';
        from = to;
    }
    s[o] = '\0';
    return s;
}

/* The fields an expansion left out: how many, and the first's reason. */
struct dropped {
    size_t n;
    char first[512];
};

static void
warn_dropped(const struct sema_expansion *x, const struct dropped *dr,
             size_t matched, const char *pattern)
{
    diag_report(x->d, x->src, DIAG_WARNING, x->sp, "%zu of the %zu fields "
                "that '%s' matches cannot read the value and are left out "
                "(%s); Kibana does not make this query lenient: "
                "Elasticsearch refuses it on an index that maps one of them",
                dr->n, matched, pattern, dr->first);
}

struct ir_node *
sema_fields_expand(const struct sema_expansion *x)
{
    struct mapping_field *fields;
    size_t n = sema_fields_match(x->a, x->mapping, &x->field->text, &fields);
    const char *pattern = sema_fields_pattern(x->a, &x->field->text);
    struct ir_node *r = ir_node_new(x->a, IR_OR, x->sp);
    struct dropped dr = { 0, "" };
    char warning[512] = "";
    bool failed = false;

    r->u.list.items = arena_alloc(x->a, (n ? n : 1) * sizeof(void *));
    for (size_t i = 0; i < n && !failed; i++) {
        char msg[512] = "";
        struct ir_node *t = NULL;

        switch (x->type_one(x->ctx, &fields[i], &t, msg, sizeof msg)) {
        case SEMA_FIELD_OK:
            r->u.list.items[r->u.list.n++] = t;
            if (msg[0] && !warning[0])
                snprintf(warning, sizeof warning, "%s", msg);
            break;
        case SEMA_FIELD_DROP:
            if (dr.n++ == 0)
                snprintf(dr.first, sizeof dr.first, "%s", msg);
            break;
        case SEMA_FIELD_FAIL:
            failed = true;
            break;
        }
    }
    if (failed)
        return NULL;
    if (n == 0)
        diag_report(x->d, x->src, DIAG_WARNING, x->field->span, "field "
                    "pattern '%s' matches no known field, so the test "
                    "matches nothing, as in Elasticsearch; give the "
                    "index's fields with --mapping", pattern);
    if (dr.n)
        warn_dropped(x, &dr, n, pattern);
    /* one warning of the kept fields' (they are about the value) */
    if (warning[0])
        diag_report(x->d, x->src, DIAG_WARNING, x->value->span, "%s",
                    warning);
    if (r->u.list.n == 0)
        return ir_node_new(x->a, IR_FALSE, x->sp);
    return r;
}
