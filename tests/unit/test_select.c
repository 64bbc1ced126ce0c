/*
 * test_select.c - rule selection by gate never turns away a match.
 *
 * The compiler gives a rule gates, tests it cannot match without
 * (compiler/ir_gate.c); the runtime evaluates the rule only on events
 * that pass one (runtime/krt_select.c).  Here: which gates queries get;
 * then, on random adversarial events (gate fields missing, null, in
 * arrays and arrays of arrays, under nested, dotted and mixed keys, keys
 * and values escaped such as \u0065vent, values past ignore_above, case
 * variants under and without the lowercase normalizer, numbers where
 * keywords are expected and strings where numbers are, fractions on
 * integer types, objects and empty arrays at a gate's path), for every
 * rule the reference interpreter matches, the selection holds it; the
 * JIT's program (the emitted gate table) selects the same rules and
 * gives the same verdicts; and KRT_NO_GATES turns selection off.
 * KQLC_SELECT_ROUNDS sets the number of events (default 20000).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "driver.h"
#include "emit.h"
#include "interp.h"
#include "ir_gate.h"
#include "jit.h"
#include "krt_run.h"
#include "krt_select.h"
#include "mapping.h"

/* Fields of our own: a keyword with a short ignore_above, one with the
 * lowercase normalizer, and the integer types. */
static const char test_mapping[] =
    "{\"idx\":{\"mappings\":{\"properties\":{\"custom\":{\"properties\":{"
    "\"kw\":{\"type\":\"keyword\",\"ignore_above\":10},"
    "\"low\":{\"type\":\"keyword\",\"normalizer\":\"lowercase\","
    "\"ignore_above\":8},"
    "\"b\":{\"type\":\"byte\"},"
    "\"s\":{\"type\":\"short\"},"
    "\"i\":{\"type\":\"integer\"}}}}}}}";
static struct mapping *mapping;

/* The rules: gates of every kind, in 'and', 'or', next to 'not'. */
static const char *const queries[] = {
    "event.action:(start or \"Stop\") and custom.kw:abc",
    "custom.kw:(abcdefghij or abcdefghijk)",
    "custom.low:(ABC or xyz or \"\\u0130x\")",
    "process.name.caseless:cmd.exe and event.code:4624",
    "data_stream.dataset:okta.system and event.action:*",
    "destination.port:(26 or 445) and network.transport:tcp",
    "custom.b:(5 or -5 or 127)",
    "custom.s >= 100 and event.action:x",
    "source.ip:10.0.0.0/8",
    "message:hello and event.code:1",
    "(event.action:a and custom.kw:b) or event.code:9",
    "event.action:a or custom.i:7",
    "not event.action:a",
    "event.action:a and not event.code:b",
    "unknown.f:(v1 or V1)",
    "url.full:\"http://x\"",
    "event.code:(4624 or 04624)",
    "custom.i >= 1 and custom.i <= 3 and not custom.kw:abc",
    "event.action:*a* and custom.i:7",
    "event.action:\"\"",
    "destination.port:* and event.category:network",
    "custom.kw:abc or message:\"hello world\"",
    "hello",
    "event.category:network and destination.port >= 1024",
    "event.kind:alert and (event.code:(1 or 2) or custom.low:abc)",
    "data_stream.dataset:(okta.system or \"a.b\") or unknown.f:v1",
    "custom.i:(1 or 2 or 3 or 7) and custom.b:5",
};
#define NQUERIES (sizeof queries / sizeof *queries)

/* ------------------------------------------------------------ random */

static uint64_t rng_state = 1;

static uint64_t
rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

static size_t
pick(size_t n)
{
    return (size_t)(rng() % n);
}

#define PICK(arr) ((arr)[pick(sizeof(arr) / sizeof((arr)[0]))])

/* A growable string. */
struct buf {
    char *s;
    size_t len, cap;
};

