/*
 * emit_c.c - writing the IR as readable C.
 *
 * Rule text never reaches the C unescaped: string literals hold only
 * letters, digits and three-digit octal escapes, and the KQL shown in
 * comments has every sequence that could end a comment or splice a line
 * ('*' '/', '/' '*', '??', control characters, a backslash at a line's
 * end) broken apart.
 */
#include "emit.h"

#include <assert.h>
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "ecs.h"
#include "ir_gate.h"
#include "krt_date.h"
#include "sema_num.h"

#define LINE_MAX_COLS 96

/* A gate of a rule (ir_gate.h) and the table its test was given (none
 * for a KRT_GATE_HAS gate). */
struct gate_out {
    size_t rule;
    const struct ir_rule *r;
    const struct ir_node *n;
    const char *table;
};

struct emitter {
    FILE *out;
    const struct ir_program *p;
    const struct ir_rule *rule;
    const char *fn;        /* the rule function's name */
    unsigned next_id;      /* numbers constants and helper functions */
    char **field_names;    /* enum constant of each field */
    bool leaves_done;      /* the table of leaf types is out */
    size_t rule_index;     /* the rule being emitted */
    const struct ir_node **rule_gates; /* its gates, not yet named */
    size_t nrule_gates;
    struct gate_out *gates; /* every rule's gates, named, in rule order */
    size_t ngates;
    size_t capgates;
};

/* ------------------------------------------------------------ text */

static bool
is_plain(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9');
}

/* A C string literal of 'len' bytes; long ones continue on new lines
 * indented by 'indent'. */
/*
 * ISO C asks compilers to take string literals of 4,095 bytes; cc with
 * -Wpedantic refuses longer ones.  A longer value is written as a
 * compound literal of byte values instead, its address as good.
 */
#define MAX_LITERAL 4095

static void
emit_bytes(struct emitter *e, const char *s, size_t len, int indent)
{
    fputs("(const char[]){", e->out);
    for (size_t i = 0; i < len; i++) {
        if (i % 16 == 0)
            fprintf(e->out, "\n%*s", indent + 4, "");
        fprintf(e->out, "%u,", (unsigned char)s[i]);
    }
    fprintf(e->out, "\n%*s0 }", indent, "");
}

static void
emit_string(struct emitter *e, const char *s, size_t len, int indent)
{
    int col = 0;
    if (len > MAX_LITERAL) {
        emit_bytes(e, s, len, indent);
        return;
    }
    fputc('"', e->out);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (col >= 64) {
            fprintf(e->out, "\"\n%*s\"", indent, "");
            col = 0;
        }
        if (is_plain(c)) {
            fputc(c, e->out);
            col++;
        } else {
            fprintf(e->out, "\\%03o", c);
            col += 4;
        }
    }
    fputc('"', e->out);
}

/*
 * Copy KQL text for a comment into 'buf': white-space runs become one
 * space, and nothing that could end the comment or splice a line
 * survives.  Returns the length written.
 */
static size_t
comment_text(const char *s, size_t len, char *buf, size_t size)
{
    size_t o = 0;
    bool space = false;
    for (size_t i = 0; i < len && o + 4 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = o > 0;
            continue;
        }
        if (space)
            buf[o++] = ' ';
        space = false;
        if (c < 0x20 || c == 0x7f) {
            buf[o++] = '?';
        } else if (c == '*' && i + 1 < len && s[i + 1] == '/') {
            buf[o++] = '*';
            buf[o++] = ' ';
        } else if (c == '/' && i + 1 < len && s[i + 1] == '*') {
            buf[o++] = '/';
            buf[o++] = ' ';
        } else if (c == '?' && i + 1 < len && s[i + 1] == '?') {
            buf[o++] = '?';
            buf[o++] = ' ';
        } else {
            buf[o++] = (char)c;
        }
    }
    buf[o] = '\0';
    return o;
}

/* Print 'text' as a comment at 'indent', wrapped at word boundaries. */
static void
emit_comment(struct emitter *e, int indent, const char *text)
{
    size_t len = strlen(text);
    size_t width = (size_t)(LINE_MAX_COLS - indent - 6);
    if (len <= width) {
        fprintf(e->out, "%*s/* %s */\n", indent, "", text);
        return;
    }
    fprintf(e->out, "%*s/*\n", indent, "");
    while (len > 0) {
        size_t take = len <= width ? len : width;
        if (take < len) {
            size_t sp = take;
            while (sp > width / 2 && text[sp] != ' ')
                sp--;
            if (text[sp] == ' ')
                take = sp;
        }
        /* A line never ends in a backslash: it would splice the next. */
        fprintf(e->out, "%*s * %.*s%s\n", indent, "", (int)take, text,
                text[take - 1] == '\\' ? " " : "");
        text += take;
        len -= take;
        while (len > 0 && *text == ' ') {
            text++;
            len--;
        }
    }
    fprintf(e->out, "%*s */\n", indent, "");
}

/* The KQL a node implements, as a comment. */
static void
emit_kql_comment(struct emitter *e, int indent, const struct ir_node *n)
{
    const struct ir_rule *r = e->rule;
    size_t start = n->span.start, end = n->span.end;
    if (end > r->query_len)
        end = r->query_len;
    if (start >= end)
        return;
    char buf[4096];
    size_t len = comment_text(r->query + start, end - start, buf,
                              sizeof buf - 8);
    if (len >= sizeof buf - 16)
        strcpy(buf + len, " ...");
    emit_comment(e, indent, buf);
}

