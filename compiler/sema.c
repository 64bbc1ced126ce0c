/*
 * sema.c - typing Kibana's syntax tree into the IR.
 *
 * The meaning followed is Elasticsearch's on ECS mappings (DESIGN.md
 * section 4): Kibana turns field:value into a match query (match_phrase
 * when quoted), field:* into exists, a wildcard value into a wildcard
 * query, and field OP value into a range query; each field's type then
 * reads the value.
 */
#include "sema.h"

#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecs.h"
#include "krt_analyze.h"
#include "krt_event.h"
#include "krt_run.h"
#include "mapping.h"
#include "sema_date.h"
#include "sema_fields.h"
#include "sema_nested.h"
#include "sema_num.h"
#include "sema_text.h"

struct sema {
    struct arena *a;
    struct diag *d;
    const struct diag_source *src;
    struct ir_program *p;
    struct ptrvec unknown;   /* struct ast_literal * of unknown fields */
    int errors;
    const struct ast_node *expanding; /* the test a field pattern expands */
    int nested;              /* depth of nested queries being lowered */
    struct ptrvec nested_paths; /* const char *: their fields */
    bool lenient;            /* reading free text: errors go unreported */
    krt_u32 free_flags;      /* the flags of the field free text is typed
                                on before it has its place */
};

