/*
 * ir_gate.h - gates: keyword tests a rule cannot match without.
 *
 * A detector of hundreds of rules spends its time asking each rule its
 * first question.  Most rules are 'a and b and ...' where some term is a
 * keyword set test (event.dataset:x, event.action:(a or b)): an event
 * whose field has no value in that set cannot match the rule.  Such a
 * test is the rule's gate (or, failing one, an integer range test, or
 * the mere presence of a field some term tests); the runtime looks each
 * value of each gate field up once per event and evaluates only the
 * rules whose gate holds (krt_select.c), in rule order, so the output
 * is the same.
 */
#ifndef KQLC_IR_GATE_H
#define KQLC_IR_GATE_H

#include <stddef.h>

#include "arena.h"
#include "ir.h"

/*
 * The gates of rule 'r' of program 'p': tests of its tree, one of which
 * holds whenever the rule does, each of the kind ir_gate_kind gives.
 * They are the gates of the narrowest term of its top-level 'and' (or of
 * the whole rule): the term itself when it is a test, one per branch
 * when it is an 'or', those of its narrowest term when it is an 'and';
 * never from under 'not', a nested query or free text.  '*gates' is
 * allocated in 'a'.  Returns their number; 0 when the rule has no gate
 * and must run on every event.
 */
size_t ir_rule_gates(struct arena *a, const struct ir_program *p,
                     const struct ir_rule *r, const struct ir_node ***gates);

/*
 * What gate 'n' asks of an event (krt.h): KRT_GATE_KW for a keyword set
 * test, KRT_GATE_INT for an integer range test (each the test itself),
 * KRT_GATE_HAS, that its field has a value, for any other test.
 */
krt_u32 ir_gate_kind(const struct ir_node *n);

#endif
