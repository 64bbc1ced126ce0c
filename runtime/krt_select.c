/*
 * krt_select.c - rule selection by gate: for each event, the rules that
 * can match it.
 *
 * The program's gates (krt.h) are turned, once per event (scanner),
 * into tables: a hash table of keyword gates keyed by (field, text),
 * each key holding the rules whose gates hold on a value with that
 * text; per field some gate reads, its integer gates' ranges sorted by
 * first value and its presence gates' rules; and per slot of the event
 * (a path), the gate fields at that path.  An event then costs one look
 * per path it has values at (the scanner lists them, krt_event.h), and
 * for a gate field among them: one hash lookup per value for keyword
 * gates, one integer reading per value for integer gates.  The rules of
 * the gates that hold join a copy of the bit set of ungated rules, and a
 * walk over the set bits gives the rules in ascending order.  Values are
 * read with the functions krt_any_kw_in and krt_any_long_in read them
 * with, so a gate holds on an event exactly when its test does.
 */
#include "krt_select.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "krt_event.h"
#include "krt_run.h"

/* A (field, text) keyword gates look for, and 'count' rules from
 * 'first' in the table's list of rules. */
struct kw_key {
    const char *bytes;
    krt_u32 len;
    krt_u32 field;
    krt_u32 first;
    krt_u32 count;
};

/* A slot of the hash table: 1 + the key's number (0: empty), and the
 * high half of its hash.  Eight bytes, so that the table of a few
 * thousand keys stays in the first-level cache. */
struct kw_slot {
    krt_u32 key;
    krt_u32 tag;
};

/*
 * A field some gates read, and where its gates are: for keyword gates
 * ('kw'), the shortest and longest text they hold (a value of another
 * length is looked up nowhere); its integer gates' 'nints' ranges from
 * 'ints' in 'ranges'; its presence gates' 'nhas' rules from 'has' in
 * 'has_rules'.  Fields whose path is never found are left out.
 */
struct gate_field {
    krt_u32 field;
    krt_u32 slot;     /* the event's slot of its path (krt_event.h) */
    bool kw;
    krt_u32 minlen;
    krt_u32 maxlen;
    krt_u32 ints;
    krt_u32 nints;
    krt_u32 has;
    krt_u32 nhas;
};

/* An integer gate's range, and its rule. */
struct int_range {
    krt_i64 first;
    krt_i64 last;
    krt_u32 rule;
};

/*
 * The selection of one program, kept with an event.  'ungated' and
 * 'bits' are bit sets of 'nwords' words over the rules; 'list' has room
 * for every rule.  'off': select nothing (every rule runs).
 */
struct krt_select {
    const struct krt_program *prog;
    bool off;
    krt_u32 nwords;
    krt_u64 *ungated;
    krt_u64 *bits;
    krt_u32 *list;
    struct gate_field *fields; /* sorted by field, then by slot */
    krt_u32 nfields;
    krt_u32 *by_slot;         /* per slot: 1 + its first field, or 0 */
    krt_u32 nslots;           /* the slots by_slot covers */
    struct kw_key *keys;
    struct kw_slot *table;    /* open addressing, linear probing */
    krt_u32 mask;             /* table slots - 1, a power of two less one */
    krt_u32 *key_rules;       /* rules of the keys, key after key */
    struct int_range *ranges;
    krt_u32 *has_rules;
};

/* One (field, text, rule) of a keyword gate, while the table is built;
 * also one (field, range, rule) of an integer gate, one (field, rule) of
 * a presence gate. */
struct entry {
    krt_u32 field;
    krt_u32 rule;
    const struct krt_str *str;
    const struct krt_i64_range *range;
};

static void
destroy(struct krt_select *s)
{
    if (!s)
        return;
    free(s->ungated);
    free(s->bits);
    free(s->list);
    free(s->fields);
    free(s->by_slot);
    free(s->keys);
    free(s->table);
    free(s->key_rules);
    free(s->ranges);
    free(s->has_rules);
    free(s);
}