/* ------------------------------------------------------------ names */

/* An identifier from 'prefix' and 'text': letters and digits kept, the
 * rest '_', at most 48 characters. */
static char *
identifier(struct arena *a, const char *prefix, const char *text,
           bool upper)
{
    size_t n = strlen(text), p = strlen(prefix);
    if (n > 48)
        n = 48;
    char *id = arena_alloc(a, p + n + 1);
    memcpy(id, prefix, p);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        id[p + i] = is_plain(c) && c < 0x80
            ? (char)(upper ? toupper(c) : tolower(c)) : '_';
    }
    return id;
}

/* Give each field an enum constant, unique even when names collide. */
static void
name_fields(struct arena *a, struct emitter *e)
{
    size_t n = e->p->fields.n;
    e->field_names = arena_alloc(a, (n ? n : 1) * sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        const struct ir_field *f = e->p->fields.items[i];
        char *id = identifier(a, "F_", f->name, true);
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(e->field_names[j], id)) {
                id = arena_printf(a, "%s_%zu", id, i);
                break;
            }
        }
        e->field_names[i] = id;
    }
}

/* ------------------------------------------------------------ tables */

static void
emit_str_table(struct emitter *e, const char *name,
               const struct krt_str *s, size_t n)
{
    char buf[256];
    fprintf(e->out, "static const struct krt_str %s[] = {\n", name);
    for (size_t i = 0; i < n; i++) {
        comment_text(s[i].bytes, s[i].len, buf, sizeof buf - 8);
        if (s[i].len > 64)
            strcpy(buf + 60, " ...");
        emit_comment(e, 4, buf[0] ? buf : "(empty)");
        fprintf(e->out, "    { %u, ", s[i].len);
        emit_string(e, s[i].bytes, s[i].len, 10);
        fputs(" },\n", e->out);
    }
    fputs("};\n\n", e->out);
}

static void
emit_ip_table(struct emitter *e, const char *name,
              const struct krt_ip_range *r, size_t n)
{
    char a[64], b[64], note[160];
    fprintf(e->out, "static const struct krt_ip_range %s[] = {\n", name);
    for (size_t i = 0; i < n; i++) {
        ir_format_ip(&r[i].first, a, sizeof a);
        ir_format_ip(&r[i].last, b, sizeof b);
        if (strcmp(a, b) == 0)
            snprintf(note, sizeof note, "%s", a);
        else
            snprintf(note, sizeof note, "%s - %s", a, b);
        emit_comment(e, 4, note);
        fprintf(e->out, "    { { 0x%016llxULL, 0x%016llxULL },\n"
                "      { 0x%016llxULL, 0x%016llxULL } },\n",
                r[i].first.hi, r[i].first.lo, r[i].last.hi, r[i].last.lo);
    }
    fputs("};\n\n", e->out);
}

static void
emit_i64_bound(FILE *out, krt_i64 v)
{
    if (v == INT64_MIN)
        fputs("-0x7fffffffffffffffLL - 1", out);
    else
        fprintf(out, "%lldLL", v);
}

static void
emit_i64_table(struct emitter *e, const char *name,
               const struct krt_i64_range *r, size_t n)
{
    fprintf(e->out, "static const struct krt_i64_range %s[] = {\n", name);
    for (size_t i = 0; i < n; i++) {
        fputs("    { ", e->out);
        emit_i64_bound(e->out, r[i].first);
        fputs(", ", e->out);
        emit_i64_bound(e->out, r[i].last);
        fputs(" },\n", e->out);
    }
    fputs("};\n\n", e->out);
}

/* Ranges of dates, each shown in ISO 8601 ('*' for an open end). */
static void
emit_date_table(struct emitter *e, const char *name,
                const struct krt_i64_range *r, size_t n)
{
    char a[48] = "*", b[48] = "*", note[112];

    fprintf(e->out, "static const struct krt_i64_range %s[] = {\n", name);
    for (size_t i = 0; i < n; i++) {
        if (r[i].first != INT64_MIN)
            krt_format_date(r[i].first, a, sizeof a);
        if (r[i].last != INT64_MAX)
            krt_format_date(r[i].last, b, sizeof b);
        snprintf(note, sizeof note, "%s - %s", a, b);
        emit_comment(e, 4, note);
        fputs("    { ", e->out);
        emit_i64_bound(e->out, r[i].first);
        fputs(", ", e->out);
        emit_i64_bound(e->out, r[i].last);
        fputs(" },\n", e->out);
        strcpy(a, "*");
        strcpy(b, "*");
    }
    fputs("};\n\n", e->out);
}

/* ------------------------------------------------------------ code */

/*
 * What a node evaluates to, as a C expression, kept per node while the
 * rule is emitted: leaves name their table, composites their function.
 */
struct expr {
    const struct ir_node *n;
    char *text;
};

struct exprs {
    struct expr *items;
    size_t n, cap;
    struct arena *a;
};

static const char *
expr_of(const struct exprs *x, const struct ir_node *n)
{
    for (size_t i = 0; i < x->n; i++) {
        if (x->items[i].n == n)
            return x->items[i].text;
    }
    return NULL;
}