static void
put(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        assert_non_null(b->s);
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* ------------------------------------------------------------ events */

/* The fields events hold, as paths, each with values (JSON text) near
 * the queries': those they name, and their neighbours. */
static const struct path {
    const char *path;
    const char *values[12];
} paths[] = {
    { "event.action", { "\"start\"", "\"Stop\"", "\"stop\"", "\"START\"",
      "\"st\\u0061rt\"", "\"a\"", "\"x\"", "\"\"", "\"abc a\"", "\"b\"" } },
    { "event.code", { "4624", "\"4624\"", "\"04624\"", "1", "\"1\"", "2",
      "9", "\"9\"", "\"b\"", "4624.0" } },
    { "event.category", { "\"network\"", "\"Network\"",
      "[\"x\",\"network\"]" } },
    { "event.kind", { "\"alert\"", "\"ALERT\"" } },
    { "data_stream.dataset", { "\"okta.system\"", "\"\\u006fkta.system\"",
      "\"a.b\"", "\"OKTA.SYSTEM\"" } },
    { "process.name", { "\"cmd.exe\"", "\"CMD.EXE\"", "\"Cmd.Exe\"",
      "\"cmd\\u002eexe\"", "\"cmd.exe \"" } },
    { "destination.port", { "26", "\"26\"", "26.0", "26.9", "\"026\"", "445",
      "445.5", "\"2.6e1\"", "1024", "1023", "-26", "\"x\"" } },
    { "network.transport", { "\"tcp\"", "\"TCP\"", "\"udp\"" } },
    { "source.ip", { "\"10.1.2.3\"", "\"9.9.9.9\"", "\"::ffff:10.0.0.5\"",
      "\"10.0.0.01\"", "\"x\"" } },
    { "message", { "\"hello\"", "\"Hello world\"", "\"hello world\"",
      "\"say hello\"" } },
    { "unknown.f", { "\"v1\"", "\"V1\"" } },
    { "url.full", { "\"http://x\"", "\"HTTP://x\"", "\"http:\\/\\/x\"" } },
    { "custom.kw", { "\"abc\"", "\"ABC\"", "\"abcdefghij\"",
      "\"abcdefghijk\"", "\"b\"", "\"\\u0061bc\"" } },
    { "custom.low", { "\"ABC\"", "\"abc\"", "\"xyz\"", "\"XYZ\"",
      "\"\\u0130x\"", "\"i\\u0307x\"", "\"abcdefgh\"", "\"ABCDEFGHI\"" } },
    { "custom.b", { "5", "-5", "127", "128", "\"5\"", "5.99", "-5.5",
      "130" } },
    { "custom.s", { "100", "99.9", "\"100\"", "1e2", "32767", "-100" } },
    { "custom.i", { "1", "2", "3", "7", "3.5", "\"7\"", "0", "4" } },
};
#define NPATHS (sizeof paths / sizeof *paths)

/* Strings, as JSON writes them: the queries' values and their
 * neighbours (case, length, escapes, Unicode whose lower case is longer
 * or shorter). */
static const char *const strings[] = {
    "start", "Stop", "stop", "START", "a", "b", "x", "abc", "ABC", "Abc",
    "aBC", "abcdefghij", "abcdefghijk", "xyz", "XYZ", "cmd.exe",
    "CMD.EXE", "Cmd.Exe", "4624", "04624", "okta.system", "OKTA.system",
    "", "v1", "V1", "9", "1", "2", "hello", "Hello world", "http://x",
    "tcp", "TCP", "network", "alert", "a.b", "26", "026", "445", "7",
    "5", "100", "\\u0130x", "\\u0130X", "i\\u0307x", "\\u01c5",
    "\\u0061bc", "\\u0041BC", "st\\u0061rt", "cmd\\u002eexe", "10.1.2.3",
    "10.0.0.1", "9.9.9.9", "::ffff:10.0.0.5", "abcdefgh", "ABCDEFGH",
    "abcdefghi", "\\u00e9t\\u00e9", "x\\ny", "\\\"q",
};

/* Numbers and other scalars, written as JSON writes them. */
static const char *const scalars[] = {
    "4624", "26", "26.0", "26.9", "445", "445.5", "2.6e1", "-5", "5",
    "5.99", "127", "128", "-129", "100", "99.9", "1e2", "7", "7.0", "1",
    "3", "3.5", "0", "-0", "1e400", "1024", "65535", "true", "false",
    "null", "{}", "[]", "{\"x\":1}", "[null]",
};

/* A value of path 'p': one of its own, a string, a scalar, an array of
 * them. */
static void
put_value(struct buf *b, const struct path *p, int depth)
{
    size_t r = pick(100), own = 0;

    while (own < 12 && p->values[own])
        own++;
    if (r < 50) {
        put(b, "%s", p->values[pick(own)]);
    } else if (r < 65) {
        put(b, "\"%s\"", PICK(strings));
    } else if (r < 70) {
        /* past any ignore_above, or just at custom.kw's */
        size_t n = pick(3) == 0 ? 1100 : 9 + pick(3);
        put(b, "\"");
        for (size_t i = 0; i < n; i++)
            put(b, "%c", "abcAB"[pick(5)]);
        put(b, "\"");
    } else if (r < 80 || depth > 1) {
        put(b, "%s", PICK(scalars));
    } else {
        size_t n = pick(4);
        put(b, "[");
        for (size_t i = 0; i < n; i++) {
            put(b, i ? "," : "");
            put_value(b, p, depth + 1);
        }
        put(b, "]");
    }
}

/* Key text 'k' with one character written as a \u escape, now and then. */
static void
put_key(struct buf *b, const char *k, size_t len)
{
    size_t at = pick(4) == 0 ? pick(len) : len;

    for (size_t i = 0; i < len; i++) {
        if (i == at)
            put(b, "\\u%04x", (unsigned char)k[i]);
        else
            put(b, "%c", k[i]);
    }
}

/*
 * An event of some of the paths, each once: all as dotted keys, or
 * grouped under objects named for their first part (whose rest stays
 * dotted), or under one array of objects.
 */
static void
put_event(struct buf *b)
{
    bool chosen[NPATHS], done[NPATHS] = { false };
    size_t form = pick(3), n = 0;

    for (size_t i = 0; i < NPATHS; i++)
        chosen[i] = pick(100) < 35;
    put(b, "{");
    for (size_t i = 0; i < NPATHS; i++) {
        const char *p = paths[i].path, *dot = strchr(p, '.');
        size_t head = dot ? (size_t)(dot - p) : 0;

        if (!chosen[i] || done[i])
            continue;
        put(b, n++ ? "," : "");
        if (form == 0 || !dot) {
            put(b, "\"");
            put_key(b, p, strlen(p));
            put(b, "\":");
            put_value(b, &paths[i], 0);
            continue;
        }
        put(b, "\"");
        put_key(b, p, head);
        put(b, form == 1 ? "\":{" : "\":[{\"u\":1},{");
        for (size_t j = i, m = 0; j < NPATHS; j++) {
            const char *q = paths[j].path;

            if (!chosen[j] || strncmp(q, p, head + 1) != 0)
                continue;
            done[j] = true;
            put(b, m++ ? ",\"" : "\"");
            put_key(b, q + head + 1, strlen(q + head + 1));
            put(b, "\":");
            put_value(b, &paths[j], 0);
        }
        put(b, form == 1 ? "}" : "}]");
    }
    put(b, "}");
}

/* ------------------------------------------------------------ programs */

struct progs {
    struct arena a;
    struct ir_program p;
    const struct krt_program *interp;
    const struct krt_program *jit;
    struct jit_module *m;
};

static void
make_progs(struct progs *g)
{
    struct diag d;
    char *c = NULL, *msgs = NULL;
    size_t len = 0, msgs_len = 0;
    FILE *out, *log = open_memstream(&msgs, &msgs_len);

    memset(g, 0, sizeof *g);
    arena_init(&g->a);
    g->p.mapping = mapping;
    g->p.origin = "test_select";
    /* The unknown field's warning is expected; errors are shown. */
    assert_non_null(log);
    diag_init(&d, log);
    for (size_t q = 0; q < NQUERIES; q++) {
        char *id = arena_printf(&g->a, "q%zu", q);
        if (!driver_add_query(&g->a, &d, &g->p, id, id, queries[q])) {
            fclose(log);
            fail_msg("query rejected: %s\n%s", queries[q], msgs);
        }
    }
    fclose(log);
    free(msgs);
    diag_init(&d, stderr);
    g->interp = interp_program(&g->a, &g->p);
    out = open_memstream(&c, &len);
    assert_non_null(out);
    assert_true(emit_c(out, &g->p));
    fclose(out);
    g->m = jit_compile(&d, c, "test_select.c", &g->jit);
    free(c);
    assert_non_null(g->m);
}

static void
free_progs(struct progs *g)
{
    jit_free(g->m);
    arena_free(&g->a);
}

/* ------------------------------------------------------------ tests */

/* The number and kinds of the gates of the rule of 'query'. */
static void
expect_gates(const char *query, const char *kinds)
{
    struct arena a;
    struct ir_program p = { .mapping = mapping, .origin = "q" };
    struct diag d;
    const struct ir_node **g;
    char got[64] = "";
    size_t n;

    arena_init(&a);
    diag_init(&d, stderr);
    assert_true(driver_add_query(&a, &d, &p, "q", "q", query));
    n = ir_rule_gates(&a, &p, p.rules.items[0], &g);
    for (size_t i = 0; i < n && i < 8; i++) {
        krt_u32 k = ir_gate_kind(g[i]);
        const struct ir_field *f = p.fields.items[g[i]->field];
        size_t o = strlen(got);

        snprintf(got + o, sizeof got - o, "%s%s:%s", i ? " " : "",
                 k == KRT_GATE_KW ? "kw" : k == KRT_GATE_INT ? "int" : "has",
                 f->name);
    }
    if (strcmp(got, kinds) != 0)
        fail_msg("'%s': gates '%s', expected '%s'", query, got, kinds);
    arena_free(&a);
}

static void
test_gates_chosen(void **state)
{
    (void)state;
    /* the narrowest term of an 'and': an action before a category */
    expect_gates("event.category:network and event.action:(a or b)",
                 "kw:event.action");
    expect_gates("event.category:network and destination.port:26",
                 "int:destination.port");
    expect_gates("event.category:network and destination.port >= 1024",
                 "kw:event.category");
    expect_gates("source.ip:10.0.0.0/8 and not event.action:a",
                 "has:source.ip");
    expect_gates("event.action:a or custom.i:7",
                 "kw:event.action int:custom.i");
    expect_gates("(event.action:a and custom.kw:b) or event.code:9",
                 "kw:event.action kw:event.code");
    expect_gates("event.action:*a* and message:hello",
                 "has:event.action");
    /* no gate: a 'not', a branch without one, free text */
    expect_gates("not event.action:a", "");
    expect_gates("event.action:a or not event.code:b", "");
    expect_gates("hello", "");
    expect_gates("event.action:a and hello", "kw:event.action");
}

/* Whether 'r' is among the 'n' ascending rules of 'sel'. */
static bool
selected(const krt_u32 *sel, krt_u32 n, krt_u32 r)
{
    for (krt_u32 i = 0; i < n; i++) {
        if (sel[i] == r)
            return true;
    }
    return false;
}

/* Per rule: the events it matched. */
static size_t rule_matches[NQUERIES];

static void
check_event(struct progs *g, struct krt_event *ev, struct krt_event *jev,
            const char *line, size_t *matches, size_t *turned_away)
{
    const krt_u32 *sel, *jsel;
    krt_u32 n, jn;

    assert_true(krt_select_rules(ev, g->interp, &sel, &n));
    assert_true(krt_select_rules(jev, g->jit, &jsel, &jn));
    if (n != jn || memcmp(sel, jsel, n * sizeof *sel) != 0)
        fail_msg("the interpreter's and the JIT's gates select other "
                 "rules: %s", line);
    for (krt_u32 i = 1; i < n; i++)
        assert_true(sel[i - 1] < sel[i]);
    for (krt_u32 r = 0; r < NQUERIES; r++) {
        const struct ir_rule *rule = g->p.rules.items[r];
        bool truth = interp_eval(rule->root, ev);
        bool in = selected(sel, n, r);

        if (truth != g->jit->rules[r].match(jev))
            fail_msg("rule '%s': the JIT and the interpreter disagree: %s",
                     queries[r], line);
        if (truth && !in)
            fail_msg("rule '%s' matches but its gates turned it away: %s",
                     queries[r], line);
        *matches += truth;
        *turned_away += !in;
        rule_matches[r] += truth;
    }
}

static void
test_gates_keep_every_match(void **state)
{
    const char *s = getenv("KQLC_SELECT_ROUNDS");
    size_t rounds = s && *s ? strtoul(s, NULL, 10) : 20000;
    size_t matches = 0, turned_away = 0;
    struct progs g;
    struct krt_scanner *sc, *jsc;
    struct buf b = { 0 };

    (void)state;
    make_progs(&g);
    assert_true(g.jit->ngates > 0);
    sc = krt_scanner_new(g.interp->fields, g.interp->nfields);
    jsc = krt_scanner_new(g.jit->fields, g.jit->nfields);
    assert_non_null(sc);
    assert_non_null(jsc);
    for (size_t e = 0; e < rounds; e++) {
        struct krt_event *ev, *jev;
        struct krt_scan_error err;

        b.len = 0;
        put_event(&b);
        if (krt_scan_line(sc, b.s, b.len, &ev, &err) != KRT_SCAN_EVENT
            || krt_scan_line(jsc, b.s, b.len, &jev, &err) != KRT_SCAN_EVENT)
            fail_msg("generated event is malformed (%s, column %zu): %s",
                     err.reason, err.col, b.s);
        check_event(&g, ev, jev, b.s, &matches, &turned_away);
    }
    printf("%zu events, %zu matches, %zu rules turned away by gates\n",
           rounds, matches, turned_away);
    /* Both happen often, for every rule, or the test proves little. */
    assert_true(turned_away > rounds * NQUERIES / 2);
    for (size_t r = 0; r < NQUERIES; r++) {
        if (rule_matches[r] < rounds / 1000)
            fail_msg("rule '%s' matched %zu events of %zu", queries[r],
                     rule_matches[r], rounds);
    }
    free(b.s);
    krt_scanner_free(sc);
    krt_scanner_free(jsc);
    free_progs(&g);
}

/* --dataset's value is a value the gates see, as the tests do. */
static void
test_gates_see_defaults(void **state)
{
    struct progs g;
    struct krt_scanner *sc;
    struct krt_event *ev;
    struct krt_scan_error err;
    const char line[] = "{\"event\":{\"action\":\"x\"}}";
    const krt_u32 *sel;
    krt_u32 n, ds = 0xffffffffu;

    (void)state;
    make_progs(&g);
    for (krt_u32 f = 0; f < g.interp->nfields; f++) {
        if (strcmp(g.interp->fields[f].path, "data_stream.dataset") == 0)
            ds = f;
    }
    assert_int_not_equal(ds, 0xffffffffu);
    sc = krt_scanner_new(g.interp->fields, g.interp->nfields);
    assert_true(krt_scanner_set_default(sc, ds, "okta.system", 11));
    assert_int_equal(krt_scan_line(sc, line, strlen(line), &ev, &err),
                     KRT_SCAN_EVENT);
    assert_true(krt_select_rules(ev, g.interp, &sel, &n));
    /* data_stream.dataset:okta.system and event.action:* */
    assert_true(interp_eval(((struct ir_rule *)g.p.rules.items[4])->root,
                            ev));
    assert_true(selected(sel, n, 4));
    krt_scanner_free(sc);
    free_progs(&g);
}

/* KRT_NO_GATES: no selection, every rule runs; "0" and "" leave it on. */
static void
test_no_gates(void **state)
{
    static const char *const values[] = { "1", "0", "", "yes" };
    static const bool off[] = { true, false, false, true };
    struct progs g;

    (void)state;
    make_progs(&g);
    for (size_t i = 0; i < 4; i++) {
        struct krt_scanner *sc;
        struct krt_event *ev;
        struct krt_scan_error err;
        const krt_u32 *sel;
        krt_u32 n;

        setenv("KRT_NO_GATES", values[i], 1);
        sc = krt_scanner_new(g.interp->fields, g.interp->nfields);
        assert_int_equal(krt_scan_line(sc, "{}", 2, &ev, &err),
                         KRT_SCAN_EVENT);
        assert_int_equal(krt_select_rules(ev, g.interp, &sel, &n), !off[i]);
        krt_scanner_free(sc);
    }
    unsetenv("KRT_NO_GATES");
    free_progs(&g);
}

int
main(void)
{
    struct diag d;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gates_chosen),
        cmocka_unit_test(test_gates_keep_every_match),
        cmocka_unit_test(test_gates_see_defaults),
        cmocka_unit_test(test_no_gates),
    };
    int rc;

    if (!getenv("KQLC_HOME")) {
        char cwd[512];
        if (getcwd(cwd, sizeof cwd))
            setenv("KQLC_HOME", cwd, 1);
    }
    unsetenv("KRT_NO_GATES");
    diag_init(&d, stderr);
    mapping = mapping_parse(&d, "the test mapping", test_mapping,
                            strlen(test_mapping));
    if (!mapping)
        return 1;
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    mapping_free(mapping);
    return rc;
}
