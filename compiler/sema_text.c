/*
 * sema_text.c - values of text and match_only_text fields.
 *
 * Kibana sends field:value on a text field as a match query when the
 * value is unquoted and as match_phrase when it is quoted; Elasticsearch
 * analyses the value with the field's search analyzer (the standard
 * analyzer: runtime/krt_analyze.c, the same code that reads the events'
 * values) and then holds the document when some token of the value is a
 * token of the field (match, operator OR), or when the value's tokens
 * stand in a row in one of the field's values (match_phrase: a phrase
 * never spans two elements of an array, 100 positions apart).  A value
 * with no token at all matches nothing: both queries' zero_terms_query
 * is 'none'.  match_only_text answers these two queries as text does.
 *
 * A value with wildcards goes as a query_string on the field, with the
 * query_string specials escaped but not white space and without
 * analyze_wildcard.  The query parser then splits the value at white
 * space; the clauses are or-ed (default_operator OR).  A clause without
 * wildcard is analysed and matches as match does; a clause with
 * wildcards is one pattern over single tokens, its text lower-cased (the
 * analyzer's normalizer) but not split into tokens, so "Invoke-Mimi*"
 * matches no token, ever: no token holds a '-'.  A clause that is '*'
 * alone is an exists query on the field.
 */
#include "sema_text.h"

#include <string.h>

#include "ecs.h"
#include "krt_analyze.h"

bool
sema_is_text(enum krt_type t)
{
    return t == KRT_TEXT || t == KRT_MATCH_ONLY_TEXT;
}

/* Whether a field of type 't' holds values of its own (no object). */
static bool
is_leaf_type(enum krt_type t)
{
    return t != KRT_OBJECT && t != KRT_NESTED && t != KRT_FLATTENED;
}

size_t
sema_source_len(const char *name, size_t len)
{
    for (size_t i = len; i-- > 0;) {
        const struct ecs_field *e;

        if (name[i] != '.')
            continue;
        e = ecs_lookup(name, i);
        if (e && is_leaf_type(e->type))
            return i;
    }
    return len;
}

/* ---------------------------------------------------------- tokens */

/* Tokens of a query value, copied into the arena; 'analyzer' is
 * KRT_FIELD_PS_SCRIPT for the powershell_script_analyzer, else 0 (the
 * standard analyzer). */
struct tokens {
    struct arena *a;
    struct krt_str *items;
    size_t n;
    size_t cap;
    krt_u32 analyzer;
};

static bool
add_token(void *ctx, const char *token, size_t len)
{
    struct tokens *t = ctx;

    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 8;
        struct krt_str *items = arena_alloc(t->a, cap * sizeof *items);

        if (t->n)
            memcpy(items, t->items, t->n * sizeof *items);
        t->items = items;
        t->cap = cap;
    }
    t->items[t->n].bytes = arena_strndup(t->a, token, len);
    t->items[t->n].len = (krt_u32)len;
    t->n++;
    return true;
}

static void
analyze(struct tokens *t, const char *s, size_t len)
{
    bool ok = t->analyzer ? krt_analyze_ps_script(s, len, add_token, t)
                          : krt_analyze(s, len, add_token, t);

    if (!ok)
        arena_oom();
}

static struct ir_node *
text_leaf(struct arena *a, enum ir_op op, krt_u32 field, struct span sp,
          const struct tokens *t)
{
    struct ir_node *n = ir_node_new(a, op, sp);

    n->field = field;
    n->u.strs.items = t->items;
    n->u.strs.n = t->n;
    return n;
}

/*
 * Elasticsearch matches no document for a value that has no token; the
 * rule may not mean that, so say it.
 */
static struct ir_node *
no_token(struct arena *a, struct diag *d, const struct diag_source *src,
         const char *name, const struct ast_literal *v, struct span sp)
{
    diag_report(d, src, DIAG_WARNING, v->span, "'%s' has no word for text "
                "field '%s' to match: it matches no event, as in "
                "Elasticsearch [-Wempty-text]", v->text.bytes, name);
    return ir_node_new(a, IR_FALSE, sp);
}

/* ------------------------------------------------------- wildcards */

/* The query parser's white space: space, tab, CR, LF and U+3000. */
static size_t
space_at(const char *s, size_t i, size_t len)
{
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')
        return 1;
    if (len - i >= 3 && !memcmp(s + i, "\xe3\x80\x80", 3))
        return 3;
    return 0;
}

size_t
sema_wild_clauses(struct arena *a, const struct kql_text *v,
                  struct sema_clause *out)
{
    size_t nc = 0, w = 0, from = 0, i = 0;
    struct krt_str *parts = arena_alloc(a, (v->nwild + 1) * sizeof *parts);
    size_t np = 0;