static void
expr_set(struct exprs *x, const struct ir_node *n, char *text)
{
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 16;
        struct expr *items = arena_alloc(x->a, cap * sizeof *items);
        if (x->n)
            memcpy(items, x->items, x->n * sizeof *items);
        x->items = items;
        x->cap = cap;
    }
    x->items[x->n].n = n;
    x->items[x->n].text = text;
    x->n++;
}

/* A test on a text field: its table of tokens (or pattern parts), then
 * the call. */
static char *
text_expr(struct emitter *e, struct arena *a, const struct ir_node *n,
          const char *f)
{
    const char *kind = n->op == IR_TEXT_ANY ? "tokens"
                     : n->op == IR_TEXT_PHRASE ? "phrase" : "pattern";
    const char *fn = n->op == IR_TEXT_ANY ? "krt_any_text_token"
                   : n->op == IR_TEXT_PHRASE ? "krt_any_text_phrase"
                   : "krt_any_text_wild";
    char *name = arena_printf(a, "%s_%s%u", e->fn, kind, e->next_id++);

    emit_str_table(e, name, n->u.strs.items, n->u.strs.n);
    return arena_printf(a, "%s(ev, %s, %s, %zu)", fn, f, name, n->u.strs.n);
}

/*
 * A test on a floating-point field: its table of keys, each range shown
 * as the values it spans, then the call (with the scaling factor, for a
 * scaled_float, written so that strtod reads back the same double).
 */
static char *
float_expr(struct emitter *e, struct arena *a, const struct ir_node *n,
           const char *f)
{
    const struct ir_field *fl = e->p->fields.items[n->field];
    char *name = arena_printf(a, "%s_keys%u", e->fn, e->next_id++);
    char lo[48], hi[48], note[112], scale[40];

    fprintf(e->out, "static const struct krt_i64_range %s[] = {\n", name);
    for (size_t i = 0; i < n->u.i64.n; i++) {
        const struct krt_i64_range *r = &n->u.i64.items[i];
        sema_num_key_text(fl->type, n->u.i64.scale, r->first, lo, sizeof lo);
        sema_num_key_text(fl->type, n->u.i64.scale, r->last, hi, sizeof hi);
        snprintf(note, sizeof note, "%s - %s", lo, hi);
        emit_comment(e, 4, note);
        fputs("    { ", e->out);
        emit_i64_bound(e->out, r->first);
        fputs(", ", e->out);
        emit_i64_bound(e->out, r->last);
        fputs(" },\n", e->out);
    }
    fputs("};\n\n", e->out);
    if (n->u.i64.scale == 0)
        return arena_printf(a, "krt_any_float_in(ev, %s, %s, %zu)", f, name,
                            n->u.i64.n);
    snprintf(scale, sizeof scale, "%.17g", n->u.i64.scale);
    if (!strpbrk(scale, ".e"))
        strcat(scale, ".0");
    return arena_printf(a, "krt_any_scaled_in(ev, %s, %s, %s, %zu)", f,
                        scale, name, n->u.i64.n);
}

/* One bound of a keyword range: its bytes, or none. */
static void
emit_str_bound(struct emitter *e, const struct krt_str *b)
{
    if (!b->bytes) {
        fputs("{ 0, 0 }", e->out);
        return;
    }
    fprintf(e->out, "{ %u, ", b->len);
    emit_string(e, b->bytes, b->len, 10);
    fputs(" }", e->out);
}

/* A range of a keyword field: the range as a constant, then the call. */
static char *
kw_range_expr(struct emitter *e, struct arena *a, const struct ir_node *n,
              const char *f)
{
    char *name = arena_printf(a, "%s_range%u", e->fn, e->next_id++);
    bool gt = n->u.kwr.flags & KRT_RANGE_LOWER_EXCL;
    bool lt = n->u.kwr.flags & KRT_RANGE_UPPER_EXCL;

    fprintf(e->out, "static const struct krt_str_range %s = {\n    ", name);
    emit_str_bound(e, &n->u.kwr.lower);
    fputs(",\n    ", e->out);
    emit_str_bound(e, &n->u.kwr.upper);
    fprintf(e->out, ",\n    %s%s%s\n};\n\n", gt ? "KRT_RANGE_LOWER_EXCL" : "",
            gt && lt ? " | " : "", lt ? "KRT_RANGE_UPPER_EXCL"
                                      : gt ? "" : "0");
    return arena_printf(a, "krt_any_kw_range(ev, %s, &%s)", f, name);
}

/* When 'n' is a gate of the rule being emitted, keep it and its table
 * 'table' for the program's table of gates. */
static void
note_gate(struct emitter *e, struct arena *a, const struct ir_node *n,
          const char *table)
{
    for (size_t i = 0; i < e->nrule_gates; i++) {
        if (e->rule_gates[i] != n)
            continue;
        if (e->ngates == e->capgates) {
            size_t cap = e->capgates ? 2 * e->capgates : 64;
            struct gate_out *g = arena_alloc(a, cap * sizeof *g);
            if (e->ngates)
                memcpy(g, e->gates, e->ngates * sizeof *g);
            e->gates = g;
            e->capgates = cap;
        }
        e->gates[e->ngates++] = (struct gate_out){ e->rule_index, e->rule,
                                                   n, table };
        /* Named once, even if the tree holds the node twice. */
        e->rule_gates[i] = e->rule_gates[--e->nrule_gates];
        return;
    }
}