static void
error_at(struct sema *s, struct span sp, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
error_at(struct sema *s, struct span sp, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    s->errors++;
    if (s->lenient)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_report(s->d, s->src, DIAG_ERROR, sp, "%s", msg);
}

/* ------------------------------------------------------------ fields */

/* The name a field literal stands for ("true" for the literal true). */
static const struct kql_text *
field_text(const struct ast_literal *f)
{
    return &f->text;
}

struct typed_field {
    krt_u32 index;
    enum krt_type type;
    const char *path;
    double scale;    /* a scaled_float's scaling_factor */
    const char *const_value; /* a constant_keyword's, from the mapping */
};

static void
note_unknown(struct sema *s, const struct ast_literal *f)
{
    for (size_t i = 0; i < s->unknown.n; i++) {
        const struct ast_literal *o = s->unknown.items[i];
        if (ast_text_equal(&o->text, &f->text))
            return;
    }
    ptrvec_push(s->a, &s->unknown, (void *)f);
}

/* Add field 'name' (of 'len' bytes) to the program's table, typed by
 * 'mf' when 'known', else read as keyword. */
static void
add_field(struct sema *s, const char *name, size_t len,
          const struct mapping_field *mf, bool known,
          struct typed_field *out)
{
    enum krt_type type = known ? mf->type : KRT_KEYWORD;
    unsigned ignore_above = known ? mf->ignore_above : 0;
    /* A multi-field (process.command_line.text) reads its parent's values. */
    size_t path_len = known ? mf->path_len : len;
    out->index = ir_field_index_named(s->a, s->p, name, len, path_len, type,
                                      ignore_above, known);
    struct ir_field *fl = s->p->fields.items[out->index];
    fl->flags = known ? mf->flags : 0;
    out->type = type;
    out->scale = known ? mf->scaling_factor : 0;
    out->path = fl->name;
    out->const_value = known ? mf->const_value : NULL;
}

/* Look the field up and add it to the program's table. */
static void
resolve_field(struct sema *s, const struct ast_literal *f,
              struct typed_field *out)
{
    const struct kql_text *t = field_text(f);
    assert(f->kind != AST_LIT_WILDCARD);
    /* The mapping's type (--mapping) first, then ECS's. */
    struct mapping_field mf = { .name = NULL };
    bool known = mapping_resolve(s->p->mapping, t->bytes, t->len, &mf);
    if (!known)
        note_unknown(s, f);
    add_field(s, t->bytes, t->len, &mf, known, out);
}

static bool
is_keyword_type(enum krt_type t)
{
    return t == KRT_KEYWORD || t == KRT_CONSTANT_KEYWORD
        || t == KRT_WILDCARD;
}

static bool
is_integer_type(enum krt_type t)
{
    return t == KRT_LONG || t == KRT_INTEGER || t == KRT_SHORT
        || t == KRT_BYTE;
}

/* ------------------------------------------------------------ values */

static struct ir_node *
leaf(struct sema *s, enum ir_op op, const struct typed_field *f,
     struct span sp)
{
    struct ir_node *n = ir_node_new(s->a, op, sp);
    n->field = f->index;
    return n;
}

static struct ir_node *
kw_value(struct sema *s, const struct typed_field *f,
         const struct ast_literal *v, struct span sp)
{
    if (v->kind == AST_LIT_NULL) {
        error_at(s, v->span, "'null' is no value: Elasticsearch rejects a "
                 "match on null");
        return NULL;
    }
    if (v->kind == AST_LIT_WILDCARD) {
        /* Kibana's detection engine knows no field's type (it builds the
         * query with an empty field list), so a value with wildcards
         * goes as a query_string on the field, whatever its type: split
         * at white space into clauses or-ed together, each a term, an
         * exists ('*' alone) or a wildcard pattern on the whole value. */
        struct sema_clause *cs = arena_alloc(s->a, (v->text.len + 1)
                                             * sizeof *cs);
        size_t nc = sema_wild_clauses(s->a, &v->text, cs);
        struct ir_node *or = ir_node_new(s->a, IR_OR, sp);
        or->u.list.items = arena_alloc(s->a, (nc + 1) * sizeof *or->u.list.items);
        for (size_t i = 0; i < nc; i++) {
            struct ir_node *n;
            if (sema_clause_is_operator(&cs[i])) {
                error_at(s, v->span, "'%.*s' in a value with wildcards is "
                         "an operator to the query_string Kibana sends; "
                         "quote the value or drop the word",
                         (int)cs[i].parts[0].len, cs[i].parts[0].bytes);
                return NULL;
            }
            if (cs[i].n == 2 && !cs[i].parts[0].len && !cs[i].parts[1].len) {
                n = leaf(s, IR_EXISTS, f, sp);
            } else {
                n = leaf(s, cs[i].n == 1 ? IR_KW_IN : IR_KW_WILD, f, sp);
                n->u.strs.items = cs[i].parts;
                n->u.strs.n = cs[i].n;
            }
            or->u.list.items[or->u.list.n++] = n;
        }
        return nc == 1 ? or->u.list.items[0] : or;
    }
    struct ir_node *n = leaf(s, IR_KW_IN, f, sp);
    n->u.strs.items = arena_alloc(s->a, sizeof(struct krt_str));
    n->u.strs.items[0].bytes = v->text.bytes;
    n->u.strs.items[0].len = (krt_u32)v->text.len;
    n->u.strs.n = 1;
    return n;
}

/* The struct krt_field flags of 'f'; for a test typed before its field
 * has its place in the table (free text's), those it is typed with. */
static krt_u32
field_flags(const struct sema *s, const struct typed_field *f)
{
    if (f->index >= s->p->fields.n)
        return s->free_flags;
    return ((const struct ir_field *)s->p->fields.items[f->index])->flags;
}

/* 'b' lower-cased into the arena, as the lowercase normalizer does it. */
static void
lower_str(struct sema *s, struct krt_str *b)
{
    char *out;

    if (!b->bytes)
        return;
    out = arena_alloc(s->a, 3 * (size_t)b->len + 1);
    b->len = (krt_u32)krt_lowercase(b->bytes, b->len, out);
    b->bytes = out;
}

/*
 * Keyword test 'n' on field 'f' as Elasticsearch runs it: on a field with
 * the lowercase normalizer, the query's values (match, wildcard and range
 * queries alike) are normalized as the indexed values are.  Wildcard
 * parts are lower-cased one by one; a '*' has no case.
 */
static struct ir_node *
normalized(struct sema *s, const struct typed_field *f, struct ir_node *n)
{
    if (!n || !(field_flags(s, f) & KRT_FIELD_LOWERCASE))
        return n;
    if (n->op == IR_KW_RANGE) {
        lower_str(s, &n->u.kwr.lower);
        lower_str(s, &n->u.kwr.upper);
        return n;
    }
    if (n->op == IR_OR) {
        for (size_t i = 0; i < n->u.list.n; i++)
            normalized(s, f, n->u.list.items[i]);
        return n;
    }
    if (n->op == IR_EXISTS)
        return n;
    assert(n->op == IR_KW_IN || n->op == IR_KW_WILD);
    for (size_t i = 0; i < n->u.strs.n; i++)
        lower_str(s, &n->u.strs.items[i]);
    return n;
}

/* A value of an integer field, as the closed range of integers it
 * matches (empty when it has a fraction: a term with a decimal part
 * matches nothing on an integer field). */
/* Read a number for integer field 'f'; an error when there is none. */
static bool
read_number(struct sema *s, const struct typed_field *f,
            const struct ast_literal *v, struct krt_number *num)
{
    enum krt_int_status st = KRT_INT_NAN;
    if (v->kind == AST_LIT_STRING)
        st = krt_parse_number(v->text.bytes, v->text.len, f->type, num);
    if (st == KRT_INT_NAN)
        error_at(s, v->span, "'%s' is not a number, as field '%s' (%s) "
                 "needs", v->text.bytes, f->path, ecs_type_name(f->type));
    else if (st == KRT_INT_RANGE)
        error_at(s, v->span, "'%s' is out of range for field '%s' (%s)",
                 v->text.bytes, f->path, ecs_type_name(f->type));
    return st == KRT_INT_OK;
}

/* A value of an integer field, as the closed range of integers it
 * matches (empty when it has a fraction: a term with a decimal part
 * matches nothing on an integer field). */
static struct ir_node *
long_value(struct sema *s, const struct typed_field *f,
           const struct ast_literal *v, struct span sp)
{
    struct krt_number num;
    if (v->kind == AST_LIT_STRING
        && krt_parse_number(v->text.bytes, v->text.len, f->type, &num)
           == KRT_INT_RANGE) {
        /* Elasticsearch's term query on an integer type answers a value
         * out of the type's range with match_none, not an error. */
        if (!s->lenient)
            diag_report(s->d, s->src, DIAG_WARNING, v->span, "'%s' is out "
                        "of range for field '%s' (%s): it matches no event, "
                        "as in Elasticsearch [-Wout-of-range]",
                        v->text.bytes, f->path, ecs_type_name(f->type));
        return leaf(s, IR_LONG_IN, f, sp);
    }
    if (!read_number(s, f, v, &num))
        return NULL;
    struct ir_node *n = leaf(s, IR_LONG_IN, f, sp);
    if (num.fraction)
        return n;   /* empty table: simplifies to false */
    n->u.i64.items = arena_alloc(s->a, sizeof(struct krt_i64_range));
    n->u.i64.items[0].first = num.value;
    n->u.i64.items[0].last = num.value;
    n->u.i64.n = 1;
    return n;
}

/*
 * Parse an address or CIDR block into the closed range it covers.  An
 * IPv4 address takes a prefix of at most 32 bits, applied below the
 * mapped prefix.  Elasticsearch refuses a prefix on an IPv4-mapped IPv6
 * address (is /8 a v4 or a v6 length?), and so do we.
 */
static bool
parse_cidr(const char *t, size_t len, struct krt_ip_range *out)
{
    const char *slash = memchr(t, '/', len);
    size_t alen = slash ? (size_t)(slash - t) : len;
    struct krt_ip ip;
    if (!krt_parse_ip(t, alen, &ip))
        return false;
    out->first = out->last = ip;
    if (!slash)
        return true;

    bool v4 = ip.hi == 0 && (ip.lo >> 32) == 0xFFFF;
    if (v4 && memchr(t, ':', alen))
        return false;
    unsigned prefix = 0;
    size_t i = alen + 1;
    if (i == len || len - i > 3)
        return false;
    for (; i < len; i++) {
        if (t[i] < '0' || t[i] > '9')
            return false;
        prefix = prefix * 10 + (unsigned)(t[i] - '0');
    }
    if (prefix > (v4 ? 32u : 128u))
        return false;
    unsigned bits = v4 ? prefix + 96 : prefix;
    krt_u64 mask_hi = bits >= 64 ? ~0ULL : bits ? ~0ULL << (64 - bits) : 0;
    krt_u64 mask_lo = bits <= 64 ? 0 : bits >= 128 ? ~0ULL
                    : ~0ULL << (128 - bits);
    out->first.hi = ip.hi & mask_hi;
    out->first.lo = ip.lo & mask_lo;
    out->last.hi = ip.hi | ~mask_hi;
    out->last.lo = ip.lo | ~mask_lo;
    return true;
}

static struct ir_node *
ip_value(struct sema *s, const struct typed_field *f,
         const struct ast_literal *v, struct span sp)
{
    struct krt_ip_range r;
    if (v->kind != AST_LIT_STRING
        || !parse_cidr(v->text.bytes, v->text.len, &r)) {
        error_at(s, v->span, "'%s' is not an IP address or CIDR block, as "
                 "field '%s' (ip) needs", v->text.bytes, f->path);
        return NULL;
    }
    struct ir_node *n = leaf(s, IR_IP_IN, f, sp);
    n->u.ip.items = arena_alloc(s->a, sizeof r);
    n->u.ip.items[0] = r;
    n->u.ip.n = 1;
    return n;
}

static struct ir_node *
bool_value(struct sema *s, const struct typed_field *f,
           const struct ast_literal *v, struct span sp)
{
    bool b;
    if (v->kind == AST_LIT_TRUE || v->kind == AST_LIT_FALSE) {
        b = v->kind == AST_LIT_TRUE;
    } else if (v->kind == AST_LIT_STRING
               && (!strcmp(v->text.bytes, "true")
                   || !strcmp(v->text.bytes, "false"))) {
        b = v->text.bytes[0] == 't';
    } else {
        error_at(s, v->span, "'%s' is not a boolean (true or false), as "
                 "field '%s' needs", v->text.bytes, f->path);
        return NULL;
    }
    struct ir_node *n = leaf(s, IR_BOOL_IS, f, sp);
    n->u.b = b;
    return n;
}

static struct ir_node *
unsupported_type(struct sema *s, const struct typed_field *f,
                 struct span sp)
{
    /* LIMIT(types): the meaning of the other types (objects, geo_point,
     * unsigned_long, flattened, those a mapping names and kqlc does not
     * read) comes with the conformance work; a query on one is refused
     * rather than answered wrongly. */
    error_at(s, sp, "field '%s' is of type '%s', which kqlc does not "
             "support yet", f->path, ecs_type_name(f->type));
    return NULL;
}

/* A test of a date field, typed by sema_date.c; 'op' NULL for f:v. */
static struct ir_node *
date_test(struct sema *s, const struct typed_field *f,
          const struct ast_literal *v, const enum ast_range_op *op,
          struct span sp)
{
    char msg[512];
    struct ir_node *n = sema_date_test(s->a, s->p, f->index, f->path, v, op,
                                       sp, msg, sizeof msg);
    if (!n)
        error_at(s, v->span, "%s", msg);
    return n;
}

/* A test of a floating-point field, typed by sema_num.c; 'op' NULL for
 * f:v.  A value that matches nothing for a reason worth hearing warns. */
static struct ir_node *
num_test(struct sema *s, const struct typed_field *f,
         const struct ast_literal *v, const enum ast_range_op *op,
         struct span sp)
{
    char msg[512];
    struct ir_node *n = sema_num_test(s->a, f->index, f->type, f->scale,
                                      f->path, v, op, sp, msg, sizeof msg);
    if (!n)
        error_at(s, v->span, "%s", msg);
    else if (msg[0] && !s->lenient)
        diag_report(s->d, s->src, DIAG_WARNING, v->span, "%s", msg);
    return n;
}

/* f OP v on a keyword or boolean field, typed by sema_num.c. */
static struct ir_node *
other_range(struct sema *s, const struct typed_field *f,
            const struct ast_node *n)
{
    char msg[512];
    const struct ast_literal *v = &n->u.range.value;
    const struct ir_field *fl = s->p->fields.items[f->index];
    if (!fl->known) {
        /* LIMIT(fields): a field of no known type reads as a keyword,
         * whose range compares text ("999" > "1000"); a range suggests a
         * number, so it is refused until --mapping gives the type. */
        error_at(s, n->span, "a range on field '%s', which has no known "
                 "type, would compare text: give its type with --mapping",
                 f->path);
        return NULL;
    }
    struct ir_node *r = f->type == KRT_BOOLEAN
        ? sema_bool_range(s->a, f->index, f->path, v, n->u.range.op,
                          n->span, msg, sizeof msg)
        : normalized(s, f, sema_kw_range(s->a, f->index, v,
                                         n->u.range.op, n->span, msg,
                                         sizeof msg));
    if (!r)
        error_at(s, v->span, "%s", msg);
    return r;
}

/* A value of a text field, typed by sema_text.c. */
static struct ir_node *
text_value(struct sema *s, const struct typed_field *f,
           const struct ast_literal *v, struct span sp)
{
    struct diag quiet;
    diag_init(&quiet, NULL);
    struct ir_node *n = sema_text_value_as(s->a,
                                           s->lenient ? &quiet : s->d,
                                           s->src, f->index,
                                           field_flags(s, f), f->path, v,
                                           sp);
    if (!n)
        s->errors++;
    return n;
}

static bool
is_lone_star(const struct ast_literal *v)
{
    return v->kind == AST_LIT_WILDCARD && v->text.len == 0
        && v->text.nwild == 1;
}

static struct ir_node *flat_test(struct sema *s, const struct typed_field *f,
                                 const struct ast_literal *v,
                                 const enum ast_range_op *op,
                                 struct span sp);

static struct ir_node *
typed_value(struct sema *s, const struct typed_field *f,
            const struct ast_literal *v, struct span sp)
{
    if (sema_is_text(f->type))
        return text_value(s, f, v, sp);
    if (f->type == KRT_FLATTENED)
        return flat_test(s, f, v, NULL, sp);
    if (v->kind == AST_LIT_WILDCARD && !is_keyword_type(f->type)) {
        error_at(s, v->span, "wildcards only apply to keyword fields; "
                 "'%s' is of type '%s'", f->path, ecs_type_name(f->type));
        return NULL;
    }
    if (is_keyword_type(f->type))
        return normalized(s, f, kw_value(s, f, v, sp));
    if (is_integer_type(f->type))
        return long_value(s, f, v, sp);
    if (f->type == KRT_IP)
        return ip_value(s, f, v, sp);
    if (f->type == KRT_BOOLEAN)
        return bool_value(s, f, v, sp);
    if (f->type == KRT_DATE)
        return date_test(s, f, v, NULL, sp);
    if (sema_is_float(f->type))
        return num_test(s, f, v, NULL, sp);
    return unsupported_type(s, f, sp);
}

static struct ir_node *is_on_field_as_read(struct sema *s,
                                           const struct typed_field *f,
                                           const struct ast_node *n);

/* Whether test 'n' holds for the one value 'v' (of 'len' bytes). */
static bool
holds_for(const struct ir_node *n, const char *v, size_t len)
{
    switch (n->op) {
    case IR_TRUE:
    case IR_EXISTS:
        return true;
    case IR_OR:
        for (size_t i = 0; i < n->u.list.n; i++) {
            if (holds_for(n->u.list.items[i], v, len))
                return true;
        }
        return false;
    case IR_KW_IN:
        for (size_t i = 0; i < n->u.strs.n; i++) {
            if (n->u.strs.items[i].len == len
                && !memcmp(n->u.strs.items[i].bytes, v, len))
                return true;
        }
        return false;
    case IR_KW_WILD:
        return krt_wild_match(n->u.strs.items, (krt_u32)n->u.strs.n, v, len);
    case IR_KW_RANGE: {
        const struct krt_str *lo = &n->u.kwr.lower, *hi = &n->u.kwr.upper;
        if (lo->bytes) {
            size_t m = lo->len < len ? lo->len : len;
            int c = memcmp(v, lo->bytes, m);
            c = c ? c : (len > lo->len) - (len < lo->len);
            if (c < 0 || (c == 0 && (n->u.kwr.flags & KRT_RANGE_LOWER_EXCL)))
                return false;
        }
        if (hi->bytes) {
            size_t m = hi->len < len ? hi->len : len;
            int c = memcmp(v, hi->bytes, m);
            c = c ? c : (len > hi->len) - (len < hi->len);
            if (c > 0 || (c == 0 && (n->u.kwr.flags & KRT_RANGE_UPPER_EXCL)))
                return false;
        }
        return true;
    }
    default:
        return false;
    }
}

/*
 * A constant_keyword whose value the mapping fixes: every document of
 * the index holds that value (Elasticsearch refuses one that gives
 * another), so test 'n' on it is known now.
 */
static struct ir_node *
fold_constant(struct sema *s, const struct typed_field *f,
              struct ir_node *n)
{
    if (!n || !f->const_value)
        return n;
    bool hit = holds_for(n, f->const_value, strlen(f->const_value));
    return ir_node_new(s->a, hit ? IR_TRUE : IR_FALSE, n->span);
}

/* f:v ('n') on field 'f'. */
static struct ir_node *
is_on_field(struct sema *s, const struct typed_field *f,
            const struct ast_node *n)
{
    return fold_constant(s, f, is_on_field_as_read(s, f, n));
}

/* f:v ('n') on field 'f', as its values are read. */
static struct ir_node *
is_on_field_as_read(struct sema *s, const struct typed_field *f,
                    const struct ast_node *n)
{
    const struct ast_literal *v = &n->u.is.value;
    if (is_lone_star(v)) {
        /* On an object, Elasticsearch's exists asks whether any field
         * below it has a value; on a nested field, outside f:{ }, no
         * field below it is in the event's own document. */
        if (f->type == KRT_NESTED) {
            if (!s->lenient)
                diag_report(s->d, s->src, DIAG_WARNING, n->span, "field "
                            "'%s' is nested: its fields live in each "
                            "element's own document, so outside %s:{ ... } "
                            "Elasticsearch's exists matches no event, and "
                            "neither does kqlc [-Wnested-field]", f->path,
                            f->path);
            return ir_node_new(s->a, IR_FALSE, n->span);
        }
        return leaf(s, IR_EXISTS, f, n->span);
    }
    return typed_value(s, f, v, n->span);
}

/* ------------------------------------------------------------ free text */

static int
leaf_cmp(const void *pa, const void *pb)
{
    const struct krt_leaf_type *a = pa, *b = pb;
    int c = strcmp(a->path, b->path);
    if (c)
        return c;
    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    if (a->flags != b->flags)
        return a->flags < b->flags ? -1 : 1;
    if (a->scale != b->scale)
        return a->scale < b->scale ? -1 : 1;
    return a->ignore_above < b->ignore_above ? -1
         : a->ignore_above > b->ignore_above;
}

/* Whether free text reads values of type 't' (the types a field:value
 * query reads; the others ignore it, as a lenient query does). */
static bool
free_type(enum krt_type t)
{
    return is_keyword_type(t) || is_integer_type(t) || t == KRT_IP
        || t == KRT_BOOLEAN || t == KRT_DATE || sema_is_float(t)
        || sema_is_text(t);
}

/*
 * The program's table of leaf paths and their types: every known leaf
 * field (the mapping's, ECS's), at the path its values stand (a
 * multi-field's is its parent's), sorted.  Made once, at the first free
 * text.
 */
static void
build_leaves(struct sema *s)
{
    struct mapping_field *fields;
    char star[1] = "";
    uint32_t wild[1] = { 0 };
    struct kql_text all = { .bytes = star, .len = 0, .wild = wild,
                            .nwild = 1 };

    if (s->p->leaves)
        return;
    size_t n = sema_fields_match(s->a, s->p->mapping, &all, &fields);
    struct krt_leaf_type *l = arena_alloc(s->a, (2 * n + 1) * sizeof *l);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        /* A field below a nested field lives in the element's own hidden
         * document, which free text never reaches: the nested field goes
         * in the table (as nested), so the runtime skips its subtree. */
        const char *name = fields[i].name;
        size_t len = fields[i].path_len, nested = 0;
        for (size_t j = 1; j < len && !nested; j++) {
            struct mapping_field mf;
            if (name[j] == '.'
                && mapping_resolve(s->p->mapping, name, j, &mf)
                && mf.type == KRT_NESTED)
                nested = j;
        }
        if (nested) {
            l[k++] = (struct krt_leaf_type){
                arena_strndup(s->a, name, nested), KRT_NESTED, 0, 0, 0 };
            continue;
        }
        if (!free_type(fields[i].type))
            continue;
        l[k].path = arena_strndup(s->a, fields[i].name, fields[i].path_len);
        l[k].type = fields[i].type;
        l[k].ignore_above = fields[i].ignore_above;
        l[k].flags = fields[i].flags;
        l[k].scale = fields[i].type == KRT_SCALED_FLOAT
                   ? fields[i].scaling_factor : 0;
        k++;
    }
    qsort(l, k, sizeof *l, leaf_cmp);
    size_t u = 0;
    for (size_t i = 0; i < k; i++) {
        if (u == 0 || leaf_cmp(&l[u - 1], &l[i]) != 0)
            l[u++] = l[i];
    }
    s->p->leaves = l;
    s->p->nleaves = u;
}

