/*
 * ir.c - the typed IR: field table, simplification, table merging.
 */
#include "ir.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "krt_date.h"
#include "sema_num.h"

krt_u32
ir_field_index(struct arena *a, struct ir_program *p, const char *path,
               size_t len, enum krt_type type, unsigned ignore_above,
               bool known)
{
    return ir_field_index_named(a, p, path, len, len, type, ignore_above,
                                known);
}

krt_u32
ir_field_index_named(struct arena *a, struct ir_program *p,
                     const char *name, size_t len, size_t path_len,
                     enum krt_type type, unsigned ignore_above, bool known)
{
    for (size_t i = 0; i < p->fields.n; i++) {
        struct ir_field *f = p->fields.items[i];
        if (strlen(f->name) == len && !memcmp(f->name, name, len))
            return (krt_u32)i;
    }
    struct ir_field *f = arena_alloc(a, sizeof *f);
    f->name = arena_strndup(a, name, len);
    f->path = path_len == len ? f->name : arena_strndup(a, name, path_len);
    f->type = type;
    f->ignore_above = ignore_above;
    f->known = known;
    ptrvec_push(a, &p->fields, f);
    return (krt_u32)(p->fields.n - 1);
}

struct ir_node *
ir_node_new(struct arena *a, enum ir_op op, struct span sp)
{
    struct ir_node *n = arena_alloc(a, sizeof *n);
    n->op = op;
    n->span = sp;
    return n;
}

/* ------------------------------------------------------------ tables */

int
ir_str_cmp(const struct krt_str *a, const struct krt_str *b)
{
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return a->len ? memcmp(a->bytes, b->bytes, a->len) : 0;
}

static int
str_qcmp(const void *a, const void *b)
{
    return ir_str_cmp(a, b);
}

size_t
ir_sort_strs(struct krt_str *s, size_t n)
{
    if (n < 2)
        return n;
    qsort(s, n, sizeof *s, str_qcmp);
    size_t out = 1;
    for (size_t i = 1; i < n; i++) {
        if (ir_str_cmp(&s[out - 1], &s[i]) != 0)
            s[out++] = s[i];
    }
    return out;
}

static int
ip_cmp(const struct krt_ip *a, const struct krt_ip *b)
{
    if (a->hi != b->hi)
        return a->hi < b->hi ? -1 : 1;
    if (a->lo != b->lo)
        return a->lo < b->lo ? -1 : 1;
    return 0;
}

static int
ip_range_qcmp(const void *a, const void *b)
{
    const struct krt_ip_range *x = a, *y = b;
    int c = ip_cmp(&x->first, &y->first);
    return c ? c : ip_cmp(&x->last, &y->last);
}

/* True when 'b' starts at most one past 'a_last': they overlap or touch. */
static bool
ip_joins(const struct krt_ip *a_last, const struct krt_ip *b_first)
{
    if (ip_cmp(b_first, a_last) <= 0)
        return true;
    struct krt_ip next = *a_last;
    if (++next.lo == 0)
        next.hi++;
    if (next.hi == 0 && next.lo == 0)
        return false;   /* a_last was the largest address */
    return ip_cmp(b_first, &next) == 0;
}

size_t
ir_merge_ip_ranges(struct krt_ip_range *r, size_t n)
{
    if (n < 2)
        return n;
    qsort(r, n, sizeof *r, ip_range_qcmp);
    size_t out = 0;
    for (size_t i = 1; i < n; i++) {
        if (ip_joins(&r[out].last, &r[i].first)) {
            if (ip_cmp(&r[i].last, &r[out].last) > 0)
                r[out].last = r[i].last;
        } else {
            r[++out] = r[i];
        }
    }
    return out + 1;
}

static int
i64_range_qcmp(const void *a, const void *b)
{
    const struct krt_i64_range *x = a, *y = b;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    if (x->last != y->last)
        return x->last < y->last ? -1 : 1;
    return 0;
}