static char *
leaf_expr(struct emitter *e, struct arena *a, const struct ir_node *n)
{
    const char *f = e->field_names[n->field];
    char *name;
    switch (n->op) {
    case IR_TRUE:
        return "true";
    case IR_FALSE:
        return "false";
    case IR_EXISTS:
        return arena_printf(a, "krt_exists(ev, %s)", f);
    case IR_BOOL_IS:
        return arena_printf(a, "krt_any_bool_is(ev, %s, %s)", f,
                            n->u.b ? "true" : "false");
    case IR_KW_IN:
    case IR_KW_WILD:
        name = arena_printf(a, "%s_%s%u", e->fn,
                            n->op == IR_KW_IN ? "set" : "pattern",
                            e->next_id++);
        emit_str_table(e, name, n->u.strs.items, n->u.strs.n);
        if (n->op == IR_KW_IN)
            note_gate(e, a, n, name);
        return arena_printf(a, "%s(ev, %s, %s, %zu)",
                            n->op == IR_KW_IN ? "krt_any_kw_in"
                                              : "krt_any_kw_wild",
                            f, name, n->u.strs.n);
    case IR_TEXT_ANY:
    case IR_TEXT_PHRASE:
    case IR_TEXT_WILD:
        return text_expr(e, a, n, f);
    case IR_LONG_IN:
        name = arena_printf(a, "%s_ints%u", e->fn, e->next_id++);
        emit_i64_table(e, name, n->u.i64.items, n->u.i64.n);
        note_gate(e, a, n, name);
        return arena_printf(a, "krt_any_long_in(ev, %s, %s, %zu)", f, name,
                            n->u.i64.n);
    case IR_IP_IN:
        name = arena_printf(a, "%s_ips%u", e->fn, e->next_id++);
        emit_ip_table(e, name, n->u.ip.items, n->u.ip.n);
        return arena_printf(a, "krt_any_ip_in(ev, %s, %s, %zu)", f, name,
                            n->u.ip.n);
    case IR_DATE_IN:
        name = arena_printf(a, "%s_dates%u", e->fn, e->next_id++);
        emit_date_table(e, name, n->u.i64.items, n->u.i64.n);
        return arena_printf(a, "krt_any_date_in(ev, %s, %s, %zu)", f, name,
                            n->u.i64.n);
    case IR_DATE_REL:
        return arena_printf(a, "krt_any_date_rel(ev, %s, %u)", f,
                            n->u.date.slot);
    case IR_FLOAT_IN:
        return float_expr(e, a, n, f);
    case IR_KW_RANGE:
        return kw_range_expr(e, a, n, f);
    default:
        return NULL;
    }
}

static void emit_node(struct emitter *e, struct exprs *x,
                      const struct ir_node *n, const char *fn_name);

static const char *const type_enum_name[KRT_NTYPES];

/* A scaling factor or 0, written so that strtod reads back the double. */
static void
double_text(double d, char *buf, size_t size)
{
    snprintf(buf, size, "%.17g", d);
    if (!strpbrk(buf, ".en"))
        strncat(buf, ".0", size - strlen(buf) - 1);
}

/*
 * The types of every known leaf path, which free text reads each leaf
 * of an event with: once in a file, before the first rule that needs it.
 */
static void
emit_leaves(struct emitter *e)
{
    const struct ir_program *p = e->p;
    char scale[40];

    if (e->leaves_done)
        return;
    e->leaves_done = true;
    fputs("/*\n * Every known leaf path and the types its values are read "
          "as (the field's\n * own and its multi-fields'), for free text; "
          "a path not here is a keyword.\n */\n"
          "static const struct krt_leaf_type leaves[] = {\n", e->out);
    for (size_t i = 0; i < p->nleaves; i++) {
        const struct krt_leaf_type *l = &p->leaves[i];
        fputs("    { ", e->out);
        emit_string(e, l->path, strlen(l->path), 6);
        double_text(l->scale, scale, sizeof scale);
        fprintf(e->out, ", %s, %u, %u, %s },\n", type_enum_name[l->type],
                l->ignore_above, (unsigned)l->flags, scale);
    }
    fputs("};\n\n", e->out);
}

/*
 * Free text: a function for the value's test as each type reads it, a
 * table of them, and the call that walks the event's leaves.
 */
