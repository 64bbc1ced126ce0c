/*
 * interp.c - evaluating the IR, one node at a time.
 */
#include "interp.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "ir_gate.h"
#include "krt_event.h"

/* The inner query of nested query 'ctx', on the element in force. */
static bool
nested_inner(struct krt_event *ev, const void *ctx)
{
    const struct ir_node *n = ctx;
    return interp_eval(n->u.child, ev);
}

/* A test of free text, on the one value the runtime gives it. */
static bool
free_test(struct krt_event *ev, const void *ctx)
{
    const struct ir_node *n = ctx;
    return interp_eval(n, ev);
}

/* Free text: the runtime walks the leaves and calls free_test. */
static bool
free_text(const struct ir_node *n, struct krt_event *ev)
{
    enum { ON_STACK = 32 };
    struct krt_free_test stack[ON_STACK] = { { 0 } }, *tests = stack;
    size_t k = n->u.free.n;
    bool hit;

    if (k > ON_STACK) {
        tests = malloc(k * sizeof *tests);
        if (!tests) {
            ev->nomem = true;
            return false;
        }
    }
    for (size_t i = 0; i < k; i++) {
        const struct ir_free_test *t = &n->u.free.items[i];
        tests[i] = (struct krt_free_test){ t->type, t->flags, t->scale,
                                           t->field, free_test, t->test };
    }
    hit = krt_free_any(ev, n->u.free.under, n->u.free.leaves,
                       (krt_u32)n->u.free.nleaves, tests, (krt_u32)k);
    if (tests != stack)
        free(tests);
    return hit;
}

bool
interp_eval(const struct ir_node *n, struct krt_event *ev)
{
    switch (n->op) {
    case IR_TRUE:
        return true;
    case IR_FALSE:
        return false;
    case IR_AND:
        for (size_t i = 0; i < n->u.list.n; i++) {
            if (!interp_eval(n->u.list.items[i], ev))
                return false;
        }
        return true;
    case IR_OR:
        for (size_t i = 0; i < n->u.list.n; i++) {
            if (interp_eval(n->u.list.items[i], ev))
                return true;
        }
        return false;
    case IR_NOT:
        return !interp_eval(n->u.child, ev);
    case IR_EXISTS:
        return krt_exists(ev, n->field);
    case IR_KW_IN:
        return krt_any_kw_in(ev, n->field, n->u.strs.items,
                             (krt_u32)n->u.strs.n);
    case IR_KW_WILD:
        return krt_any_kw_wild(ev, n->field, n->u.strs.items,
                               (krt_u32)n->u.strs.n);
    case IR_LONG_IN:
        return krt_any_long_in(ev, n->field, n->u.i64.items,
                               (krt_u32)n->u.i64.n);
    case IR_IP_IN:
        return krt_any_ip_in(ev, n->field, n->u.ip.items,
                             (krt_u32)n->u.ip.n);
    case IR_BOOL_IS:
        return krt_any_bool_is(ev, n->field, n->u.b);
    case IR_TEXT_ANY:
        return krt_any_text_token(ev, n->field, n->u.strs.items,
                                  (krt_u32)n->u.strs.n);
    case IR_TEXT_PHRASE:
        return krt_any_text_phrase(ev, n->field, n->u.strs.items,
                                   (krt_u32)n->u.strs.n);
    case IR_TEXT_WILD:
        return krt_any_text_wild(ev, n->field, n->u.strs.items,
                                 (krt_u32)n->u.strs.n);
    case IR_DATE_IN:
        return krt_any_date_in(ev, n->field, n->u.i64.items,
                               (krt_u32)n->u.i64.n);
    case IR_DATE_REL:
        return krt_any_date_rel(ev, n->field, n->u.date.slot);
    case IR_FLOAT_IN:
        if (n->u.i64.scale != 0)
            return krt_any_scaled_in(ev, n->field, n->u.i64.scale,
                                     n->u.i64.items, (krt_u32)n->u.i64.n);
        return krt_any_float_in(ev, n->field, n->u.i64.items,
                                (krt_u32)n->u.i64.n);
    case IR_KW_RANGE:
        return krt_any_kw_range(ev, n->field, &n->u.kwr);
    case IR_NESTED:
        return krt_nested_any(ev, n->field, nested_inner, n);
    case IR_FREE:
        return free_text(n, ev);
    }
    assert(!"interp_eval: unknown op");
    return false;
}