size_t
ir_merge_i64_ranges(struct krt_i64_range *r, size_t n)
{
    if (n < 2)
        return n;
    qsort(r, n, sizeof *r, i64_range_qcmp);
    size_t out = 0;
    for (size_t i = 1; i < n; i++) {
        bool joins = r[i].first <= r[out].last
            || (r[out].last != INT64_MAX && r[i].first == r[out].last + 1);
        if (joins) {
            if (r[i].last > r[out].last)
                r[out].last = r[i].last;
        } else {
            r[++out] = r[i];
        }
    }
    return out + 1;
}

/* ------------------------------------------------------- simplification */

static bool
is_set_test(const struct ir_node *n)
{
    return n->op == IR_KW_IN || n->op == IR_LONG_IN || n->op == IR_IP_IN
        || n->op == IR_DATE_IN || n->op == IR_TEXT_ANY
        || n->op == IR_FLOAT_IN;
}

/* Bytes of one element of a set test's table. */
static size_t
table_elem(const struct ir_node *n)
{
    switch (n->op) {
    case IR_KW_IN:
    case IR_TEXT_ANY:
        return sizeof(struct krt_str);
    case IR_LONG_IN:
    case IR_DATE_IN:
    case IR_FLOAT_IN:
        return sizeof(struct krt_i64_range);
    case IR_IP_IN:
        return sizeof(struct krt_ip_range);
    default:
        assert(!"table_elem: not a set test");
        return 0;
    }
}

/* The table of set test 'n': where its items are and how many. */
static void **
table_items(struct ir_node *n, size_t **count)
{
    switch (n->op) {
    case IR_KW_IN:
    case IR_TEXT_ANY:
        *count = &n->u.strs.n;
        return (void **)&n->u.strs.items;
    case IR_LONG_IN:
    case IR_DATE_IN:
    case IR_FLOAT_IN:
        *count = &n->u.i64.n;
        return (void **)&n->u.i64.items;
    default:
        *count = &n->u.ip.n;
        return (void **)&n->u.ip.items;
    }
}

/*
 * Join the tables of 'nodes' (same op, same field) into the first, with
 * one allocation, so that a list of thousands of values costs linear
 * memory.  The first node's span grows to cover them all.
 */
static void
join_tables(struct arena *a, struct ir_node **nodes, size_t n)
{
    size_t total = 0, elem = table_elem(nodes[0]), *count;
    for (size_t i = 0; i < n; i++) {
        table_items(nodes[i], &count);
        total += *count;
    }
    char *joined = arena_alloc(a, total * elem), *at = joined;
    for (size_t i = 0; i < n; i++) {
        void **items = table_items(nodes[i], &count);
        if (*count)
            memcpy(at, *items, *count * elem);
        at += *count * elem;
        nodes[0]->span = span_join(nodes[0]->span, nodes[i]->span);
    }
    void **first = table_items(nodes[0], &count);
    *first = joined;
    *count = total;
}

/* Put a leaf's table in canonical order; an empty table never holds. */
static struct ir_node *
canonical_leaf(struct ir_node *n)
{
    switch (n->op) {
    case IR_KW_IN:
    case IR_TEXT_ANY:
        n->u.strs.n = ir_sort_strs(n->u.strs.items, n->u.strs.n);
        return n->u.strs.n ? n : (n->op = IR_FALSE, n);
    case IR_LONG_IN:
    case IR_DATE_IN:
    case IR_FLOAT_IN:
        n->u.i64.n = ir_merge_i64_ranges(n->u.i64.items, n->u.i64.n);
        return n->u.i64.n ? n : (n->op = IR_FALSE, n);
    case IR_IP_IN:
        n->u.ip.n = ir_merge_ip_ranges(n->u.ip.items, n->u.ip.n);
        return n->u.ip.n ? n : (n->op = IR_FALSE, n);
    default:
        return n;
    }
}

/*
 * Under 'or', tests of one field with one op merge into one table:
 * any(v in A) or any(v in B) is any(v in A u B).  Under 'and' they do
 * not (for an array, two elements may satisfy the two tests), so 'and'
 * keeps them apart.  Each group keeps the place of its first member.
 */