static void
emit_free_fn(struct emitter *e, struct exprs *x, const struct ir_node *n)
{
    struct arena *a = x->a;
    char *name = arena_printf(a, "%s_free%u", e->fn, e->next_id++);
    char **fns = arena_alloc(a, n->u.free.n * sizeof *fns);
    char scale[40];

    if (!n->u.free.under)
        emit_leaves(e);
    for (size_t i = 0; i < n->u.free.n; i++) {
        const struct ir_node *k = n->u.free.items[i].test;
        fns[i] = arena_printf(a, "%s_%zu_%s", name, i + 1,
                              ecs_type_name(n->u.free.items[i].type));
        emit_node(e, x, k, NULL);
        fprintf(e->out, "static bool\n%s(struct krt_event *ev, const void "
                "*ctx)\n{\n    (void)ctx;\n", fns[i]);
        fprintf(e->out, "    %sreturn %s;\n}\n\n",
                k->op == IR_TRUE ? "(void)ev;\n    " : "", expr_of(x, k));
    }
    fprintf(e->out, "static const struct krt_free_test %s[] = {\n", name);
    for (size_t i = 0; i < n->u.free.n; i++) {
        const struct ir_free_test *t = &n->u.free.items[i];
        double_text(t->scale, scale, sizeof scale);
        fprintf(e->out, "    { %s, %u, %s, %s, %s, 0 },\n",
                type_enum_name[t->type], (unsigned)t->flags, scale,
                e->field_names[t->field], fns[i]);
    }
    fputs("};\n\n", e->out);
    if (n->u.free.under) {
        /* A flattened field itself: the leaves below its path. */
        char *under = arena_printf(a, "%s_under", name);
        fprintf(e->out, "static const char %s[] = ", under);
        emit_string(e, n->u.free.under, strlen(n->u.free.under), 4);
        fputs(";\n\n", e->out);
        expr_set(x, n, arena_printf(a, "krt_free_any(ev, %s, 0, 0, %s, "
                                    "%zu)", under, name, n->u.free.n));
        return;
    }
    expr_set(x, n, arena_printf(a, "krt_free_any(ev, 0, leaves, %zu, %s, "
                                "%zu)", e->p->nleaves, name, n->u.free.n));
}

/*
 * What evaluating 'n' roughly costs, in steps: a value's presence 1, a
 * keyword compared 2, a number parsed 3, a pattern matched 5, an address
 * or a date parsed 6, a text analysed 10.  A guess, used only to order
 * the terms of an 'and' or 'or'.
 */
static unsigned
test_cost(const struct ir_program *p, const struct ir_node *n)
{
    const struct ir_field *f;
    unsigned c = 1;

    switch (n->op) {
    case IR_TRUE:
    case IR_FALSE:
        return 0;
    case IR_EXISTS:
        f = p->fields.items[n->field];
        return f->type == KRT_IP || f->type == KRT_DATE ? 6
             : f->type == KRT_KEYWORD || f->type == KRT_CONSTANT_KEYWORD
               || f->type == KRT_WILDCARD ? 1 : 3;
    case IR_KW_IN:
    case IR_BOOL_IS:
        return 2;
    case IR_LONG_IN:
    case IR_KW_RANGE:
    case IR_FLOAT_IN:
        return 3;
    case IR_KW_WILD:
        return 5;
    case IR_IP_IN:
    case IR_DATE_IN:
    case IR_DATE_REL:
        return 6;
    case IR_TEXT_ANY:
    case IR_TEXT_PHRASE:
    case IR_TEXT_WILD:
        return 10;
    case IR_NOT:
        return test_cost(p, n->u.child);
    case IR_AND:
    case IR_OR:
        for (size_t i = 0; i < n->u.list.n && c < 100; i++)
            c += test_cost(p, n->u.list.items[i]);
        return c < 100 ? c : 100;
    case IR_NESTED:
        return 10 + test_cost(p, n->u.child);
    case IR_FREE:
        return 100;
    }
    return 100;
}

/*
 * The order in which an 'and' or 'or' of 'n' terms asks them: cheapest
 * first, and in an 'and', of two as cheap, a test before a 'not' (which
 * holds more often, so stops the 'and' less often); otherwise as
 * written.  Tests have no effects, so any order gives the same answer;
 * the interpreter keeps the written order, and the engines are compared.
 */
static size_t *
term_order(struct emitter *e, struct arena *a, const struct ir_node *n)
{
    size_t k = n->u.list.n;
    size_t *order = arena_alloc(a, (k + 1) * sizeof *order);
    unsigned *key = arena_alloc(a, (k + 1) * sizeof *key);

    for (size_t i = 0; i < k; i++) {
        const struct ir_node *t = n->u.list.items[i];
        key[i] = 2 * test_cost(e->p, t)
                 + (n->op == IR_AND && t->op == IR_NOT);
        order[i] = i;
    }
    for (size_t i = 1; i < k; i++) {    /* insertion sort: stable */
        size_t o = order[i], j = i;
        for (; j > 0 && key[order[j - 1]] > key[o]; j--)
            order[j] = order[j - 1];
        order[j] = o;
    }
    return order;
}

/* A function for an 'and' or 'or': one test a step, early return,
 * cheapest first (term_order). */
static void
emit_list_fn(struct emitter *e, struct exprs *x, const struct ir_node *n,
             const char *name)
{
    bool is_and = n->op == IR_AND;
    size_t *order = term_order(e, x->a, n);
    for (size_t i = 0; i < n->u.list.n; i++)
        emit_node(e, x, n->u.list.items[i], NULL);
    fprintf(e->out, "static bool\n%s(struct krt_event *ev)\n{\n", name);
    for (size_t i = 0; i < n->u.list.n; i++) {
        const struct ir_node *k = n->u.list.items[order[i]];
        /* 'and' returns when a test fails, 'or' when one holds; a 'not'
         * turns that around rather than stacking two '!'. */
        bool negate = is_and;
        if (k->op == IR_NOT) {
            negate = !negate;
            emit_kql_comment(e, 4, k);
            k = k->u.child;
        } else {
            emit_kql_comment(e, 4, k);
        }
        fprintf(e->out, "    if (%s%s)\n        return %s;\n",
                negate ? "!" : "", expr_of(x, k), is_and ? "false" : "true");
    }
    fprintf(e->out, "    return %s;\n}\n\n", is_and ? "true" : "false");
}

