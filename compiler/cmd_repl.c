/*
 * cmd_repl.c - 'kqlc repl': type KQL, see the matching events at once.
 *
 * The event files are read once and kept in memory; each query is
 * parsed, typed, emitted and compiled by the JIT, then run over the kept
 * events.  At a terminal, lines are edited with libedit and the history
 * is kept in ~/.kqlc_history; otherwise one query is read per line and
 * the same output is printed without prompts, so sessions can be
 * scripted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <editline/readline.h>
#include <jansson.h>

#include "commands.h"
#include "driver.h"
#include "ecs.h"
#include "emit.h"
#include "jit.h"
#include "krt_date.h"
#include "krt_run.h"
#include "mapping.h"
#include "parse.h"

#define HISTORY_FILE ".kqlc_history"

/* The loaded events: one buffer, lines delimited by offsets. */
struct events {
    char *text;
    size_t len, cap;
    size_t *start;       /* start[i] .. start[i+1]-1 is line i, '\n' ends */
    size_t n, ncap;
};

/* What the last query left, for :c and :ast. */
struct last {
    char *query;
    char *c;
};

struct repl {
    struct events ev;
    struct last last;
    size_t limit;
    bool tty;
    krt_i64 now;   /* the clock of every query: --now, or the start */
    struct mapping *mapping; /* --mapping's field types, or NULL */
};

/* ------------------------------------------------------------ loading */

static void
add_line(struct events *e, const char *line, size_t len)
{
    if (e->len + len + 1 > e->cap) {
        e->cap = (e->len + len + 1) * 2;
        e->text = xrealloc(e->text, e->cap);
    }
    if (e->n + 2 > e->ncap) {
        e->ncap = (e->n + 2) * 2;
        e->start = xrealloc(e->start, e->ncap * sizeof *e->start);
    }
    e->start[e->n++] = e->len;
    memcpy(e->text + e->len, line, len);
    e->len += len;
    e->text[e->len++] = '\n';
    e->start[e->n] = e->len;
}

/* Append every line of 'path'; false (with a message) if unreadable. */
static bool
load_file(struct events *e, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("error: cannot read '%s': %s\n", path,
                strerror(errno));
        return false;
    }
    char *line = NULL;
    size_t cap = 0, before = e->n;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        size_t len = (size_t)n;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        add_line(e, line, len);
    }
    bool ok = !ferror(f);
    if (!ok)
        printf("error: cannot read '%s': %s\n", path,
                strerror(errno));
    free(line);
    fclose(f);
    printf("loaded %zu lines from %s (%zu in all)\n", e->n - before, path,
           e->n);
    return ok;
}

/* ------------------------------------------------------------ queries */

/* Compile 'p' with the JIT; the C is kept in r->last.c. */
static struct jit_module *
compile_program(struct repl *r, const struct ir_program *p,
                const struct krt_program **prog)
{
    char *c = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&c, &len);
    if (!out)
        return NULL;
    emit_c(out, p);
    fclose(out);
    free(r->last.c);
    r->last.c = c;
    struct diag d;
    diag_init(&d, stderr);
    return jit_compile(&d, c, "query.c", prog);
}

/* Run rule 0 of 'prog' over the events; print the count, then matches. */
static void
run_events(struct repl *r, const struct krt_program *prog, double compile)
{
    char why[512];
    struct krt_i64_range *dates = krt_dates_resolve(prog, r->now, why,
                                                    sizeof why);
    if (!dates) {
        printf("error: %s\n", why);
        return;
    }
    struct krt_scanner *sc = krt_scanner_new(prog->fields, prog->nfields);
    if (sc)
        krt_scanner_set_dates(sc, dates, prog->ndates);
    size_t *hits = xmalloc((r->ev.n + 1) * sizeof *hits);
    size_t nhits = 0;
    double t0 = driver_now_ms();
    for (size_t i = 0; sc && i < r->ev.n; i++) {
        const char *line = r->ev.text + r->ev.start[i];
        size_t len = r->ev.start[i + 1] - r->ev.start[i] - 1;
        struct krt_event *ev;
        struct krt_scan_error err;
        if (krt_scan_line(sc, line, len, &ev, &err) == KRT_SCAN_EVENT
            && prog->rules[0].match(ev))
            hits[nhits++] = i;
    }
    printf("%zu matches in %.1f ms (compile %.1f ms)\n", nhits,
           driver_now_ms() - t0, compile);
    for (size_t i = 0; i < nhits && i < r->limit; i++) {
        size_t s = r->ev.start[hits[i]];
        fwrite(r->ev.text + s, 1, r->ev.start[hits[i] + 1] - s, stdout);
    }
    if (nhits > r->limit)
        printf("... %zu more (:limit N shows more)\n", nhits - r->limit);
    free(hits);
    krt_scanner_free(sc);
    free(dates);
}

