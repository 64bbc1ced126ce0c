/*
 * krt_select.h - the rules an event needs: rule selection by gate.
 *
 * A program's gates (krt.h, struct krt_gate) say, for each rule that has
 * them, keyword tests the rule cannot match without.  For each event the
 * selection looks every value of every gate field up once and gives the
 * rules to evaluate: those whose gate holds and those with no gate, in
 * rule order, so that evaluating them gives the alerts, in the order,
 * that evaluating every rule gives.  For the run loop and the hosts that
 * evaluate rules themselves (the compiler's interpreter).
 */
#ifndef KRT_SELECT_H
#define KRT_SELECT_H

#include <stdbool.h>

#include "krt.h"

/*
 * The rules of 'prog' to evaluate on event 'ev', which a scanner made
 * with prog's fields, at the top level of the event (no nested query in
 * progress): '*n' rule numbers, ascending, in '*rules', which lives until
 * the next call on the same event.  The selection is built on first use
 * and kept with the event (its scanner frees it).  False when every rule
 * must be evaluated: the program has no gates, the environment sets
 * KRT_NO_GATES (to anything but "" or "0"), or memory ran out.
 */
bool krt_select_rules(struct krt_event *ev, const struct krt_program *prog,
                      const krt_u32 **rules, krt_u32 *n);

#endif