void
krt_select_free(struct krt_event *ev)
{
    destroy(ev->select);
    ev->select = NULL;
}

/* ------------------------------------------------------------ building */

/* A hash of 'field' and the 'len' bytes of 's', eight bytes a step. */
static krt_u64
hash_key(krt_u32 field, const char *s, size_t len)
{
    krt_u64 h = 0x9e3779b97f4a7c15ULL ^ ((krt_u64)field << 32) ^ len;
    krt_u64 w;

    for (; len >= 8; s += 8, len -= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 29;
    }
    w = 0;
    while (len > 0)
        w = w << 8 | (unsigned char)s[--len];
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 32);
}

/* Order of entries: field, then text (length, bytes) or first value,
 * then rule. */
static int
entry_cmp(const void *pa, const void *pb)
{
    const struct entry *a = pa, *b = pb;
    int c = 0;

    if (a->field != b->field)
        return a->field < b->field ? -1 : 1;
    if (a->str && a->str->len != b->str->len)
        return a->str->len < b->str->len ? -1 : 1;
    if (a->str && a->str->len)
        c = memcmp(a->str->bytes, b->str->bytes, a->str->len);
    if (a->range && a->range->first != b->range->first)
        c = a->range->first < b->range->first ? -1 : 1;
    if (c)
        return c;
    return a->rule < b->rule ? -1 : a->rule > b->rule;
}

static bool
same_text(const struct entry *a, const struct entry *b)
{
    return a->field == b->field && a->str->len == b->str->len
           && (a->str->len == 0
               || memcmp(a->str->bytes, b->str->bytes, a->str->len) == 0);
}

/* Whether gate 'g' of 'prog' is well formed. */
static bool
gate_ok(const struct krt_program *prog, const struct krt_gate *g)
{
    if (g->rule >= prog->nrules || g->field >= prog->nfields)
        return false;
    switch (g->kind) {
    case KRT_GATE_KW:
        return g->n == 0 || g->set;
    case KRT_GATE_INT:
        return g->n == 0 || g->ranges;
    case KRT_GATE_HAS:
        return true;
    default:
        return false;
    }
}

/*
 * The entries of the gates of kind 'kind' of 'prog', sorted: one per
 * string or range (one per gate for presence gates).  NULL when out of
 * memory.
 */
static struct entry *
gate_entries(const struct krt_program *prog, krt_u32 kind, size_t *n)
{
    struct entry *e;
    size_t total = 0, k = 0;

    for (krt_u32 g = 0; g < prog->ngates; g++) {
        const struct krt_gate *gt = &prog->gates[g];

        if (gt->kind == kind)
            total += kind == KRT_GATE_HAS ? 1 : gt->n;
    }
    e = malloc((total ? total : 1) * sizeof *e);
    for (krt_u32 g = 0; e && g < prog->ngates; g++) {
        const struct krt_gate *gt = &prog->gates[g];

        if (gt->kind != kind)
            continue;
        for (krt_u32 i = 0; i < (kind == KRT_GATE_HAS ? 1 : gt->n); i++)
            e[k++] = (struct entry){
                gt->field, gt->rule,
                kind == KRT_GATE_KW ? &gt->set[i] : NULL,
                kind == KRT_GATE_INT ? &gt->ranges[i] : NULL };
    }
    if (e)
        qsort(e, total, sizeof *e, entry_cmp);
    *n = total;
    return e;
}

/* Put key number 'k' into the hash table. */
static void
insert_key(struct krt_select *s, krt_u32 k)
{
    const struct kw_key *key = &s->keys[k];
    krt_u64 h = hash_key(key->field, key->bytes, key->len);
    krt_u32 i = (krt_u32)h & s->mask;

    while (s->table[i].key)
        i = (i + 1) & s->mask;
    s->table[i] = (struct kw_slot){ k + 1, (krt_u32)(h >> 32) };
}

/* The entry of field 'field' in the table of gate fields (sorted, made
 * from the program's gates before any table is built). */
