/*
 * jit.h - compiling emitted C in memory with libtcc.
 *
 * The only part of kqlc that knows libtcc (jit.c is the one file that
 * includes libtcc.h).  Code is compiled with -nostdlib: it can reach only
 * the runtime functions the host hands over, by name.  It is relocated
 * into memory mapped for it and then made read+execute, never writable
 * and executable at once.  Compile once on the main thread before any
 * thread starts: libtcc's global lock is created without
 * synchronisation.
 */
#ifndef KQLC_JIT_H
#define KQLC_JIT_H

#include <stddef.h>

#include "diag.h"
#include "krt.h"

struct jit_module;

/*
 * Compile the NUL-terminated C 'source' (as emit_c wrote it: krt.h is
 * supplied by the JIT ahead of it, so an include of it must sit inside
 * '#ifndef KRT_H') and return the module, with
 * '*prog' set to its krt_program.  'name' names the source in messages.
 * On failure libtcc's messages are reported to 'd' as internal errors
 * citing the generated file and line, and NULL is returned; libtcc never
 * ends the process.  Free with jit_free.
 */
struct jit_module *jit_compile(struct diag *d, const char *source,
                               const char *name,
                               const struct krt_program **prog);

/* Unmap the module's code; its krt_program is gone with it. */
void jit_free(struct jit_module *m);

#endif