static void
merge_or_kids(struct arena *a, struct ptrvec *kids)
{
    struct ptrvec firsts = { 0 };   /* first member of each group */
    struct ptrvec *members = arena_alloc(a, kids->n * sizeof *members);
    size_t out = 0;
    for (size_t i = 0; i < kids->n; i++) {
        struct ir_node *k = kids->items[i];
        size_t g = 0;
        if (is_set_test(k)) {
            for (; g < firsts.n; g++) {
                struct ir_node *f = firsts.items[g];
                if (f->op == k->op && f->field == k->field)
                    break;
            }
            if (g == firsts.n)
                ptrvec_push(a, &firsts, k);
            ptrvec_push(a, &members[g], k);
            if (members[g].n > 1)
                continue;   /* joins its group's first member */
        }
        kids->items[out++] = k;
    }
    kids->n = out;
    for (size_t g = 0; g < firsts.n; g++) {
        if (members[g].n > 1)
            join_tables(a, (struct ir_node **)members[g].items,
                        members[g].n);
    }
}

static struct ir_node *
simplify_list(struct arena *a, struct ir_node *n)
{
    enum ir_op absorb = n->op == IR_AND ? IR_FALSE : IR_TRUE;
    enum ir_op neutral = n->op == IR_AND ? IR_TRUE : IR_FALSE;
    struct ptrvec kids = { 0 };

    for (size_t i = 0; i < n->u.list.n; i++) {
        struct ir_node *k = ir_simplify(a, n->u.list.items[i]);
        if (k->op == absorb)
            return ir_node_new(a, absorb, n->span);
        if (k->op == neutral)
            continue;
        if (k->op == n->op) {
            for (size_t j = 0; j < k->u.list.n; j++)
                ptrvec_push(a, &kids, k->u.list.items[j]);
        } else {
            ptrvec_push(a, &kids, k);
        }
    }
    if (n->op == IR_OR)
        merge_or_kids(a, &kids);
    if (kids.n == 0)
        return ir_node_new(a, neutral, n->span);
    for (size_t i = 0; i < kids.n; i++)
        kids.items[i] = canonical_leaf(kids.items[i]);
    if (kids.n == 1) {
        /* The one test left stands for the whole list (the others merged
         * into it or were neutral): it implements all of its text. */
        struct ir_node *k = kids.items[0];
        k->span = span_join(k->span, n->span);
        return k;
    }
    n->u.list.items = (struct ir_node **)kids.items;
    n->u.list.n = kids.n;
    return n;
}

struct ir_node *
ir_simplify(struct arena *a, struct ir_node *n)
{
    switch (n->op) {
    case IR_AND:
    case IR_OR:
        return simplify_list(a, n);
    case IR_NOT: {
        struct ir_node *c = ir_simplify(a, n->u.child);
        if (c->op == IR_TRUE || c->op == IR_FALSE)
            return ir_node_new(a, c->op == IR_TRUE ? IR_FALSE : IR_TRUE,
                               n->span);
        if (c->op == IR_NOT)
            return c->u.child;
        n->u.child = c;
        return n;
    }
    case IR_FREE: {
        /* A type whose test never holds reads nothing of the value. */
        size_t k = 0;
        for (size_t i = 0; i < n->u.free.n; i++) {
            struct ir_free_test t = n->u.free.items[i];
            t.test = ir_simplify(a, t.test);
            if (t.test->op != IR_FALSE)
                n->u.free.items[k++] = t;
        }
        n->u.free.n = k;
        if (k == 0)
            return ir_node_new(a, IR_FALSE, n->span);
        return n;
    }
    case IR_NESTED:
        /* No element satisfies a query that never holds; one that always
         * holds still needs an element, so it stays. */
        n->u.child = ir_simplify(a, n->u.child);
        if (n->u.child->op == IR_FALSE)
            return ir_node_new(a, IR_FALSE, n->span);
        return n;
    default:
        return canonical_leaf(n);
    }
}

/* ------------------------------------------------------------ printing */