static struct gate_field *
field_of(struct krt_select *s, krt_u32 field)
{
    krt_u32 lo = 0, hi = s->nfields;

    while (hi - lo > 1) {
        krt_u32 mid = lo + (hi - lo) / 2;

        if (s->fields[mid].field <= field)
            lo = mid;
        else
            hi = mid;
    }
    return &s->fields[lo];
}

static int
u32_cmp(const void *pa, const void *pb)
{
    krt_u32 a = *(const krt_u32 *)pa, b = *(const krt_u32 *)pb;

    return a < b ? -1 : a > b;
}

/* The table of fields the gates read, sorted, each with its slot in
 * event 'ev' and empty gates; false when out of memory. */
static bool
build_fields(struct krt_select *s, const struct krt_event *ev)
{
    const struct krt_program *prog = s->prog;
    krt_u32 *f = malloc((prog->ngates ? prog->ngates : 1) * sizeof *f);

    s->fields = calloc(prog->ngates ? prog->ngates : 1, sizeof *s->fields);
    if (!f || !s->fields) {
        free(f);
        return false;
    }
    for (krt_u32 g = 0; g < prog->ngates; g++)
        f[g] = prog->gates[g].field;
    qsort(f, prog->ngates, sizeof *f, u32_cmp);
    for (krt_u32 g = 0; g < prog->ngates; g++) {
        if (g == 0 || f[g] != f[g - 1]) {
            s->fields[s->nfields].field = f[g];
            s->fields[s->nfields++].slot = f[g] < ev->nfields
                                           ? ev->field_slot[f[g]] : KRT_NONE;
        }
    }
    free(f);
    return true;
}

static int
slot_cmp(const void *pa, const void *pb)
{
    const struct gate_field *a = pa, *b = pb;

    return a->slot < b->slot ? -1 : a->slot > b->slot;
}

/*
 * Once their gates are in place: the table of fields without those never
 * found (they are in no event), in the order of their slots (several
 * fields may share one path: a multi-field and its parent), and the
 * first field of each slot; false when out of memory.
 */
static bool
index_slots(struct krt_select *s)
{
    krt_u32 k = 0;

    for (krt_u32 f = 0; f < s->nfields; f++) {
        if (s->fields[f].slot != KRT_NONE)
            s->fields[k++] = s->fields[f];
    }
    s->nfields = k;
    qsort(s->fields, k, sizeof *s->fields, slot_cmp);
    s->nslots = k ? s->fields[k - 1].slot + 1 : 0;
    s->by_slot = calloc(s->nslots ? s->nslots : 1, sizeof *s->by_slot);
    for (krt_u32 f = k; s->by_slot && f-- > 0;)
        s->by_slot[s->fields[f].slot] = f + 1;
    return s->by_slot != NULL;
}

/* The keys and the hash table of keyword gates from their 'n' sorted
 * entries; false when out of memory. */
static bool
build_kw(struct krt_select *s, const struct entry *e, size_t n)
{
    size_t slots = 16, nrules = 0, nkeys = 0;
    struct gate_field *f;

    s->keys = malloc((n ? n : 1) * sizeof *s->keys);
    s->key_rules = malloc((n ? n : 1) * sizeof *s->key_rules);
    if (!s->keys || !s->key_rules)
        return false;
    for (size_t i = 0, j; i < n; i = j) {
        size_t first = nrules;

        /* A rule whose gates hold the text twice is listed once. */
        for (j = i; j < n && same_text(&e[i], &e[j]); j++) {
            if (j == i || e[j].rule != e[j - 1].rule)
                s->key_rules[nrules++] = e[j].rule;
        }
        s->keys[nkeys++] = (struct kw_key){ e[i].str->bytes, e[i].str->len,
                                            e[i].field, (krt_u32)first,
                                            (krt_u32)(nrules - first) };
        f = field_of(s, e[i].field);
        if (!f->kw)
            f->minlen = f->maxlen = e[i].str->len;
        f->kw = true;
        f->minlen = e[i].str->len < f->minlen ? e[i].str->len : f->minlen;
        f->maxlen = e[i].str->len > f->maxlen ? e[i].str->len : f->maxlen;
    }
    while (slots < 2 * nkeys)
        slots *= 2;
    s->mask = (krt_u32)(slots - 1);
    s->table = calloc(slots, sizeof *s->table);
    if (!s->table)
        return false;
    for (size_t k = 0; k < nkeys; k++)
        insert_key(s, (krt_u32)k);
    return true;
}

