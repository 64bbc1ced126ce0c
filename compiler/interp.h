/*
 * interp.h - the reference interpreter: evaluates the typed IR directly.
 *
 * Written for clarity, not speed: it is the third engine every answer is
 * checked against (with the native detector and the JIT).  It calls the
 * same runtime tests as generated code, so the three differ only in how
 * the tree of tests is walked.
 */
#ifndef KQLC_INTERP_H
#define KQLC_INTERP_H

#include <stdbool.h>

#include "ir.h"
#include "krt.h"

/* Does the tree 'n' hold for event 'ev'? */
bool interp_eval(const struct ir_node *n, struct krt_event *ev);

/*
 * A krt_program over 'p''s fields and rules, for the runtime's input and
 * output loop; its rules have no match function (the interpreter
 * evaluates them) and the gates the emitted C would list (ir_gate.h).
 * Allocated in 'a'.
 */
const struct krt_program *interp_program(struct arena *a,
                                         const struct ir_program *p);

#endif