static struct krt_tactic *
tactics(struct arena *a, const struct ir_rule *r)
{
    struct krt_tactic *t = arena_alloc(a, (r->ntactics + 1) * sizeof *t);
    for (size_t i = 0; i < r->ntactics; i++) {
        t[i].id = r->tactics[i].id;
        t[i].name = r->tactics[i].name;
    }
    return t;
}

/* The gates of every rule (ir_gate.h), in rule order, as the emitted
 * program lists them; '*n' their number. */
static const struct krt_gate *
gates(struct arena *a, const struct ir_program *p, krt_u32 *n)
{
    struct ptrvec all = { 0 };
    struct krt_gate *g;

    for (size_t i = 0; i < p->rules.n; i++) {
        const struct ir_node **rg;
        size_t k = ir_rule_gates(a, p, p->rules.items[i], &rg);

        for (size_t j = 0; j < k; j++) {
            const struct ir_node *t = rg[j];
            g = arena_alloc(a, sizeof *g);
            *g = (struct krt_gate){ .rule = (krt_u32)i,
                                    .kind = ir_gate_kind(t),
                                    .field = t->field };
            if (g->kind == KRT_GATE_KW) {
                g->set = t->u.strs.items;
                g->n = (krt_u32)t->u.strs.n;
            } else if (g->kind == KRT_GATE_INT) {
                g->ranges = t->u.i64.items;
                g->n = (krt_u32)t->u.i64.n;
            }
            ptrvec_push(a, &all, g);
        }
    }
    g = arena_alloc(a, (all.n + 1) * sizeof *g);
    for (size_t i = 0; i < all.n; i++)
        g[i] = *(const struct krt_gate *)all.items[i];
    *n = (krt_u32)all.n;
    return g;
}

const struct krt_program *
interp_program(struct arena *a, const struct ir_program *p)
{
    struct krt_program *prog = arena_alloc(a, sizeof *prog);
    struct krt_field *fields = arena_alloc(a, (p->fields.n + 1)
                                           * sizeof *fields);
    struct krt_rule *rules = arena_alloc(a, (p->rules.n + 1)
                                         * sizeof *rules);
    struct krt_date_rel *dates = arena_alloc(a, (p->dates.n + 1)
                                             * sizeof *dates);
    for (size_t i = 0; i < p->fields.n; i++) {
        const struct ir_field *f = p->fields.items[i];
        fields[i].path = f->path;
        fields[i].type = f->type;
        fields[i].ignore_above = f->ignore_above;
        fields[i].flags = f->flags;
    }
    for (size_t i = 0; i < p->rules.n; i++) {
        const struct ir_rule *r = p->rules.items[i];
        rules[i].name = r->name;
        rules[i].rule_id = r->rule_id;
        rules[i].severity = r->severity;
        rules[i].risk_score = r->risk_score;
        if (r->type && strcmp(r->type, "query") != 0)
            rules[i].type = r->type;
        rules[i].tactics = tactics(a, r);
        rules[i].ntactics = (krt_u32)r->ntactics;
    }
    prog->abi = KRT_ABI_VERSION;
    prog->generator = "kqlc " KQLC_VERSION " (interpreter)";
    prog->fields = fields;
    prog->nfields = (krt_u32)p->fields.n;
    prog->rules = rules;
    prog->nrules = (krt_u32)p->rules.n;
    for (size_t i = 0; i < p->dates.n; i++)
        dates[i] = *(const struct krt_date_rel *)p->dates.items[i];
    prog->dates = dates;
    prog->ndates = (krt_u32)p->dates.n;
    prog->gates = gates(a, p, &prog->ngates);
    return prog;
}