/* The ranges of integer gates, by field, from their 'n' sorted entries;
 * false when out of memory. */
static bool
build_int(struct krt_select *s, const struct entry *e, size_t n)
{
    s->ranges = malloc((n ? n : 1) * sizeof *s->ranges);
    if (!s->ranges)
        return false;
    for (size_t i = 0; i < n; i++) {
        struct gate_field *f = field_of(s, e[i].field);

        s->ranges[i] = (struct int_range){ e[i].range->first,
                                           e[i].range->last, e[i].rule };
        if (f->nints++ == 0)
            f->ints = (krt_u32)i;
    }
    return true;
}

/* The rules of presence gates, by field, from their 'n' sorted entries;
 * false when out of memory. */
static bool
build_has(struct krt_select *s, const struct entry *e, size_t n)
{
    s->has_rules = malloc((n ? n : 1) * sizeof *s->has_rules);
    if (!s->has_rules)
        return false;
    for (size_t i = 0; i < n; i++) {
        struct gate_field *f = field_of(s, e[i].field);

        s->has_rules[i] = e[i].rule;
        if (f->nhas++ == 0)
            f->has = (krt_u32)i;
    }
    return true;
}

/* The bit sets and the list; false when out of memory. */
static bool
build_sets(struct krt_select *s)
{
    const struct krt_program *prog = s->prog;

    s->nwords = (prog->nrules + 63) / 64;
    s->ungated = calloc(s->nwords ? s->nwords : 1, sizeof *s->ungated);
    s->bits = malloc((s->nwords ? s->nwords : 1) * sizeof *s->bits);
    s->list = malloc((prog->nrules ? prog->nrules : 1) * sizeof *s->list);
    if (!s->ungated || !s->bits || !s->list)
        return false;
    for (krt_u32 r = 0; r < prog->nrules; r++)
        s->ungated[r / 64] |= 1ULL << (r % 64);
    for (krt_u32 g = 0; g < prog->ngates; g++) {
        krt_u32 r = prog->gates[g].rule;

        s->ungated[r / 64] &= ~(1ULL << (r % 64));
    }
    return true;
}

/* Build the tables of gates of kind 'kind' with 'build'; false when out
 * of memory. */
static bool
build_kind(struct krt_select *s, krt_u32 kind,
           bool (*build)(struct krt_select *, const struct entry *, size_t))
{
    size_t n;
    struct entry *e = gate_entries(s->prog, kind, &n);
    bool ok = e && build(s, e, n);

    free(e);
    return ok;
}

/*
 * The selection of 'prog' for event 'ev', new; NULL when out of memory.
 * A malformed gate (a compiler bug) or KRT_NO_GATES turns selection off.
 */
static struct krt_select *
select_new(const struct krt_program *prog, const struct krt_event *ev)
{
    struct krt_select *s = calloc(1, sizeof *s);
    const char *no = getenv("KRT_NO_GATES");

    if (!s)
        return NULL;
    s->prog = prog;
    s->off = prog->ngates == 0 || (no && *no && strcmp(no, "0") != 0);
    for (krt_u32 g = 0; !s->off && g < prog->ngates; g++)
        s->off = !gate_ok(prog, &prog->gates[g]);
    if (s->off)
        return s;
    if (!build_fields(s, ev) || !build_kind(s, KRT_GATE_KW, build_kw)
        || !build_kind(s, KRT_GATE_INT, build_int)
        || !build_kind(s, KRT_GATE_HAS, build_has) || !build_sets(s)
        || !index_slots(s)) {
        destroy(s);
        return NULL;
    }
    return s;
}