    for (;;) {
        size_t sp = i < v->len ? space_at(v->bytes, i, v->len) : 0;
        bool wild = w < v->nwild && v->wild[w] == i;

        if (wild || sp || i == v->len) {
            parts[np].bytes = v->bytes + from;
            parts[np].len = (krt_u32)(i - from);
            np++;
            from = i;
        }
        if (wild) {
            w++;
            continue;
        }
        if ((sp || i == v->len) && (np > 1 || parts[0].len > 0)) {
            out[nc].parts = parts;
            out[nc++].n = np;
            parts = arena_alloc(a, (v->nwild + 1) * sizeof *parts);
        }
        if (i == v->len)
            return nc;
        if (sp) {
            np = 0;
            from = i + sp;
        }
        i += sp ? sp : 1;
    }
}

/* A wildcard clause as a pattern over tokens: its parts lower-cased. */
static struct ir_node *
pattern(struct arena *a, krt_u32 field, struct span sp,
        const struct sema_clause *c)
{
    struct ir_node *n = ir_node_new(a, IR_TEXT_WILD, sp);

    n->field = field;
    n->u.strs.items = arena_alloc(a, c->n * sizeof(struct krt_str));
    n->u.strs.n = c->n;
    for (size_t i = 0; i < c->n; i++) {
        char *low = arena_alloc(a, 3 * (size_t)c->parts[i].len + 1);
        size_t len = krt_lowercase(c->parts[i].bytes, c->parts[i].len, low);

        low[len] = '\0';
        n->u.strs.items[i].bytes = low;
        n->u.strs.items[i].len = (krt_u32)len;
    }
    return n;
}

bool
sema_clause_is_operator(const struct sema_clause *c)
{
    const struct krt_str *p = &c->parts[0];

    return c->n == 1
           && ((p->len == 3 && !memcmp(p->bytes, "AND", 3))
               || (p->len == 2 && !memcmp(p->bytes, "OR", 2))
               || (p->len == 3 && !memcmp(p->bytes, "NOT", 3)));
}

/* The query_string Kibana sends for a value with wildcards: an 'or' of
 * one test per clause (the plain ones as one match). */
static struct ir_node *
wildcard_value(struct arena *a, struct diag *d,
               const struct diag_source *src, krt_u32 field,
               krt_u32 analyzer, const char *name,
               const struct ast_literal *v, struct span sp)
{
    struct sema_clause *cs = arena_alloc(a, (v->text.len + 1) * sizeof *cs);
    size_t nc = sema_wild_clauses(a, &v->text, cs);
    struct ir_node *or = ir_node_new(a, IR_OR, sp);
    struct tokens words = { .a = a, .analyzer = analyzer };

    or->u.list.items = arena_alloc(a, (nc + 1) * sizeof(struct ir_node *));
    for (size_t i = 0; i < nc; i++) {
        struct ir_node *n;

        if (sema_clause_is_operator(&cs[i])) {
            diag_report(d, src, DIAG_ERROR, v->span, "'%.*s' in a value "
                        "with wildcards is an operator to the query_string "
                        "Kibana sends for text field '%s'; quote the value "
                        "or drop the word", (int)cs[i].parts[0].len,
                        cs[i].parts[0].bytes, name);
            return NULL;
        }
        if (cs[i].n == 1) {
            analyze(&words, cs[i].parts[0].bytes, cs[i].parts[0].len);
            continue;
        }
        if (cs[i].n == 2 && !cs[i].parts[0].len && !cs[i].parts[1].len) {
            n = ir_node_new(a, IR_EXISTS, sp);
            n->field = field;
        } else {
            n = pattern(a, field, sp, &cs[i]);
        }
        or->u.list.items[or->u.list.n++] = n;
    }
    if (words.n)
        or->u.list.items[or->u.list.n++] =
            text_leaf(a, IR_TEXT_ANY, field, sp, &words);
    return or;
}

/* ------------------------------------------------------------ values */

struct ir_node *
sema_text_value(struct arena *a, struct diag *d,
                const struct diag_source *src, krt_u32 field,
                const char *name, const struct ast_literal *v,
                struct span sp)
{
    return sema_text_value_as(a, d, src, field, 0, name, v, sp);
}

struct ir_node *
sema_text_value_as(struct arena *a, struct diag *d,
                   const struct diag_source *src, krt_u32 field,
                   krt_u32 flags, const char *name,
                   const struct ast_literal *v, struct span sp)
{
    krt_u32 analyzer = flags & KRT_FIELD_PS_SCRIPT;
    struct tokens t = { .a = a, .analyzer = analyzer };

    if (v->kind == AST_LIT_NULL) {
        diag_report(d, src, DIAG_ERROR, v->span, "'null' is no value: "
                    "Elasticsearch rejects a match on null");
        return NULL;
    }
    if (v->kind == AST_LIT_WILDCARD)
        return wildcard_value(a, d, src, field, analyzer, name, v, sp);
    analyze(&t, v->text.bytes, v->text.len);
    if (t.n == 0)
        return no_token(a, d, src, name, v, sp);
    if (v->quoted && t.n > 1)
        return text_leaf(a, IR_TEXT_PHRASE, field, sp, &t);
    return text_leaf(a, IR_TEXT_ANY, field, sp, &t);
}