void
ir_format_ip(const struct krt_ip *ip, char *buf, size_t size)
{
    if (ip->hi == 0 && (ip->lo >> 32) == 0xFFFF) {
        unsigned v4 = (unsigned)(ip->lo & 0xFFFFFFFFu);
        snprintf(buf, size, "%u.%u.%u.%u", v4 >> 24, (v4 >> 16) & 255,
                 (v4 >> 8) & 255, v4 & 255);
        return;
    }
    unsigned g[8];
    for (int i = 0; i < 4; i++) {
        g[i] = (unsigned)(ip->hi >> (48 - 16 * i)) & 0xFFFF;
        g[4 + i] = (unsigned)(ip->lo >> (48 - 16 * i)) & 0xFFFF;
    }
    /* The longest run of two or more zero groups is written '::'. */
    int best = -1, best_len = 1;
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && g[j] == 0)
            j++;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j > i ? j : i + 1;
    }
    size_t o = 0;
    for (int i = 0; i < 8 && o < size; i++) {
        if (i == best) {
            o += (size_t)snprintf(buf + o, size - o, "::");
            i += best_len - 1;
            continue;
        }
        bool sep = i > 0 && i != best + best_len;
        o += (size_t)snprintf(buf + o, size - o, "%s%x", sep ? ":" : "",
                              g[i]);
    }
    if (o == 0)
        snprintf(buf, size, "::");
}

static const char *const op_name[] = {
    [IR_TRUE] = "true", [IR_FALSE] = "false", [IR_AND] = "and",
    [IR_OR] = "or", [IR_NOT] = "not", [IR_EXISTS] = "exists",
    [IR_KW_IN] = "kw_in", [IR_KW_WILD] = "kw_wild",
    [IR_LONG_IN] = "long_in", [IR_IP_IN] = "ip_in",
    [IR_BOOL_IS] = "bool_is", [IR_DATE_IN] = "date_in",
    [IR_DATE_REL] = "date_rel", [IR_TEXT_ANY] = "text_any",
    [IR_TEXT_PHRASE] = "text_phrase", [IR_TEXT_WILD] = "text_wild",
    [IR_FLOAT_IN] = "float_in", [IR_KW_RANGE] = "kw_range",
    [IR_NESTED] = "nested", [IR_FREE] = "free",
};

