/*
 * driver.c - the compilation pipeline and the system compiler step.
 */
#include "driver.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "emit.h"
#include "mapping.h"
#include "parse.h"
#include "rulefile.h"
#include "sema.h"

extern char **environ;

/* The build directory, under the tree driver_home() finds, whose libkrt.a
 * detectors link, and the flags cc gets beyond ours (words separated by
 * spaces): the Makefile names its build's, so that the kqlc of a
 * sanitizer build (build-asan/) builds sanitized detectors. */
#ifndef KQLC_BUILD_DIR
#define KQLC_BUILD_DIR "build"
#endif
#ifndef KQLC_CC_FLAGS
#define KQLC_CC_FLAGS ""
#endif

static struct ir_tactic *
copy_tactics(struct arena *a, const struct rule *r)
{
    struct ir_tactic *t = arena_alloc(a, (r->ntactics + 1) * sizeof *t);
    for (size_t i = 0; i < r->ntactics; i++) {
        t[i].id = r->tactics[i].id ? r->tactics[i].id : "";
        t[i].name = r->tactics[i].name ? r->tactics[i].name : "";
    }
    return t;
}

/* Parse and type one query into a rule of 'p'; false on any error. */
static bool
compile_rule(struct arena *a, struct diag *d, struct ir_program *p,
             struct ir_rule *r, const struct diag_source *src)
{
    struct ast_query q;
    if (!parse_query(a, d, src, r->query, r->query_len, &q, NULL))
        return false;
    r->src = src;
    r->root = sema_query(a, d, src, p, &q);
    if (!r->root)
        return false;
    ptrvec_push(a, &p->rules, r);
    return true;
}

bool
driver_add_query(struct arena *a, struct diag *d, struct ir_program *p,
                 const char *name, const char *rule_id, const char *query)
{
    struct diag_source *src = arena_alloc(a, sizeof *src);
    src->name = "<query>";
    src->text = query;
    src->len = strlen(query);
    struct ir_rule *r = arena_alloc(a, sizeof *r);
    r->name = name;
    r->rule_id = rule_id;
    r->severity = "none";
    r->tactics = arena_alloc(a, sizeof(struct ir_tactic));
    r->query = query;
    r->query_len = src->len;
    return compile_rule(a, d, p, r, src);
}

static int
compile_query(struct arena *a, struct diag *d, const char *query,
              struct ir_program *p)
{
    p->origin = "a query given on the command line";
    return driver_add_query(a, d, p, "query", "query", query)
        ? KQLC_OK : KQLC_REJECTED;
}

static const char *
base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

bool
driver_warn_duplicate(struct diag *d, const struct ptrvec *seen,
                      const struct rule *r)
{
    for (size_t j = 0; r->rule_id && j < seen->n; j++) {
        const struct rule *o = seen->items[j];
        unsigned line, col;
        if (!o->rule_id || strcmp(r->rule_id, o->rule_id) != 0)
            continue;
        diag_line_col(o->file.text, o->file.len, o->at.start, &line, &col);
        diag_report(d, &r->file, DIAG_WARNING, r->at, "rule_id '%s' is "
                    "also the rule_id of '%s' (%s:%u): their alerts cannot be "
                    "told apart",
                    r->rule_id, rulefile_display_name(o), o->path, line);
        return true;
    }
    return false;
}

bool
driver_add_rule(struct arena *a, struct diag *d, struct ir_program *p,
                const struct rule *rf)
{
    struct ir_rule *r = arena_alloc(a, sizeof *r);
    r->name = rf->name;
    r->rule_id = rf->rule_id;
    r->severity = rf->severity;
    r->type = rf->type;
    r->risk_score = rf->risk_score;
    r->tactics = copy_tactics(a, rf);
    r->ntactics = rf->ntactics;
    r->query = rf->query;
    r->query_len = rf->query_len;
    return compile_rule(a, d, p, r, &rf->query_src);
}

static int
compile_files(struct arena *a, struct diag *d, const struct driver_input *in,
              struct ir_program *p)
{
    int status = KQLC_OK;
    struct ptrvec rules = { 0 }, seen = { 0 };
    for (int i = 0; i < in->nfiles; i++) {
        enum rulefile_status rs = rulefile_read(a, d, in->files[i], &rules);
        if (rs == RULEFILE_IO_ERROR)
            status = KQLC_USAGE;
        else if (rs != RULEFILE_OK && status == KQLC_OK)
            status = KQLC_REJECTED;
    }
    /* Two rules with one rule_id would report every alert twice. */
    for (size_t i = 0; i < rules.n; i++) {
        driver_warn_duplicate(d, &seen, rules.items[i]);
        ptrvec_push(a, &seen, rules.items[i]);
    }
    for (size_t i = 0; i < rules.n; i++) {
        if (!driver_add_rule(a, d, p, rules.items[i]))
            status = KQLC_REJECTED;
    }
    p->origin = in->nfiles == 1 ? base_name(in->files[0])
              : arena_printf(a, "%d rule files", in->nfiles);
    return status;
}

