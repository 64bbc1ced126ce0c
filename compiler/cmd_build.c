/*
 * cmd_build.c - 'kqlc emit' and 'kqlc build': rules to C, rules to a
 * detector executable.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "driver.h"
#include "emit.h"
#include "mapping.h"

struct options {
    struct driver_input in;
    const char *out;
    bool dump_ir;
    bool verbose;
    bool werror;
    const char *mapping;   /* --mapping FILE, or NULL */
};

static const char emit_usage[] =
    "usage: kqlc emit [options] RULEFILE... [-o FILE.c]\n"
    "       kqlc emit [options] --query 'KQL' [-o FILE.c]\n"
    "\n"
    "Write the C that kqlc generates for the rules (or the query).\n"
    "\n"
    "  -o FILE        write to FILE instead of standard output\n"
    "  --query KQL    compile one query instead of rule files\n"
    "  --mapping FILE field types from an Elasticsearch mapping (JSON)\n"
    "  --dump-ir      print the typed IR instead of C\n"
    "  -Werror        treat warnings as errors\n";

static const char build_usage[] =
    "usage: kqlc build [options] RULEFILE... -o DETECTOR\n"
    "       kqlc build [options] --query 'KQL' -o DETECTOR\n"
    "\n"
    "Compile the rules (or the query) into a standalone detector program\n"
    "that reads NDJSON events; run 'DETECTOR --help' for its options.\n"
    "\n"
    "  -o PATH        the executable to write (required)\n"
    "  --query KQL    compile one query instead of rule files\n"
    "  --mapping FILE field types from an Elasticsearch mapping (JSON)\n"
    "  -v             show the C compiler's command line\n"
    "  -Werror        treat warnings as errors\n";

/* Parse the options; returns -1 to go on, else an exit status. */
static int
parse_options(int argc, char **argv, const char *usage, struct options *o)
{
    memset(o, 0, sizeof *o);
    o->in.files = calloc((size_t)argc, sizeof(char *));
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_next = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            return KQLC_OK;
        } else if (!strcmp(a, "-o") && has_next) {
            o->out = argv[++i];
        } else if (!strcmp(a, "--query") && has_next) {
            o->in.query = argv[++i];
        } else if (!strcmp(a, "--mapping") && has_next) {
            o->mapping = argv[++i];
        } else if (!strcmp(a, "--dump-ir")) {
            o->dump_ir = true;
        } else if (!strcmp(a, "-v")) {
            o->verbose = true;
        } else if (!strcmp(a, "-Werror")) {
            o->werror = true;
        } else if (!strcmp(a, "--now") || !strncmp(a, "--now=", 6)) {
            /* The C keeps the date math that reads the clock; a detector
             * works it out when it starts, so that its runs repeat. */
            fputs("kqlc: error: 'now' is read when a detector starts: give "
                  "--now to the detector, not to kqlc build or emit\n",
                  stderr);
            return KQLC_USAGE;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "kqlc: error: unknown or incomplete option "
                    "'%s'\n%s", a, usage);
            return KQLC_USAGE;
        } else {
            o->in.files[o->in.nfiles++] = argv[i];
        }
    }
    if ((o->in.nfiles == 0) == (o->in.query == NULL)) {
        fprintf(stderr, "kqlc: error: give rule files or --query, not "
                "both or neither\n%s", usage);
        return KQLC_USAGE;
    }
    return -1;
}

/* Compile the input into 'p', reporting on stderr. */
static int
compile(struct arena *a, const struct options *o, struct ir_program *p)
{
    struct diag d;
    struct driver_input in = o->in;
    struct mapping *m;
    int status = driver_load_mapping(o->mapping, o->werror, &m);
    if (status != KQLC_OK)
        return status;
    diag_init(&d, stderr);
    d.werror = o->werror;
    in.mapping = m;
    status = driver_compile(a, &d, &in, p);
    /* sema alone reads the mapping */
    p->mapping = NULL;
    mapping_free(m);
    return status;
}

