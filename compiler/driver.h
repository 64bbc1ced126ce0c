/*
 * driver.h - from rule files or a query to a typed program, and from a
 * program to C or to a detector executable.
 */
#ifndef KQLC_DRIVER_H
#define KQLC_DRIVER_H

#include <stdbool.h>
#include <stdio.h>

#include "arena.h"
#include "diag.h"
#include "ir.h"

/* Exit statuses of the kqlc command. */
enum {
    KQLC_OK = 0,
    KQLC_REJECTED = 1,   /* a rule has an error */
    KQLC_USAGE = 2,      /* usage or I/O error */
    KQLC_INTERNAL = 3    /* our bug: cc or libtcc rejected our C */
};

/* What to compile: rule files, or one query given on the command line. */
struct driver_input {
    char **files;
    int nfiles;
    const char *query;    /* --query, or NULL */
    const struct mapping *mapping; /* --mapping, or NULL; borrowed */
};

/*
 * Load the mapping file 'path' (--mapping) into '*out', reporting on
 * stderr (warnings as errors with 'werror').  KQLC_OK, or KQLC_USAGE
 * when it cannot be read or Elasticsearch would refuse it.  'path' NULL
 * leaves '*out' NULL.  The caller frees '*out' with mapping_free.
 */
int driver_load_mapping(const char *path, bool werror,
                        struct mapping **out);

/*
 * Load, parse and type every rule of 'in' into 'p' (initialised here).
 * All diagnostics go to 'd'; every rule is processed even after an error.
 * Returns KQLC_OK, KQLC_REJECTED or KQLC_USAGE (a file could not be read).
 */
int driver_compile(struct arena *a, struct diag *d,
                   const struct driver_input *in, struct ir_program *p);

/*
 * Parse and type 'query' into one more rule of 'p', named 'name' with id
 * 'rule_id' (all three borrowed: they must outlive 'p').  Errors go to
 * 'd' against the query itself ("<query>"); false when there was any.
 */
bool driver_add_query(struct arena *a, struct diag *d, struct ir_program *p,
                      const char *name, const char *rule_id,
                      const char *query);

struct rule;

/*
 * Parse and type the loaded rule 'rf' into one more rule of 'p' ('rf'
 * must outlive 'p').  Errors go to 'd' against the rule's file; false
 * when there was any (and 'p' is unchanged).
 */
bool driver_add_rule(struct arena *a, struct diag *d, struct ir_program *p,
                     const struct rule *rf);

/*
 * Warn, at the rule_id of 'r', when a rule of 'seen' (struct rule *) has
 * the same rule_id: both would run and their alerts could not be told
 * apart.  Returns whether it warned.
 */
bool driver_warn_duplicate(struct diag *d, const struct ptrvec *seen,
                           const struct rule *r);

/*
 * Write the C of 'p' into a fresh private directory as 'detector.c';
 * 'dir' and 'path' receive the names (so no part of a rule reaches a
 * file name).  KQLC_OK, or KQLC_USAGE after a message on stderr.  The
 * caller removes both.
 */
#define DRIVER_TEMP_MAX 1024

int driver_temp_c(const struct ir_program *p, char dir[DRIVER_TEMP_MAX],
                  char path[DRIVER_TEMP_MAX + 16]);

/*
 * Compile the C file at 'c_path' with the system compiler (cc, or
 * $KQLC_CC) against the runtime into the executable 'out_path'.
 * Returns KQLC_OK, KQLC_USAGE (runtime not found, cannot run cc) or
 * KQLC_INTERNAL (cc rejected the C: our bug), with a message on 'd'.
 */
int driver_cc(struct diag *d, const char *c_path, const char *out_path,
              bool verbose);

/* A monotonic clock in milliseconds, for phase timings (-v). */
double driver_now_ms(void);

/* The directory holding runtime/krt.h and the build directory with
 * libkrt.a (KQLC_BUILD_DIR), or NULL. */
const char *driver_home(void);

#endif