static void
dump_str(FILE *out, const struct krt_str *s)
{
    fputc('"', out);
    for (krt_u32 i = 0; i < s->len; i++) {
        unsigned char c = (unsigned char)s->bytes[i];
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            fprintf(out, "\\x%02x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

/* A bound of a date range: an ISO date, or '*' for an open end. */
static void
dump_date(FILE *out, krt_i64 ms, krt_i64 open)
{
    char buf[48];

    if (ms == open) {
        fputc('*', out);
        return;
    }
    krt_format_date(ms, buf, sizeof buf);
    fputs(buf, out);
}

/* One bound of a range that reads the clock, with its operator. */
static void
dump_rel_bound(FILE *out, const struct krt_str *math, bool excl,
               const char *op)
{
    if (math->bytes)
        fprintf(out, " %s%s %.*s", op, excl ? "" : "=", (int)math->len,
                math->bytes);
}

/* The ranges of keys of a floating-point test, as the values they span
 * (scaled_float: value/factor) and as keys. */
static void
dump_floats(FILE *out, const struct ir_field *f, const struct ir_node *n)
{
    char a[48], b[48];

    for (size_t i = 0; i < n->u.i64.n; i++) {
        const struct krt_i64_range *r = &n->u.i64.items[i];
        sema_num_key_text(f->type, n->u.i64.scale, r->first, a, sizeof a);
        sema_num_key_text(f->type, n->u.i64.scale, r->last, b, sizeof b);
        fprintf(out, " [%s, %s] (keys %lld..%lld)", a, b, r->first,
                r->last);
    }
    if (n->u.i64.scale != 0)
        fprintf(out, " scaling_factor=%.17g", n->u.i64.scale);
}

static void
dump_leaf(FILE *out, const struct ir_program *p, const struct ir_node *n)
{
    char a[64], b[64];
    switch (n->op) {
    case IR_KW_IN:
    case IR_KW_WILD:
    case IR_TEXT_ANY:
    case IR_TEXT_PHRASE:
    case IR_TEXT_WILD:
        for (size_t i = 0; i < n->u.strs.n; i++) {
            fputc(' ', out);
            dump_str(out, &n->u.strs.items[i]);
        }
        break;
    case IR_LONG_IN:
        for (size_t i = 0; i < n->u.i64.n; i++)
            fprintf(out, " [%lld, %lld]", n->u.i64.items[i].first,
                    n->u.i64.items[i].last);
        break;
    case IR_IP_IN:
        for (size_t i = 0; i < n->u.ip.n; i++) {
            ir_format_ip(&n->u.ip.items[i].first, a, sizeof a);
            ir_format_ip(&n->u.ip.items[i].last, b, sizeof b);
            fprintf(out, " [%s, %s]", a, b);
        }
        break;
    case IR_BOOL_IS:
        fputs(n->u.b ? " true" : " false", out);
        break;
    case IR_DATE_IN:
        for (size_t i = 0; i < n->u.i64.n; i++) {
            fputs(" [", out);
            dump_date(out, n->u.i64.items[i].first, INT64_MIN);
            fputs(", ", out);
            dump_date(out, n->u.i64.items[i].last, INT64_MAX);
            fputc(']', out);
        }
        break;
    case IR_FLOAT_IN:
        dump_floats(out, p->fields.items[n->field], n);
        break;
    case IR_KW_RANGE:
        if (n->u.kwr.lower.bytes) {
            fputs(n->u.kwr.flags & KRT_RANGE_LOWER_EXCL ? " > " : " >= ",
                  out);
            dump_str(out, &n->u.kwr.lower);
        }
        if (n->u.kwr.upper.bytes) {
            fputs(n->u.kwr.flags & KRT_RANGE_UPPER_EXCL ? " < " : " <= ",
                  out);
            dump_str(out, &n->u.kwr.upper);
        }
        break;
    case IR_DATE_REL:
        fprintf(out, " #%u", n->u.date.slot);
        dump_rel_bound(out, &n->u.date.rel->lower,
                       n->u.date.rel->flags & KRT_DATE_LOWER_EXCL, ">");
        dump_rel_bound(out, &n->u.date.rel->upper,
                       n->u.date.rel->flags & KRT_DATE_UPPER_EXCL, "<");
        break;
    default:
        break;
    }
}

static void
dump_node(FILE *out, const struct ir_program *p, const struct ir_node *n,
          int depth)
{
    fprintf(out, "%*s%s", depth * 2, "", op_name[n->op]);
    switch (n->op) {
    case IR_AND:
    case IR_OR:
        fputc('\n', out);
        for (size_t i = 0; i < n->u.list.n; i++)
            dump_node(out, p, n->u.list.items[i], depth + 1);
        return;
    case IR_NOT:
        fputc('\n', out);
        dump_node(out, p, n->u.child, depth + 1);
        return;
    case IR_NESTED:
        fprintf(out, " %s\n", ((const struct ir_field *)
                               p->fields.items[n->field])->name);
        dump_node(out, p, n->u.child, depth + 1);
        return;
    case IR_FREE:
        fputc('\n', out);
        for (size_t i = 0; i < n->u.free.n; i++)
            dump_node(out, p, n->u.free.items[i].test, depth + 1);
        return;
    case IR_TRUE:
    case IR_FALSE:
        fputc('\n', out);
        return;
    default: {
        const struct ir_field *f = p->fields.items[n->field];
        fprintf(out, " %s", f->name);
        dump_leaf(out, p, n);
        fputc('\n', out);
    }
    }
}

void
ir_dump(FILE *out, const struct ir_program *p)
{
    for (size_t i = 0; i < p->fields.n; i++) {
        const struct ir_field *f = p->fields.items[i];
        fprintf(out, "field %zu %s type=%u%s", i, f->name,
                (unsigned)f->type, f->known ? "" : " (unknown)");
        if (f->path != f->name)
            fprintf(out, " path=%s", f->path);
        fputc('\n', out);
    }
    for (size_t i = 0; i < p->rules.n; i++) {
        const struct ir_rule *r = p->rules.items[i];
        fprintf(out, "rule '%s' %s\n", r->name, r->rule_id);
        dump_node(out, p, r->root, 1);
    }
}
