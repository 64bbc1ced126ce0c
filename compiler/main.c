/*
 * main.c - the kqlc command: dispatch to a subcommand.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
};

static const struct command commands[] = {
    { "parse", cmd_parse, "print the syntax tree of a query" },
    { "emit", cmd_emit, "write the C for rules or a query" },
    { "build", cmd_build, "compile rules or a query into a detector" },
    { "check", cmd_check, "compile every rule on its own and count them" },
    { "run", cmd_run, "run rules or a query over events at once" },
    { "repl", cmd_repl, "type queries, see matching events at once" },
};

static void
usage(FILE *out)
{
    fputs("usage: kqlc COMMAND [ARGS]\n\ncommands:\n", out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].help);
    fputs("\n'kqlc COMMAND --help' describes each command.\n", out);
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("kqlc %s\n", KQLC_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "kqlc: error: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