/* The field a free-text test is typed on before it has its place. */
#define FREE_FIELD UINT32_MAX

/* Put the tests of 'n' on field 'field'. */
static void
set_field(struct ir_node *n, krt_u32 field)
{
    if (n->op == IR_AND || n->op == IR_OR) {
        for (size_t i = 0; i < n->u.list.n; i++)
            set_field(n->u.list.items[i], field);
    } else if (n->op == IR_NOT) {
        set_field(n->u.child, field);
    } else if (n->field == FREE_FIELD) {
        n->field = field;
    }
}

/* The field free text read as 'type' with 'flags' stands on: no path,
 * one a kind. */
static void
free_field(struct sema *s, enum krt_type type, double scale, krt_u32 flags,
           struct typed_field *out)
{
    const char *name = arena_printf(s->a, "(free text as %s%s%s)",
                                    ecs_type_name(type),
                                    flags & KRT_FIELD_LOWERCASE
                                    ? ", lowercase" : "",
                                    flags & KRT_FIELD_PS_SCRIPT
                                    ? ", powershell_script_analyzer" : "");
    if (type == KRT_SCALED_FLOAT)
        name = arena_printf(s->a, "%s (scale %.17g)", name, scale);
    out->index = ir_field_index_named(s->a, s->p, name, strlen(name), 0,
                                      type, 0, true);
    ((struct ir_field *)s->p->fields.items[out->index])->flags = flags;
    out->type = type;
    out->scale = scale;
    out->path = name;
}

