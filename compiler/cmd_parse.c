/*
 * cmd_parse.c - 'kqlc parse': print the syntax tree of one query, as a
 * readable tree or as Kibana's node JSON.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "commands.h"
#include "diag.h"
#include "parse.h"
#include "text.h"

struct parse_opts {
    bool json;
    const char *file;   /* --file FILE, or NULL */
    const char *query;  /* the query argument, or NULL */
};

static void
usage(FILE *out)
{
    fputs("usage: kqlc parse [--json] QUERY\n"
          "       kqlc parse [--json] --file FILE\n"
          "\n"
          "Parse one KQL query as Kibana does and print its syntax tree.\n"
          "\n"
          "  --json       print Kibana's node JSON on one line; on a syntax\n"
          "               error print {\"error\":MESSAGE,\"offset\":N} with N\n"
          "               in UTF-16 code units, as JavaScript counts\n"
          "  --file FILE  read the query from FILE instead\n"
          "  --help       print this help\n"
          "\n"
          "Exit status: 0 parsed, 1 syntax error, 2 usage or I/O error.\n",
          out);
}

/* 'kqlc: error: WHAT 'ARG'' (ARG may be NULL), a usage line, status 2. */
static int
usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "kqlc: error: %s", what);
    if (arg)
        fprintf(stderr, " '%s'", arg);
    fputs("\nusage: kqlc parse [--json] (QUERY | --file FILE)\n", stderr);
    return 2;
}

static int
set_query(struct parse_opts *o, const char *query)
{
    if (o->query || o->file)
        return usage_error("more than one query:", query);
    o->query = query;
    return -1;
}

/* Fill 'o' from the arguments; -1 to go on, else the exit status. */
static int
parse_args(int argc, char **argv, struct parse_opts *o)
{
    bool options = true;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int rc = -1;

        if (!options || arg[0] != '-' || arg[1] == '\0') {
            rc = set_query(o, arg);
        } else if (!strcmp(arg, "--")) {
            options = false;
        } else if (!strcmp(arg, "--json")) {
            o->json = true;
        } else if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(arg, "--file")) {
            if (i + 1 == argc)
                return usage_error("expected a file name after", arg);
            if (o->query || o->file)
                return usage_error("more than one query:", argv[i + 1]);
            o->file = argv[++i];
        } else {
            rc = usage_error("unknown option", arg);
        }
        if (rc >= 0)
            return rc;
    }
    if (!o->query && !o->file)
        return usage_error("no query, expected QUERY or --file FILE", NULL);
    return -1;
}

/* The whole of 'path' in malloc'd memory; NULL with errno set on error. */
static char *
read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;

    if (!f)
        return NULL;
    for (;;) {
        if (cap - n < 4096) {
            cap = cap ? cap * 2 : 8192;
            buf = xrealloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        int err = errno;
        fclose(f);
        free(buf);
        errno = err ? err : EIO;
        return NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

static void
print_error_json(const char *src, size_t len, const struct parse_error *e)
{
    fputs("{\"error\":\"", stdout);
    text_json_escape(stdout, e->message, strlen(e->message));
    printf("\",\"offset\":%zu}\n", diag_utf16_offset(src, len, e->offset));
}

/* Parse and print; returns the exit status. */
static int
run(const struct parse_opts *o, const char *name, const char *src,
    size_t len)
{
    struct diag_source dsrc = { .name = name, .text = src, .len = len };
    struct arena a;
    struct diag d;
    struct ast_query q;
    struct parse_error err;
    int status = 0;

    arena_init(&a);
    diag_init(&d, stderr);
    if (!parse_query(&a, &d, &dsrc, src, len, &q, &err)) {
        if (o->json)
            print_error_json(src, len, &err);
        status = 1;
    } else if (o->json) {
        ast_print_json(stdout, &q);
        fputc('\n', stdout);
    } else {
        ast_print_tree(stdout, &q);
    }
    arena_free(&a);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "kqlc: error: cannot write standard output: %s\n",
                strerror(errno));
        status = 2;
    }
    return status;
}

int
cmd_parse(int argc, char **argv)
{
    struct parse_opts o = { false, NULL, NULL };
    int rc = parse_args(argc, argv, &o);
    char *buf;
    size_t len;

    if (rc >= 0)
        return rc;
    if (o.query)
        return run(&o, "<query>", o.query, strlen(o.query));
    buf = read_file(o.file, &len);
    if (!buf) {
        fprintf(stderr, "kqlc: error: cannot read '%s': %s\n", o.file,
                strerror(errno));
        return 2;
    }
    rc = run(&o, o.file, buf, len);
    free(buf);
    return rc;
}