/* Compile 'in' (a query or a rule file) and run it over the events. */
static void
run_input(struct repl *r, const struct driver_input *in)
{
    struct arena a;
    arena_init(&a);
    struct ir_program p;
    struct diag d;
    struct driver_input with = *in;
    with.mapping = r->mapping;
    diag_init(&d, stdout);
    double t0 = driver_now_ms();
    if (driver_compile(&a, &d, &with, &p) == KQLC_OK && p.rules.n > 0) {
        const struct krt_program *prog;
        struct jit_module *m = compile_program(r, &p, &prog);
        double compile = driver_now_ms() - t0;
        if (m)
            run_events(r, prog, compile);
        jit_free(m);
    }
    fflush(stdout);
    arena_free(&a);
}

static void
run_query(struct repl *r, const char *query)
{
    free(r->last.query);
    r->last.query = xstrdup(query);
    struct driver_input in = { .query = query };
    run_input(r, &in);
}

/* ------------------------------------------------------------ commands */

static void
show_ast(const struct repl *r)
{
    if (!r->last.query) {
        puts("no query yet");
        return;
    }
    struct arena a;
    arena_init(&a);
    struct diag d;
    diag_init(&d, stdout);
    struct diag_source src = { .name = "<query>", .text = r->last.query,
                               .len = strlen(r->last.query) };
    struct ast_query q;
    if (parse_query(&a, &d, &src, r->last.query, src.len, &q, NULL)) {
        ast_print_json(stdout, &q);
        putchar('\n');
    }
    arena_free(&a);
}

/* Walk a JSON value, noting the dotted path of every non-null leaf. */
static void
count_paths(json_t *counts, const char *prefix, json_t *v)
{
    if (json_is_object(v)) {
        const char *key;
        json_t *child;
        json_object_foreach(v, key, child) {
            char *path = prefix[0] ? NULL : xstrdup(key);
            if (!path) {
                path = xmalloc(strlen(prefix) + strlen(key) + 2);
                sprintf(path, "%s.%s", prefix, key);
            }
            count_paths(counts, path, child);
            free(path);
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *child;
        json_array_foreach(v, i, child)
            count_paths(counts, prefix, child);
    } else if (!json_is_null(v) && prefix[0]) {
        json_object_set_new(counts, prefix, json_true());
    }
}

/* Add one to the count of every path of 'seen' (one event's paths). */
static void
add_counts(json_t *counts, json_t *seen)
{
    const char *key;
    json_t *v;
    json_object_foreach(seen, key, v) {
        json_t *c = json_object_get(counts, key);
        json_object_set_new(counts, key,
                            json_integer(c ? json_integer_value(c) + 1 : 1));
    }
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* :fields - every leaf path seen in the events, the number of events
 * holding it, and the type kqlc reads it as. */
static void
show_fields(const struct repl *r)
{
    json_t *counts = json_object();
    for (size_t i = 0; i < r->ev.n; i++) {
        size_t s = r->ev.start[i];
        json_t *doc = json_loadb(r->ev.text + s, r->ev.start[i + 1] - s,
                                 JSON_DECODE_INT_AS_REAL, NULL);
        json_t *seen = json_object();
        if (doc)
            count_paths(seen, "", doc);
        add_counts(counts, seen);
        json_decref(seen);
        json_decref(doc);
    }
    const char **names = xmalloc((json_object_size(counts) + 1)
                                 * sizeof *names);
    size_t n = 0;
    const char *key;
    json_t *c;
    json_object_foreach(counts, key, c)
        names[n++] = key;
    qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        struct mapping_field f;
        bool known = mapping_resolve(r->mapping, names[i], strlen(names[i]),
                                     &f);
        printf("%8lld  %-48s %s\n",
               (long long)json_integer_value(json_object_get(counts,
                                                             names[i])),
               names[i], known ? ecs_type_name(f.type)
                               : "(unknown: keyword)");
    }
    free(names);
    json_decref(counts);
}

static const char repl_help[] =
    "Type a KQL query to run it over the loaded events.  Commands:\n"
    "  :help          this text\n"
    "  :load FILE     load more NDJSON events\n"
    "  :rule FILE     run a rule file's query\n"
    "  :c             the C emitted for the last query\n"
    "  :ast           the syntax tree of the last query (Kibana's JSON)\n"
    "  :fields        the fields of the loaded events, counts and types\n"
    "  :limit N       show at most N matching events (now %zu)\n"
    "  :quit          leave (so does end of input)\n";

/* The argument after a command word, or NULL. */
static const char *
argument(const char *line, size_t cmdlen)
{
    const char *a = line + cmdlen;
    while (*a == ' ' || *a == '\t')
        a++;
    return *a ? a : NULL;
}

/* Handle one ':' command; false for :quit. */
static bool
command(struct repl *r, const char *line)
{
    const char *arg;
    if (!strcmp(line, ":quit") || !strcmp(line, ":q")) {
        return false;
    } else if (!strcmp(line, ":help")) {
        printf(repl_help, r->limit);
    } else if (!strncmp(line, ":load", 5) && (arg = argument(line, 5))) {
        load_file(&r->ev, arg);
    } else if (!strncmp(line, ":rule", 5) && (arg = argument(line, 5))) {
        char *files[] = { (char *)arg };
        struct driver_input in = { .files = files, .nfiles = 1 };
        run_input(r, &in);
    } else if (!strcmp(line, ":c")) {
        fputs(r->last.c ? r->last.c : "no query yet\n", stdout);
    } else if (!strcmp(line, ":ast")) {
        show_ast(r);
    } else if (!strcmp(line, ":fields")) {
        show_fields(r);
    } else if (!strncmp(line, ":limit", 6) && (arg = argument(line, 6))) {
        char *end;
        unsigned long n = strtoul(arg, &end, 10);
        if (*end || *arg < '0' || *arg > '9')
            printf("error: ':limit' takes a count (0 or more), not '%s'\n",
                   arg);
        else
            r->limit = n;
    } else if (!strcmp(line, ":load") || !strcmp(line, ":rule")
               || !strcmp(line, ":limit")) {
        printf("error: '%s' needs an argument (:help says which)\n", line);
    } else {
        printf("error: unknown command '%s' (:help lists them)\n", line);
    }
    fflush(stdout);
    return true;
}

/* One line of input; handles it; false to stop. */
static bool
handle(struct repl *r, char *line)
{
    size_t len = strlen(line);
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    const char *s = line;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == ':')
        return command(r, s);
    if (*s)
        run_query(r, line);
    return true;
}