/* Type value 'v' for a field of 'type', 'scale' and 'flags' not yet in
 * the table, leniently: NULL when that type cannot read it. */
static struct ir_node *
lenient_value(struct sema *s, enum krt_type type, double scale,
              krt_u32 flags, const struct ast_literal *v, struct span sp)
{
    struct typed_field f = { FREE_FIELD, type, ecs_type_name(type), scale,
                           NULL };
    int errors = s->errors;
    bool was = s->lenient;
    s->lenient = true;
    s->free_flags = flags;
    struct ir_node *test = typed_value(s, &f, v, sp);
    s->lenient = was;
    s->free_flags = 0;
    if (s->errors != errors) {
        s->errors = errors;
        return NULL;
    }
    return test;
}

/*
 * Free text (a value with no field): Kibana's lenient multi_match over
 * every field (a query_string for a value with wildcards).  The value is
 * typed once for each type the known leaves have (and as a keyword, for
 * paths no table knows); a type that cannot read it drops out, as a
 * lenient query ignores a field it cannot parse for.
 */
static struct ir_node *
free_text(struct sema *s, const struct ast_node *n)
{
    const struct ast_literal *v = &n->u.is.value;
    if (s->nested) {
        /* LIMIT(free text): inside f:{ } free text would search the
         * element's fields only; no rule does it, so it is refused. */
        error_at(s, n->span, "free text inside a nested query is not "
                 "supported");
        return NULL;
    }
    if (v->kind == AST_LIT_NULL) {
        error_at(s, v->span, "'null' is no value: Elasticsearch rejects a "
                 "match on null");
        return NULL;
    }
    build_leaves(s);
    struct ir_free_test *t = arena_alloc(s->a, (s->p->nleaves + 1)
                                         * sizeof *t);
    size_t k = 0;
    static const struct krt_leaf_type unknown = { "", KRT_KEYWORD, 0, 0,
                                                  0 };
    for (size_t i = 0; i <= s->p->nleaves; i++) {
        const struct krt_leaf_type *l = i < s->p->nleaves
                                      ? &s->p->leaves[i] : &unknown;
        bool seen = false;
        for (size_t j = 0; j < k && !seen; j++)
            seen = t[j].type == l->type && t[j].flags == l->flags
                && t[j].scale == l->scale;
        if (seen)
            continue;
        struct ir_node *test = lenient_value(s, l->type, l->scale, l->flags,
                                             v, n->span);
        if (!test)
            continue;
        struct typed_field f;
        free_field(s, l->type, l->scale, l->flags, &f);
        set_field(test, f.index);
        t[k++] = (struct ir_free_test){ l->type, l->flags, l->scale,
                                        f.index, test };
    }
    struct ir_node *r = ir_node_new(s->a, IR_FREE, n->span);
    r->u.free.items = t;
    r->u.free.n = k;
    r->u.free.leaves = s->p->leaves;
    r->u.free.nleaves = s->p->nleaves;
    return r;
}