/*
 * A nested query: a function for its inner query, which the runtime
 * calls once per element of the nested field, each test in it seeing
 * that element's values only.
 */
static void
emit_nested_fn(struct emitter *e, struct exprs *x, const struct ir_node *n)
{
    struct arena *a = x->a;
    const struct ir_node *k = n->u.child;
    char *name = arena_printf(a, "%s_elem%u", e->fn, e->next_id++);

    emit_node(e, x, k, NULL);
    fprintf(e->out, "static bool\n%s(struct krt_event *ev, const void *ctx)"
            "\n{\n    (void)ctx;\n", name);
    emit_kql_comment(e, 4, k);
    fprintf(e->out, "    %sreturn %s;\n}\n\n",
            k->op == IR_TRUE || k->op == IR_FALSE ? "(void)ev;\n    " : "",
            expr_of(x, k));
    expr_set(x, n, arena_printf(a, "krt_nested_any(ev, %s, %s, NULL)",
                                e->field_names[n->field], name));
}

/*
 * Emit what node 'n' needs before it can be used (tables, helper
 * functions) and record its expression.  'fn_name', when given, is the
 * name the node's own function must have (the rule's entry point).
 */
static void
emit_node(struct emitter *e, struct exprs *x, const struct ir_node *n,
          const char *fn_name)
{
    struct arena *a = x->a;
    if (n->op == IR_AND || n->op == IR_OR) {
        char *name = fn_name ? (char *)fn_name
                   : arena_printf(a, "%s_%u", e->fn, e->next_id++);
        emit_list_fn(e, x, n, name);
        expr_set(x, n, arena_printf(a, "%s(ev)", name));
    } else if (n->op == IR_NOT) {
        emit_node(e, x, n->u.child, NULL);
        expr_set(x, n, arena_printf(a, "!%s", expr_of(x, n->u.child)));
    } else if (n->op == IR_NESTED) {
        emit_nested_fn(e, x, n);
    } else if (n->op == IR_FREE) {
        emit_free_fn(e, x, n);
    } else {
        expr_set(x, n, leaf_expr(e, a, n));
    }
    if (fn_name && n->op != IR_AND && n->op != IR_OR) {
        fprintf(e->out, "static bool\n%s(struct krt_event *ev)\n{\n",
                fn_name);
        emit_kql_comment(e, 4, n);
        fprintf(e->out, "    %sreturn %s;\n}\n\n",
                n->op == IR_TRUE || n->op == IR_FALSE ? "(void)ev;\n    "
                                                      : "",
                expr_of(x, n));
    }
}

/* ------------------------------------------------------------ program */

static const char *const type_enum_name[KRT_NTYPES] = {
    [KRT_KEYWORD] = "KRT_KEYWORD",
    [KRT_CONSTANT_KEYWORD] = "KRT_CONSTANT_KEYWORD",
    [KRT_WILDCARD] = "KRT_WILDCARD",
    [KRT_LONG] = "KRT_LONG",
    [KRT_INTEGER] = "KRT_INTEGER",
    [KRT_SHORT] = "KRT_SHORT",
    [KRT_BYTE] = "KRT_BYTE",
    [KRT_DOUBLE] = "KRT_DOUBLE",
    [KRT_FLOAT] = "KRT_FLOAT",
    [KRT_HALF_FLOAT] = "KRT_HALF_FLOAT",
    [KRT_SCALED_FLOAT] = "KRT_SCALED_FLOAT",
    [KRT_UNSIGNED_LONG] = "KRT_UNSIGNED_LONG",
    [KRT_IP] = "KRT_IP",
    [KRT_BOOLEAN] = "KRT_BOOLEAN",
    [KRT_DATE] = "KRT_DATE",
    [KRT_TEXT] = "KRT_TEXT",
    [KRT_MATCH_ONLY_TEXT] = "KRT_MATCH_ONLY_TEXT",
    [KRT_OBJECT] = "KRT_OBJECT",
    [KRT_NESTED] = "KRT_NESTED",
    [KRT_FLATTENED] = "KRT_FLATTENED",
    [KRT_GEO_POINT] = "KRT_GEO_POINT",
    [KRT_OTHER] = "KRT_OTHER",
};

/* The KRT_FIELD_ flags of a field as C: their names, or 0. */
static const char *
field_flags(krt_u32 flags)
{
    switch (flags) {
    case 0:
        return "0";
    case KRT_FIELD_LOWERCASE:
        return "KRT_FIELD_LOWERCASE";
    case KRT_FIELD_PS_SCRIPT:
        return "KRT_FIELD_PS_SCRIPT";
    }
    assert(!"field_flags: a flag combination no table gives");
    return "0";
}

