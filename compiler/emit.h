/*
 * emit.h - the C emitter.
 *
 * Writes one C file for a program: its field table, the constant sets
 * and range tables of every rule, one function per rule (and one per
 * inner 'and'/'or'), and 'krt_program'.  The output depends only on the
 * program: the same rules give the same bytes.
 */
#ifndef KQLC_EMIT_H
#define KQLC_EMIT_H

#include <stdio.h>

#include "ir.h"

/* Write the C for 'p' to 'out'.  Returns false on a write error. */
bool emit_c(FILE *out, const struct ir_program *p);

#endif