static int
write_c(const struct ir_program *p, const struct options *o)
{
    FILE *out = o->out ? fopen(o->out, "w") : stdout;
    if (!out) {
        fprintf(stderr, "kqlc: error: cannot write '%s': %s\n", o->out,
                strerror(errno));
        return KQLC_USAGE;
    }
    if (o->dump_ir)
        ir_dump(out, p);
    bool ok = o->dump_ir || emit_c(out, p);
    ok &= fflush(out) == 0 && !ferror(out);
    if (out != stdout)
        ok &= fclose(out) == 0;
    if (!ok) {
        fprintf(stderr, "kqlc: error: cannot write '%s': %s\n",
                o->out ? o->out : "standard output", strerror(errno));
        return KQLC_USAGE;
    }
    return KQLC_OK;
}

int
cmd_emit(int argc, char **argv)
{
    struct options o;
    int status = parse_options(argc, argv, emit_usage, &o);
    if (status >= 0)
        goto out_options;
    struct arena a;
    arena_init(&a);
    struct ir_program p;
    status = compile(&a, &o, &p);
    if (status == KQLC_OK)
        status = write_c(&p, &o);
    arena_free(&a);
out_options:
    free(o.in.files);
    return status;
}

/* Copy the file 'from' to 'to' as an executable; false on any error. */
static bool
copy_executable(const char *from, const char *to)
{
    int in = open(from, O_RDONLY);
    int out = in < 0 ? -1 : open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    bool ok = in >= 0 && out >= 0;
    char buf[1 << 16];
    ssize_t n;
    while (ok && (n = read(in, buf, sizeof buf)) != 0) {
        ok = n > 0 && write(out, buf, (size_t)n) == n;
    }
    int saved = errno;
    if (in >= 0)
        close(in);
    if (out >= 0 && close(out) != 0)
        ok = false;
    else
        errno = saved;
    return ok;
}

/*
 * Put the built detector at 'to': a rename when it can, a copy across
 * file systems.  Writing the user's path is our step, not cc's, so a bad
 * path is an I/O error (exit 2), never blamed on the generated code.
 */
static int
install_detector(const char *built, const char *to)
{
    if (rename(built, to) == 0)
        return KQLC_OK;
    if (errno == EXDEV && copy_executable(built, to))
        return KQLC_OK;
    fprintf(stderr, "kqlc: error: cannot write '%s': %s\n", to,
            strerror(errno));
    return KQLC_USAGE;
}

/* Check early that the detector can be written where asked. */
static bool
output_writable(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "kqlc: error: cannot write '%s': %s\n", path,
                strerror(EISDIR));
        return false;
    }
    return true;
}

int
cmd_build(int argc, char **argv)
{
    struct options o;
    int status = parse_options(argc, argv, build_usage, &o);
    if (status >= 0)
        goto out_options;
    if (!o.out) {
        fprintf(stderr, "kqlc: error: build needs '-o PATH'\n%s",
                build_usage);
        status = KQLC_USAGE;
        goto out_options;
    }
    if (!output_writable(o.out)) {
        status = KQLC_USAGE;
        goto out_options;
    }
    struct arena a;
    arena_init(&a);
    struct ir_program p;
    char dir[DRIVER_TEMP_MAX], c_path[DRIVER_TEMP_MAX + 16];
    char bin[DRIVER_TEMP_MAX + 16];
    status = compile(&a, &o, &p);
    if (status == KQLC_OK)
        status = driver_temp_c(&p, dir, c_path);
    if (status != KQLC_OK)
        goto out_arena;
    snprintf(bin, sizeof bin, "%s/detector", dir);
    struct diag d;
    diag_init(&d, stderr);
    status = driver_cc(&d, c_path, bin, o.verbose);
    if (status == KQLC_OK)
        status = install_detector(bin, o.out);
    unlink(bin);
    /* On an internal error the C stays for the bug report. */
    if (status != KQLC_INTERNAL) {
        unlink(c_path);
        rmdir(dir);
    }
out_arena:
    arena_free(&a);
out_options:
    free(o.in.files);
    return status;
}