static void
emit_fields(struct emitter *e)
{
    const struct ir_program *p = e->p;
    if (p->fields.n == 0)
        return;
    fputs("/* The fields the rules read: the runtime extracts these. */\n"
          "enum {\n", e->out);
    for (size_t i = 0; i < p->fields.n; i++)
        fprintf(e->out, "    %s,\n", e->field_names[i]);
    fputs("};\n\nstatic const struct krt_field fields[] = {\n", e->out);
    for (size_t i = 0; i < p->fields.n; i++) {
        const struct ir_field *f = p->fields.items[i];
        char note[300], path[120];
        comment_text(f->name, strlen(f->name), note, 160);
        size_t o = strlen(note);
        snprintf(note + o, sizeof note - o, " (%s%s%s",
                 ecs_type_name(f->type), f->known ? "" : ", unknown field",
                 f->flags & KRT_FIELD_LOWERCASE ? ", lowercase normalizer"
                 : f->flags & KRT_FIELD_PS_SCRIPT
                 ? ", powershell_script_analyzer" : "");
        if (!f->path[0]) {
            o = strlen(note);
            snprintf(note + o, sizeof note - o, ", for each leaf of "
                     "that type");
        } else if (f->path != f->name) {
            /* A multi-field: the runtime reads its parent's values. */
            comment_text(f->path, strlen(f->path), path, sizeof path - 8);
            o = strlen(note);
            snprintf(note + o, sizeof note - o, ", values of %s", path);
        }
        o = strlen(note);
        snprintf(note + o, sizeof note - o, ")");
        emit_comment(e, 4, note);
        fprintf(e->out, "    [%s] = { ", e->field_names[i]);
        emit_string(e, f->path, strlen(f->path), 8);
        fprintf(e->out, ", %s, %u, %s },\n", type_enum_name[f->type],
                f->ignore_above, field_flags(f->flags));
    }
    fputs("};\n\n", e->out);
}

/* One bound of a range that reads the clock: its date math, or none. */
static void
emit_rel_bound(struct emitter *e, const struct krt_str *math)
{
    if (!math->bytes) {
        fputs("{ 0, 0 }", e->out);
        return;
    }
    fprintf(e->out, "{ %u, ", math->len);
    emit_string(e, math->bytes, math->len, 10);
    fputs(" }", e->out);
}

/*
 * The date ranges whose bounds read the clock, by slot: the runtime
 * works them out once, when a run starts (krt_program.dates).
 */
static void
emit_dates(struct emitter *e)
{
    const struct ptrvec *dates = &e->p->dates;
    char lo[200], hi[200], note[440];

    if (dates->n == 0)
        return;
    fputs("/*\n * Date ranges that read the clock ('now'): a run works them "
          "out when it\n * starts, from its --now.\n */\n"
          "static const struct krt_date_rel dates[] = {\n", e->out);
    for (size_t i = 0; i < dates->n; i++) {
        const struct krt_date_rel *r = dates->items[i];
        bool gt = r->flags & KRT_DATE_LOWER_EXCL;
        bool lt = r->flags & KRT_DATE_UPPER_EXCL;
        comment_text(r->lower.bytes ? r->lower.bytes : "", r->lower.len, lo,
                     sizeof lo - 8);
        comment_text(r->upper.bytes ? r->upper.bytes : "", r->upper.len, hi,
                     sizeof hi - 8);
        snprintf(note, sizeof note, "%zu:%s%s%s%s%s", i,
                 r->lower.bytes ? (gt ? " > " : " >= ") : "", lo,
                 r->lower.bytes && r->upper.bytes ? "," : "",
                 r->upper.bytes ? (lt ? " < " : " <= ") : "", hi);
        emit_comment(e, 4, note);
        fputs("    { ", e->out);
        emit_rel_bound(e, &r->lower);
        fputs(", ", e->out);
        emit_rel_bound(e, &r->upper);
        fprintf(e->out, ", %s%s%s },\n", gt ? "KRT_DATE_LOWER_EXCL" : "",
                gt && lt ? " | " : "", lt ? "KRT_DATE_UPPER_EXCL"
                                          : gt ? "" : "0");
    }
    fputs("};\n\n", e->out);
}

/* 'rule_' and the first characters of the rule_id: short, and stable. */
static char *
rule_base_name(struct arena *a, const struct ir_rule *r)
{
    char head[9];
    size_t n = 0;
    for (const char *c = r->rule_id; *c && n < 8; c++) {
        if (is_plain((unsigned char)*c))
            head[n++] = *c;
    }
    head[n] = '\0';
    return identifier(a, "rule_", head, false);
}

/* The function of rule 'index': its base name, numbered when two rules
 * would share it. */
static char *
rule_fn_name(struct arena *a, const struct ir_program *p, size_t index)
{
    char *name = rule_base_name(a, p->rules.items[index]);
    for (size_t j = 0; j < p->rules.n; j++) {
        if (j != index
            && !strcmp(rule_base_name(a, p->rules.items[j]), name))
            return arena_printf(a, "%s_%zu", name, index + 1);
    }
    return name;
}

static void
emit_rule(struct emitter *e, struct arena *a, size_t index)
{
    const struct ir_rule *r = e->p->rules.items[index];
    char name[512], id[512];
    comment_text(r->name, strlen(r->name), name, sizeof name - 8);
    comment_text(r->rule_id, strlen(r->rule_id), id, sizeof id - 8);
    fprintf(e->out, "/*\n * Rule: %s\n * rule_id: %s\n */\n\n", name, id);

    e->rule = r;
    e->next_id = 1;
    e->fn = rule_fn_name(a, e->p, index);
    e->rule_index = index;
    e->nrule_gates = ir_rule_gates(a, e->p, r, &e->rule_gates);
    for (size_t i = e->nrule_gates; i-- > 0;) {
        if (ir_gate_kind(e->rule_gates[i]) == KRT_GATE_HAS)
            note_gate(e, a, e->rule_gates[i], NULL);
    }
    struct exprs x = { .a = a };
    emit_node(e, &x, r->root, e->fn);
    assert(e->nrule_gates == 0); /* every gate is a test of the tree */

    if (r->ntactics) {
        fprintf(e->out, "static const struct krt_tactic %s_tactics[] = {\n",
                e->fn);
        for (size_t i = 0; i < r->ntactics; i++) {
            fputs("    { ", e->out);
            emit_string(e, r->tactics[i].id, strlen(r->tactics[i].id), 6);
            fputs(", ", e->out);
            emit_string(e, r->tactics[i].name, strlen(r->tactics[i].name),
                        6);
            fputs(" },\n", e->out);
        }
        fputs("};\n\n", e->out);
    }
}

