/*
 * ir_gate.c - the gates of a rule: tests it cannot match without.
 *
 * A gate must never turn away an event the rule matches.  Only what the
 * rule's tree proves is taken: the tree holds only if every term of an
 * 'and' holds, so any term's gate is the term's; an 'or' holds only if a
 * branch holds, so it has gates when each branch has, and they are the
 * branches' together.  A keyword set test or an integer range test is
 * its own gate: the runtime reads a gate's field with the very functions
 * the test reads it with (lowercase normalizer and ignore_above
 * included), so such a gate holds exactly when the test would.  Any
 * other test of a field's values holds only when the field has a value,
 * which is its gate.  Nothing is taken from under a 'not', a nested
 * query (its tests see one element at a time) or free text.
 */
#include "ir_gate.h"

#include <string.h>

/* Gates of one subtree: when it holds, one of them does. */
struct gates {
    const struct ir_node **items;
    size_t n;
};

/*
 * How broad a test on field 'name' usually is: 0 for fields whose values
 * name one kind of event (event.action, event.code), 3 for the ECS
 * categorization fields, whose few values each cover a large share of
 * any data (event.category:network), 2 for event.module (a few dozen
 * sources), 1 for the rest.  Only which gate a rule gets depends on it,
 * never an answer.
 */
static unsigned
breadth(const char *name)
{
    static const char *const narrow[] = {
        "event.action", "event.code", "event.provider",
    };
    static const char *const broad[] = {
        "event.category", "event.type", "event.kind", "event.outcome",
        "network.direction", "network.transport", "network.type",
        "host.os.type", "host.os.family", "host.os.platform",
    };

    for (size_t i = 0; i < sizeof narrow / sizeof *narrow; i++) {
        if (strcmp(name, narrow[i]) == 0)
            return 0;
    }
    for (size_t i = 0; i < sizeof broad / sizeof *broad; i++) {
        if (strcmp(name, broad[i]) == 0)
            return 3;
    }
    if (strcmp(name, "event.module") == 0)
        return 2;
    return 1;
}

/* The integers the ranges of integer test 'n' span, at most 2^20. */
static krt_u64
points(const struct ir_node *n)
{
    krt_u64 total = 0;

    for (size_t i = 0; i < n->u.i64.n && total < (1u << 20); i++) {
        const struct krt_i64_range *r = &n->u.i64.items[i];
        krt_u64 span = (krt_u64)r->last - (krt_u64)r->first;

        total += span < (1u << 20) ? span + 1 : (1u << 20);
    }
    return total < (1u << 20) ? total : (1u << 20);
}

/*
 * How broad gate 'n' is (lower lets fewer events through, as a guess):
 * a keyword set by its field's breadth, a few integers as a keyword set,
 * many as a categorization field, a field's mere presence last.  '*size'
 * is the number of values, to choose between gates of one breadth.
 */
static unsigned
gate_breadth(const struct ir_program *p, const struct ir_node *n,
             krt_u64 *size)
{
    const struct ir_field *f = p->fields.items[n->field];

    switch (ir_gate_kind(n)) {
    case KRT_GATE_KW:
        *size = n->u.strs.n;
        return breadth(f->name);
    case KRT_GATE_INT:
        *size = points(n);
        return *size <= 64 ? 1 : 3;
    default:
        *size = 1;
        return 4;
    }
}

/* The breadth of the broadest of gates 'g', and in '*size' the number
 * of values they have together. */
static unsigned
gates_breadth(const struct ir_program *p, const struct gates *g,
              krt_u64 *size)
{
    unsigned b = 0;
    krt_u64 one;

    *size = 0;
    for (size_t i = 0; i < g->n; i++) {
        unsigned bi = gate_breadth(p, g->items[i], &one);
        b = bi > b ? bi : b;
        *size += one;
    }
    return b;
}

/* Whether 'g' is likely to let fewer events through than 'h': the
 * broadest gate of each first, then the number of values. */
static bool
narrower(const struct ir_program *p, const struct gates *g,
         const struct gates *h)
{
    krt_u64 vg, vh;
    unsigned bg = gates_breadth(p, g, &vg), bh = gates_breadth(p, h, &vh);

    return bg != bh ? bg < bh : vg < vh;
}

static bool find_gates(struct arena *a, const struct ir_program *p,
                       const struct ir_node *n, struct gates *out);

/* An 'and': the narrowest gates any of its terms has. */
static bool
and_gates(struct arena *a, const struct ir_program *p,
          const struct ir_node *n, struct gates *out)
{
    bool found = false;

    for (size_t i = 0; i < n->u.list.n; i++) {
        struct gates g;

        if (!find_gates(a, p, n->u.list.items[i], &g))
            continue;
        if (!found || narrower(p, &g, out))
            *out = g;
        found = true;
    }
    return found;
}

/* An 'or': the gates of every branch, or none when a branch has none. */
static bool
or_gates(struct arena *a, const struct ir_program *p,
         const struct ir_node *n, struct gates *out)
{
    struct gates *each = arena_alloc(a, (n->u.list.n + 1) * sizeof *each);
    size_t total = 0;

    for (size_t i = 0; i < n->u.list.n; i++) {
        if (!find_gates(a, p, n->u.list.items[i], &each[i]))
            return false;
        total += each[i].n;
    }
    out->items = arena_alloc(a, (total + 1) * sizeof *out->items);
    out->n = 0;
    for (size_t i = 0; i < n->u.list.n; i++) {
        memcpy(out->items + out->n, each[i].items,
               each[i].n * sizeof *out->items);
        out->n += each[i].n;
    }
    return out->n > 0;
}

/* Gates of subtree 'n' into '*out'; false when it has none. */
static bool
find_gates(struct arena *a, const struct ir_program *p,
           const struct ir_node *n, struct gates *out)
{
    const struct ir_field *f;

    switch (n->op) {
    case IR_AND:
        return and_gates(a, p, n, out);
    case IR_OR:
        return or_gates(a, p, n, out);
    case IR_KW_IN:
        if (n->u.strs.n == 0)
            return false;
        break;
    case IR_LONG_IN:
        if (n->u.i64.n == 0)
            return false;
        break;
    case IR_EXISTS:
    case IR_KW_WILD:
    case IR_IP_IN:
    case IR_BOOL_IS:
    case IR_DATE_IN:
    case IR_DATE_REL:
    case IR_TEXT_ANY:
    case IR_TEXT_PHRASE:
    case IR_TEXT_WILD:
    case IR_FLOAT_IN:
    case IR_KW_RANGE:
        break;
    default:
        /* not, nested queries, free text, constants */
        return false;
    }
    /* A field of no path stands for free text's leaves: never here, but
     * such a field has no values of its own to look at. */
    f = p->fields.items[n->field];
    if (!f->path[0])
        return false;
    out->items = arena_alloc(a, sizeof *out->items);
    out->items[0] = n;
    out->n = 1;
    return true;
}

krt_u32
ir_gate_kind(const struct ir_node *n)
{
    return n->op == IR_KW_IN ? KRT_GATE_KW
         : n->op == IR_LONG_IN ? KRT_GATE_INT : KRT_GATE_HAS;
}

size_t
ir_rule_gates(struct arena *a, const struct ir_program *p,
              const struct ir_rule *r, const struct ir_node ***gates)
{
    struct gates g;

    if (!find_gates(a, p, r->root, &g))
        return 0;
    *gates = g.items;
    return g.n;
}
