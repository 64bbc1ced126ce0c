/*
 * commands.h - the subcommands of the kqlc command line.
 *
 * Each takes the arguments after the subcommand name (argv[0] is the
 * subcommand) and returns the process exit status: 0 ok, 1 rule rejected,
 * 2 usage or I/O error, 3 internal error.
 */
#ifndef KQLC_COMMANDS_H
#define KQLC_COMMANDS_H

int cmd_parse(int argc, char **argv);
int cmd_emit(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_repl(int argc, char **argv);
int cmd_check(int argc, char **argv);

#endif