/*
 * A test on a flattened field itself: Elasticsearch answers it from
 * every leaf below the field, each a keyword (a term, a wildcard or a
 * range on the root field), so the value is typed as a keyword with the
 * field's ignore_above and the test runs on each leaf below its path.
 * 'op' NULL for f:v.
 */
static struct ir_node *
flat_test(struct sema *s, const struct typed_field *f,
          const struct ast_literal *v, const enum ast_range_op *op,
          struct span sp)
{
    const struct ir_field *fl = s->p->fields.items[f->index];
    const char *name = arena_printf(s->a, "(leaves of %s)", fl->path);
    struct typed_field pf;
    struct ir_node *test;
    char msg[512];

    if (s->nested) {
        /* LIMIT(flattened): inside f:{ } the leaves would be the
         * element's only; no rule does it, so it is refused. */
        error_at(s, sp, "a query on flattened field '%s' itself inside a "
                 "nested query is not supported", fl->path);
        return NULL;
    }
    pf.index = ir_field_index_named(s->a, s->p, name, strlen(name), 0,
                                    KRT_KEYWORD, fl->ignore_above, true);
    pf.type = KRT_KEYWORD;
    pf.path = fl->path;
    pf.scale = 0;
    if (op) {
        test = sema_kw_range(s->a, pf.index, v, *op, sp, msg, sizeof msg);
        if (!test)
            error_at(s, v->span, "%s", msg);
    } else {
        test = kw_value(s, &pf, v, sp);
    }
    if (!test)
        return NULL;
    struct ir_node *r = ir_node_new(s->a, IR_FREE, sp);
    r->u.free.items = arena_alloc(s->a, sizeof *r->u.free.items);
    r->u.free.items[0] = (struct ir_free_test){ KRT_KEYWORD, 0, 0,
                                                pf.index, test };
    r->u.free.n = 1;
    r->u.free.under = fl->path;
    return r;
}