static char *
history_path(void)
{
    const char *home = getenv("HOME");
    if (!home || !*home)
        return NULL;
    char *p = xmalloc(strlen(home) + sizeof HISTORY_FILE + 2);
    sprintf(p, "%s/%s", home, HISTORY_FILE);
    return p;
}

/* At a terminal: libedit, with history kept between sessions. */
static void
loop_tty(struct repl *r)
{
    char *hist = history_path();
    using_history();
    if (hist)
        read_history(hist);
    char *line;
    while ((line = readline("kql> ")) != NULL) {
        if (*line)
            add_history(line);
        bool go = handle(r, line);
        free(line);
        if (!go)
            break;
    }
    if (hist) {
        write_history(hist);
        free(hist);
    }
}

static void
loop_script(struct repl *r)
{
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, stdin) > 0) {
        if (!handle(r, line))
            break;
    }
    free(line);
}

int
cmd_repl(int argc, char **argv)
{
    struct repl r = { .limit = 10, .tty = isatty(0) && isatty(1),
                      .now = krt_clock_ms() };
    int status = KQLC_OK;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs("usage: kqlc repl [--now DATE] [--mapping FILE] "
                  "[FILE...]\n\n"
                  "--now DATE sets the clock that 'now' reads in every "
                  "query (ISO 8601 or\nepoch milliseconds; by default, "
                  "when the repl starts).\n"
                  "--mapping FILE takes field types from an Elasticsearch "
                  "mapping (JSON).\n\n", stdout);
            printf(repl_help, r.limit);
            return KQLC_OK;
        }
        if (!strcmp(argv[i], "--now")) {
            const char *v = i + 1 < argc ? argv[++i] : "";
            if (krt_parse_date(v, strlen(v), false, &r.now) != KRT_DATE_OK) {
                fprintf(stderr, "kqlc: error: --now expects an ISO 8601 "
                        "date or epoch milliseconds, not '%s'\n", v);
                return KQLC_USAGE;
            }
            continue;
        }
        if (!strcmp(argv[i], "--mapping") && i + 1 < argc) {
            mapping_free(r.mapping);
            if (driver_load_mapping(argv[++i], false, &r.mapping))
                return KQLC_USAGE;
            continue;
        }
        if (!load_file(&r.ev, argv[i]))
            status = KQLC_USAGE;
    }
    if (r.tty) {
        printf("kqlc %s: %zu events loaded; :help for commands\n",
               KQLC_VERSION, r.ev.n);
        loop_tty(&r);
    } else {
        loop_script(&r);
    }
    free(r.ev.text);
    free(r.ev.start);
    free(r.last.query);
    free(r.last.c);
    mapping_free(r.mapping);
    return status;
}