/* ------------------------------------------------------------ events */

/* A gate of rule 'r' holds: the rule joins the set. */
static void
hit(struct krt_select *s, krt_u32 r)
{
    s->bits[r / 64] |= 1ULL << (r % 64);
}

/* The keyword gates that hold on text 's' of field 'field'. */
static void
mark_text(struct krt_select *s, krt_u32 field, const char *text, size_t len)
{
    krt_u64 h = hash_key(field, text, len);
    krt_u32 i = (krt_u32)h & s->mask, tag = (krt_u32)(h >> 32);

    for (; s->table[i].key; i = (i + 1) & s->mask) {
        const struct kw_key *k = &s->keys[s->table[i].key - 1];

        if (s->table[i].tag != tag || k->field != field || k->len != len
            || (len && memcmp(k->bytes, text, len) != 0))
            continue;
        for (krt_u32 j = 0; j < k->count; j++)
            hit(s, s->key_rules[k->first + j]);
        return;
    }
}

/*
 * The values of field 'gf' (at least one), each read as krt_any_kw_in
 * and krt_any_long_in read it, against its keyword and integer gates.
 */
static void
mark_values(struct krt_select *s, struct krt_event *ev,
            const struct gate_field *gf, const struct krt_value *v)
{
    const struct int_range *r = &s->ranges[gf->ints];
    krt_u32 type = ev->fields[gf->field].type;
    const char *text;
    size_t len;
    krt_i64 x;

    for (; v; v = v->next == KRT_NONE ? NULL : &ev->vals[v->next]) {
        if (gf->kw && krt_value_indexed(ev, gf->field, v, &text, &len)
            && len >= gf->minlen && len <= gf->maxlen)
            mark_text(s, gf->field, text, len);
        if (gf->nints == 0
            || krt_value_int(ev, v, type, &x) != KRT_INT_OK)
            continue;
        for (krt_u32 i = 0; i < gf->nints && r[i].first <= x; i++) {
            if (x <= r[i].last)
                hit(s, r[i].rule);
        }
    }
}

/*
 * Every gate field the event has: its presence gates, then its values.
 * The event is read at its top level (no nested query in progress),
 * where the scanner lists the slots it set ('touched', each once) and a
 * field's values are the chain from its slot's head (krt_event.h).
 */
static void
mark_fields(struct krt_select *s, struct krt_event *ev)
{
    for (krt_u32 t = 0; t < ev->ntouched; t++) {
        krt_u32 slot = ev->touched[t];
        krt_u32 f = slot < s->nslots ? s->by_slot[slot] : 0;

        for (; f > 0 && f <= s->nfields && s->fields[f - 1].slot == slot;
             f++) {
            const struct gate_field *gf = &s->fields[f - 1];

            for (krt_u32 i = 0; i < gf->nhas; i++)
                hit(s, s->has_rules[gf->has + i]);
            if (gf->kw || gf->nints)
                mark_values(s, ev, gf, &ev->vals[ev->head[slot]]);
        }
    }
}

bool
krt_select_rules(struct krt_event *ev, const struct krt_program *prog,
                 const krt_u32 **rules, krt_u32 *n)
{
    struct krt_select *s = ev->select;
    krt_u32 k = 0;

    if (!s || s->prog != prog) {
        krt_select_free(ev);
        s = ev->select = select_new(prog, ev);
    }
    if (!s || s->off)
        return false;
    assert(ev->cur == KRT_NONE);
    memcpy(s->bits, s->ungated, s->nwords * sizeof *s->bits);
    mark_fields(s, ev);
    /* A lower-cased value that found no memory was looked up nowhere:
     * let every rule run, and its own test say so. */
    if (ev->nomem)
        return false;
    for (krt_u32 w = 0; w < s->nwords; w++) {
        for (krt_u64 b = s->bits[w]; b; b &= b - 1)
            s->list[k++] = w * 64 + (krt_u32)__builtin_ctzll(b);
    }
    *rules = s->list;
    *n = k;
    return true;
}