/*
 * Whether field 'fl' lies under a nested field (process.pe.sections.name
 * under process.pe.sections) outside a nested query on it: Elasticsearch
 * indexes each element of a nested field as a document of its own, so a
 * query on such a field outside f:{ } matches no event.  Says so (a
 * warning) when it does.
 */
static bool
outside_nested(struct sema *s, const struct ast_literal *fl, struct span sp)
{
    const char *name = fl->text.bytes;
    size_t len = fl->text.len;
    for (size_t i = 1; i < len; i++) {
        struct mapping_field mf;
        if (name[i] != '.' || !mapping_resolve(s->p->mapping, name, i, &mf)
            || mf.type != KRT_NESTED)
            continue;
        bool inside = false;
        for (size_t k = 0; k < s->nested_paths.n && !inside; k++) {
            const char *p = s->nested_paths.items[k];
            inside = strlen(p) == i && !memcmp(p, name, i);
        }
        if (inside)
            continue;
        diag_report(s->d, s->src, DIAG_WARNING, sp, "field '%s' lies under "
                    "nested field '%.*s': outside %.*s:{ ... } Elasticsearch "
                    "matches no event with it, and neither does kqlc "
                    "[-Wnested-field]", name, (int)i, name, (int)i, name);
        return true;
    }
    return false;
}

static struct ir_node *lower_pattern(struct sema *s, const struct ast_node *n,
                                     const struct ast_literal *fl,
                                     const struct ast_literal *v);

static struct ir_node *
sema_is(struct sema *s, const struct ast_node *n)
{
    const struct ast_literal *fl = &n->u.is.field, *v = &n->u.is.value;
    if (fl->kind == AST_LIT_NULL) {
        if (is_lone_star(v))
            return ir_node_new(s->a, IR_TRUE, n->span);
        return free_text(s, n);
    }
    if (is_lone_star(fl) && is_lone_star(v))
        return ir_node_new(s->a, IR_TRUE, n->span);
    if (fl->kind == AST_LIT_WILDCARD)
        return lower_pattern(s, n, fl, v);
    struct typed_field f;
    if (outside_nested(s, fl, n->span))
        return ir_node_new(s->a, IR_FALSE, n->span);
    resolve_field(s, fl, &f);
    return is_on_field(s, &f, n);
}

/* ------------------------------------------------------------ ranges */

static struct ir_node *
long_range(struct sema *s, const struct typed_field *f,
           const struct ast_node *n)
{
    struct krt_number num;
    if (!read_number(s, f, &n->u.range.value, &num))
        return NULL;
    struct ir_node *r = leaf(s, IR_LONG_IN, f, n->span);
    krt_i64 x = num.value, first = INT64_MIN, last = INT64_MAX;
    bool lower = n->u.range.op == AST_GT || n->u.range.op == AST_GTE;
    bool strict = n->u.range.op == AST_GT || n->u.range.op == AST_LT;
    /* x is truncated toward zero; a dropped fraction moves the bound to
     * the integer inside the range, as Elasticsearch does. */
    if (lower) {
        bool up = num.fraction ? !num.negative : strict;
        if (up && x == INT64_MAX)
            return r;
        first = up ? x + 1 : x;
    } else {
        bool down = num.fraction ? num.negative : strict;
        if (down && x == INT64_MIN)
            return r;
        last = down ? x - 1 : x;
    }
    r->u.i64.items = arena_alloc(s->a, sizeof(struct krt_i64_range));
    r->u.i64.items[0].first = first;
    r->u.i64.items[0].last = last;
    r->u.i64.n = 1;
    return r;
}

static bool
ip_step(struct krt_ip *ip, bool up)
{
    if (up) {
        if (ip->hi == UINT64_MAX && ip->lo == UINT64_MAX)
            return false;
        if (++ip->lo == 0)
            ip->hi++;
    } else {
        if (ip->hi == 0 && ip->lo == 0)
            return false;
        if (ip->lo-- == 0)
            ip->hi--;
    }
    return true;
}