static void
emit_rule_table(struct emitter *e, struct arena *a)
{
    fputs("static const struct krt_rule rules[] = {\n", e->out);
    for (size_t i = 0; i < e->p->rules.n; i++) {
        const struct ir_rule *r = e->p->rules.items[i];
        const char *fn = rule_fn_name(a, e->p, i);
        fputs("    {\n        .name = ", e->out);
        emit_string(e, r->name, strlen(r->name), 8);
        fputs(",\n        .rule_id = ", e->out);
        emit_string(e, r->rule_id, strlen(r->rule_id), 8);
        fputs(",\n        .severity = ", e->out);
        emit_string(e, r->severity, strlen(r->severity), 8);
        fprintf(e->out, ",\n        .risk_score = %d,\n", r->risk_score);
        if (r->ntactics)
            fprintf(e->out, "        .tactics = %s_tactics,\n"
                    "        .ntactics = %zu,\n", fn, r->ntactics);
        fprintf(e->out, "        .match = %s,\n", fn);
        if (r->type && strcmp(r->type, "query") != 0) {
            fputs("        .type = ", e->out);
            emit_string(e, r->type, strlen(r->type), 8);
            fputs(",\n", e->out);
        }
        fputs("    },\n", e->out);
    }
    fputs("};\n\n", e->out);
}

/*
 * The rules' gates (ir_gate.h): for each rule that has them, keyword
 * tests of its own, one of which holds whenever the rule does.  The
 * runtime evaluates such a rule only on the events that pass one.
 */
static void
emit_gates(struct emitter *e)
{
    if (e->ngates == 0)
        return;
    fputs("/*\n * Gates: a rule listed here can match only an event that "
          "passes one of its\n * gates, tests of its own.  Under each "
          "gate's KQL: the rule, the kind, the\n * field and the table of "
          "the test; KRT_GATE_KW and KRT_GATE_INT are the test\n * itself, "
          "KRT_GATE_HAS that the field has a value.  The runtime evaluates "
          "the\n * rule on those events only; a rule not listed runs on "
          "every event.\n */\n"
          "static const struct krt_gate gates[] = {\n", e->out);
    for (size_t i = 0; i < e->ngates; i++) {
        const struct gate_out *g = &e->gates[i];
        const struct ir_node *n = g->n;
        krt_u32 kind = ir_gate_kind(n);
        const char *f = e->field_names[n->field];
        e->rule = g->r;
        emit_kql_comment(e, 4, n);
        if (kind == KRT_GATE_KW)
            fprintf(e->out, "    { %zu, KRT_GATE_KW, %s, %s, 0, %zu },\n",
                    g->rule, f, g->table, n->u.strs.n);
        else if (kind == KRT_GATE_INT)
            fprintf(e->out, "    { %zu, KRT_GATE_INT, %s, 0, %s, %zu },\n",
                    g->rule, f, g->table, n->u.i64.n);
        else
            fprintf(e->out, "    { %zu, KRT_GATE_HAS, %s, 0, 0, 0 },\n",
                    g->rule, f);
    }
    fputs("};\n\n", e->out);
}

bool
emit_c(FILE *out, const struct ir_program *p)
{
    struct arena a;
    arena_init(&a);
    struct emitter e = { .out = out, .p = p };
    char origin[256];
    comment_text(p->origin, strlen(p->origin), origin, sizeof origin - 8);

    fprintf(out, "/* Generated by kqlc %s. Do not edit. */\n"
            "/* Source: %s */\n\n"
            "#ifndef KRT_H\n#include \"krt.h\"\n#endif\n\n",
            KQLC_VERSION, origin);
    name_fields(&a, &e);
    emit_fields(&e);
    for (size_t i = 0; i < p->rules.n; i++)
        emit_rule(&e, &a, i);
    emit_rule_table(&e, &a);
    emit_dates(&e);
    emit_gates(&e);
    fputs("const struct krt_program krt_program = {\n"
          "    .abi = KRT_ABI_VERSION,\n    .generator = ", out);
    emit_string(&e, "kqlc " KQLC_VERSION, strlen("kqlc " KQLC_VERSION), 4);
    fprintf(out, ",\n    .fields = %s,\n    .nfields = %zu,\n"
            "    .rules = rules,\n    .nrules = %zu,\n",
            p->fields.n ? "fields" : "0", p->fields.n, p->rules.n);
    if (p->dates.n)
        fprintf(out, "    .dates = dates,\n    .ndates = %zu,\n", p->dates.n);
    if (e.ngates)
        fprintf(out, "    .gates = gates,\n    .ngates = %zu,\n", e.ngates);
    fputs("};\n", out);
    arena_free(&a);
    return !ferror(out);
}