int
driver_compile(struct arena *a, struct diag *d, const struct driver_input *in,
               struct ir_program *p)
{
    memset(p, 0, sizeof *p);
    p->mapping = in->mapping;
    int status = in->query ? compile_query(a, d, in->query, p)
                           : compile_files(a, d, in, p);
    if (status == KQLC_OK && d->nerrors)
        status = KQLC_REJECTED;
    return status;
}

int
driver_load_mapping(const char *path, bool werror, struct mapping **out)
{
    struct diag d;

    *out = NULL;
    if (!path)
        return KQLC_OK;
    diag_init(&d, stderr);
    d.werror = werror;
    *out = mapping_load(&d, path);
    if (*out && d.nerrors) {
        mapping_free(*out);
        *out = NULL;
    }
    return *out ? KQLC_OK : KQLC_USAGE;
}

/* ------------------------------------------------------------ cc */

int
driver_temp_c(const struct ir_program *p, char dir[DRIVER_TEMP_MAX],
              char path[DRIVER_TEMP_MAX + 16])
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, DRIVER_TEMP_MAX, "%s/kqlc-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "kqlc: error: cannot create a temporary directory "
                "'%s': %s\n", dir, strerror(errno));
        return KQLC_USAGE;
    }
    snprintf(path, DRIVER_TEMP_MAX + 16, "%s/detector.c", dir);
    FILE *f = fopen(path, "w");
    bool ok = f && emit_c(f, p);
    if (f)
        ok &= fclose(f) == 0;
    if (!ok) {
        fprintf(stderr, "kqlc: error: cannot write '%s': %s\n", path,
                strerror(errno));
        unlink(path);
        rmdir(dir);
        return KQLC_USAGE;
    }
    return KQLC_OK;
}

static bool
file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

double
driver_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

const char *
driver_home(void)
{
    static char home[PATH_MAX];
    const char *env = getenv("KQLC_HOME");
    if (env && *env) {
        snprintf(home, sizeof home, "%s", env);
        return home;
    }
    ssize_t n = readlink("/proc/self/exe", home, sizeof home - 1);
    if (n <= 0)
        return NULL;
    home[n] = '\0';
    /* bin/kqlc (bin-asan/kqlc) -> the tree above bin/ */
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(home, '/');
        if (!slash)
            return NULL;
        *slash = '\0';
    }
    char probe[PATH_MAX + 32];
    snprintf(probe, sizeof probe, "%s/runtime/krt.h", home);
    return file_exists(probe) ? home : NULL;
}

/* Run 'argv' and wait; its output goes to ours.  -1 if it cannot run. */
static int
run_wait(char **argv)
{
    pid_t pid;
    int err = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
    if (err) {
        errno = err;
        return -1;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Append the words of 'text' (cut in place at its spaces) to the
 * NULL-terminated 'argv' of 'cap' slots.  The words are the Makefile's
 * KQLC_CC_FLAGS, a handful: room for them is an assert. */
static void
add_words(char **argv, size_t cap, char *text)
{
    size_t n = 0;
    while (argv[n])
        n++;
    char *save = NULL;
    for (char *w = strtok_r(text, " ", &save); w && n + 1 < cap;
         w = strtok_r(NULL, " ", &save)) {
        argv[n++] = w;
        assert(n + 1 < cap);
    }
    argv[n] = NULL;
}

int
driver_cc(struct diag *d, const char *c_path, const char *out_path,
          bool verbose)
{
    const char *home = driver_home();
    if (!home) {
        diag_plain(d, DIAG_ERROR, "cannot find the kqlc runtime (set "
                   "KQLC_HOME to the directory holding runtime/krt.h)");
        return KQLC_USAGE;
    }
    char inc[PATH_MAX + 16], lib[PATH_MAX + 64];
    snprintf(inc, sizeof inc, "-I%s/runtime", home);
    snprintf(lib, sizeof lib, "%s/" KQLC_BUILD_DIR "/libkrt.a", home);
    if (!file_exists(lib)) {
        diag_plain(d, DIAG_ERROR, "cannot find the runtime library '%s'",
                   lib);
        return KQLC_USAGE;
    }
    const char *cc = getenv("KQLC_CC");
    char flags[] = KQLC_CC_FLAGS;
    char *argv[48] = {
        (char *)(cc && *cc ? cc : "cc"), "-O2", "-std=c11", "-Wall",
        "-Wextra", "-Wpedantic", "-Werror", inc, "-o", (char *)out_path,
        (char *)c_path, lib, "-lunistring", "-lz", "-lzstd", "-lm"
    };
    add_words(argv, sizeof argv / sizeof *argv, flags);
    if (verbose) {
        for (char **a = argv; *a; a++)
            fprintf(stderr, "%s%s", a == argv ? "" : " ", *a);
        fputc('\n', stderr);
    }
    int rc = run_wait(argv);
    if (rc < 0) {
        diag_plain(d, DIAG_ERROR, "cannot run the C compiler '%s': %s",
                   argv[0], strerror(errno));
        return KQLC_USAGE;
    }
    if (rc != 0) {
        diag_plain(d, DIAG_ERROR, "internal error: the C compiler rejected "
                   "the generated code '%s' (exit %d); this is a kqlc bug",
                   c_path, rc);
        return KQLC_INTERNAL;
    }
    return KQLC_OK;
}