static struct ir_node *
ip_range(struct sema *s, const struct typed_field *f,
         const struct ast_node *n)
{
    const struct ast_literal *v = &n->u.range.value;
    struct krt_ip ip;
    if (v->kind != AST_LIT_STRING
        || !krt_parse_ip(v->text.bytes, v->text.len, &ip)) {
        error_at(s, v->span, "'%s' is not an IP address, as the range of "
                 "field '%s' (ip) needs", v->text.bytes, f->path);
        return NULL;
    }
    struct ir_node *r = leaf(s, IR_IP_IN, f, n->span);
    struct krt_ip_range range = { { 0, 0 }, { UINT64_MAX, UINT64_MAX } };
    enum ast_range_op op = n->u.range.op;
    if (op == AST_GT || op == AST_GTE) {
        range.first = ip;
        if (op == AST_GT && !ip_step(&range.first, true))
            return r;
    } else {
        range.last = ip;
        if (op == AST_LT && !ip_step(&range.last, false))
            return r;
    }
    r->u.ip.items = arena_alloc(s->a, sizeof range);
    r->u.ip.items[0] = range;
    r->u.ip.n = 1;
    return r;
}

static struct ir_node *range_on_field_as_read(struct sema *s,
                                              const struct typed_field *f,
                                              const struct ast_node *n);

/* f OP v ('n') on field 'f'. */
static struct ir_node *
range_on_field(struct sema *s, const struct typed_field *f,
               const struct ast_node *n)
{
    return fold_constant(s, f, range_on_field_as_read(s, f, n));
}

/* f OP v ('n') on field 'f', as its values are read. */
static struct ir_node *
range_on_field_as_read(struct sema *s, const struct typed_field *f,
                       const struct ast_node *n)
{
    if (is_integer_type(f->type))
        return long_range(s, f, n);
    if (f->type == KRT_IP)
        return ip_range(s, f, n);
    if (f->type == KRT_DATE)
        return date_test(s, f, &n->u.range.value, &n->u.range.op,
                         n->span);
    if (sema_is_float(f->type))
        return num_test(s, f, &n->u.range.value, &n->u.range.op, n->span);
    if (f->type == KRT_FLATTENED)
        return flat_test(s, f, &n->u.range.value, &n->u.range.op, n->span);
    if (is_keyword_type(f->type) || f->type == KRT_BOOLEAN)
        return other_range(s, f, n);
    if (sema_is_text(f->type)) {
        /* LIMIT(text): a range on a text field compares the analysed
         * tokens of its values as strings, which no rule needs; refused
         * rather than answered wrongly. */
        error_at(s, n->span, "ranges on text field '%s' (%s) are not "
                 "supported", f->path, ecs_type_name(f->type));
        return NULL;
    }
    return unsupported_type(s, f, n->span);
}

/* Wildcard literal 'v' as plain text, each '*' written back. */
static struct ast_literal
star_text(struct sema *s, const struct ast_literal *v)
{
    struct ast_literal out = *v;
    char *b = arena_alloc(s->a, v->text.len + v->text.nwild + 1);
    size_t o = 0, w = 0;
    for (size_t i = 0; i <= v->text.len; i++) {
        while (w < v->text.nwild && v->text.wild[w] == i) {
            b[o++] = '*';
            w++;
        }
        if (i < v->text.len)
            b[o++] = v->text.bytes[i];
    }
    b[o] = '\0';
    out.kind = AST_LIT_STRING;
    out.text.bytes = b;
    out.text.len = o;
    out.text.wild = NULL;
    out.text.nwild = 0;
    return out;
}

static struct ir_node *
sema_range(struct sema *s, const struct ast_node *n)
{
    const struct ast_literal *fl = &n->u.range.field;
    const struct ast_literal *v = &n->u.range.value;
    struct typed_field f;
    if (fl->kind == AST_LIT_NULL) {
        error_at(s, fl->span, "a range needs a field");
        return NULL;
    }
    if (fl->kind != AST_LIT_WILDCARD && outside_nested(s, fl, n->span))
        return ir_node_new(s->a, IR_FALSE, n->span);
    if (fl->kind != AST_LIT_WILDCARD)
        resolve_field(s, fl, &f);
    if (v->kind == AST_LIT_WILDCARD) {
        /* Kibana's range query takes the bound as text, '*' and all. */
        struct ast_node *c = arena_alloc(s->a, sizeof *c);
        *c = *n;
        c->u.range.value = star_text(s, v);
        n = c;
    }
    if (fl->kind == AST_LIT_WILDCARD)
        return lower_pattern(s, n, fl, &n->u.range.value);
    return range_on_field(s, &f, n);
}

/* ---------------------------------------------------- field patterns */

/* Where a muted diagnostic sink keeps its first message. */
struct first_msg {
    char *buf;
    size_t size;
};

static void
keep_first(void *ctx, enum diag_severity sev, const char *msg)
{
    struct first_msg *m = ctx;
    (void)sev;
    if (!m->buf[0])
        snprintf(m->buf, m->size, "%s", msg);
}

/* Whether a value error on a field of type 't' means, as Elasticsearch
 * reads the value, that the field cannot hold it: a field a lenient
 * query leaves out.  Other errors are kqlc's limits, and refuse. */
static bool
cannot_read(enum krt_type t, const struct ast_literal *v)
{
    /* Elasticsearch refuses a match on null whatever the field (only a
     * date's range takes it, as unbounded): no leniency saves it. */
    if (v->kind == AST_LIT_NULL)
        return false;
    /* LIMIT(fields): the values of text, flattened and unsigned_long
     * fields and of types kqlc does not read could hold what a query on
     * them asks; refused as on a field named alone, not left out. */
    return !(sema_is_text(t) || t == KRT_FLATTENED
             || t == KRT_UNSIGNED_LONG || t == KRT_OTHER);
}

/*
 * The test 's->expanding' makes on field 'mf' of a pattern's expansion
 * (sema_field_fn), typed with diagnostics muted; the first one lands in
 * 'msg'.  A field left out leaves no trace in the field table.
 */
static enum sema_field_verdict
type_one(void *ctx, const struct mapping_field *mf, struct ir_node **out,
         char *msg, size_t size)
{
    struct sema *s = ctx;
    const struct ast_node *n = s->expanding;
    struct first_msg first = { msg, size };
    struct diag mute, *real = s->d;
    int errors = s->errors;
    size_t nfields = s->p->fields.n;
    struct typed_field f;

    diag_init(&mute, NULL);
    mute.hook = keep_first;
    mute.hook_ctx = &first;
    add_field(s, mf->name, strlen(mf->name), mf, true, &f);
    s->d = &mute;
    *out = n->kind == AST_IS ? is_on_field(s, &f, n)
                             : range_on_field(s, &f, n);
    s->d = real;
    s->errors = errors;
    if (*out && mute.nerrors == 0)
        return SEMA_FIELD_OK;
    s->p->fields.n = nfields;
    const struct ast_literal *v = n->kind == AST_IS ? &n->u.is.value
                                                    : &n->u.range.value;
    if (cannot_read(mf->type, v))
        return SEMA_FIELD_DROP;
    const struct ast_literal *fl = n->kind == AST_IS ? &n->u.is.field
                                                     : &n->u.range.field;
    error_at(s, n->span, "%s (field pattern '%s' matches it)", msg,
             sema_fields_pattern(s->a, &fl->text));
    return SEMA_FIELD_FAIL;
}

/* Test 'n' (f:v or f OP v) with field pattern 'fl' and value 'v' on
 * every known field the pattern matches (sema_fields.c). */
static struct ir_node *
lower_pattern(struct sema *s, const struct ast_node *n,
              const struct ast_literal *fl, const struct ast_literal *v)
{
    struct sema_expansion x = {
        .a = s->a, .d = s->d, .src = s->src, .mapping = s->p->mapping,
        .field = fl, .value = v, .sp = n->span, .type_one = type_one,
        .ctx = s,
    };
    const struct ast_node *outer = s->expanding;
    s->expanding = n;
    struct ir_node *r = sema_fields_expand(&x);
    s->expanding = outer;
    return r;
}

/* ------------------------------------------------------------ tree */

static struct ir_node *lower(struct sema *s, const struct ast_node *n);

static struct ir_node *
lower_list(struct sema *s, const struct ast_node *n, enum ir_op op)
{
    struct ir_node *r = ir_node_new(s->a, op, n->span);
    r->u.list.items = arena_alloc(s->a, n->u.list.n * sizeof(void *));
    r->u.list.n = n->u.list.n;
    bool ok = true;
    for (size_t i = 0; i < n->u.list.n; i++) {
        r->u.list.items[i] = lower(s, n->u.list.items[i]);
        ok &= r->u.list.items[i] != NULL;
    }
    return ok ? r : NULL;
}

/* f:{ query }: the inner query, its fields under f, tested on one
 * element of f at a time (sema_nested.c). */
static struct ir_node *
lower_nested(struct sema *s, const struct ast_node *n)
{
    const struct ast_literal *f = &n->u.nested.field;
    char msg[512];
    const struct ast_node *inner = sema_nested_inner(s->a, s->p->mapping, n,
                                                     msg, sizeof msg);
    if (!inner) {
        error_at(s, f->span, "%s", msg);
        return NULL;
    }
    if (msg[0])
        diag_report(s->d, s->src, DIAG_WARNING, f->span, "%s", msg);
    s->nested++;
    ptrvec_push(s->a, &s->nested_paths, (void *)f->text.bytes);
    struct ir_node *c = lower(s, inner);
    s->nested_paths.n--;
    s->nested--;
    if (!c)
        return NULL;
    struct ir_node *r = ir_node_new(s->a, IR_NESTED, n->span);
    r->field = ir_field_index(s->a, s->p, f->text.bytes, f->text.len,
                              KRT_NESTED, 0, true);
    r->u.child = c;
    return r;
}

static struct ir_node *
lower(struct sema *s, const struct ast_node *n)
{
    switch (n->kind) {
    case AST_OR:
        return lower_list(s, n, IR_OR);
    case AST_AND:
        return lower_list(s, n, IR_AND);
    case AST_NOT: {
        struct ir_node *c = lower(s, n->u.child);
        if (!c)
            return NULL;
        struct ir_node *r = ir_node_new(s->a, IR_NOT, n->span);
        r->u.child = c;
        return r;
    }
    case AST_IS:
        return sema_is(s, n);
    case AST_RANGE:
        return sema_range(s, n);
    case AST_NESTED:
        return lower_nested(s, n);
    }
    assert(!"lower: unknown node kind");
    return NULL;
}

static void
warn_unknown(struct sema *s)
{
    if (s->unknown.n == 0)
        return;
    const struct ast_literal *first = s->unknown.items[0];
    char list[400];
    size_t o = 0;
    for (size_t i = 0; i < s->unknown.n && o < sizeof list - 8; i++) {
        const struct ast_literal *f = s->unknown.items[i];
        o += (size_t)snprintf(list + o, sizeof list - o, "%s'%s'",
                              i ? ", " : "", f->text.bytes);
    }
    if (o >= sizeof list - 8)
        snprintf(list + sizeof list - 8, 8, ", ...");
    diag_report(s->d, s->src, DIAG_WARNING, first->span,
                "fields with no known type, read as keyword: %s "
                "[-Wunknown-field]", list);
}

struct ir_node *
sema_query(struct arena *a, struct diag *d, const struct diag_source *src,
           struct ir_program *p, const struct ast_query *q)
{
    struct sema s = { .a = a, .d = d, .src = src, .p = p };
    if (!q->root)
        return ir_node_new(a, IR_TRUE, span_make(0, 0));
    struct ir_node *n = lower(&s, q->root);
    warn_unknown(&s);
    if (!n || s.errors)
        return NULL;
    return ir_simplify(a, n);
}
